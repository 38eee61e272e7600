package completeness

import (
	"fmt"
	"slices"
	"strings"
)

// The guards, each named by what it holds the fragment to.
const (
	// GuardResponses: every property the fragment declares in an answer is
	// one the emulator answers with.
	GuardResponses = "responses"
	// GuardChecks: every property the emulator answers with is checked, in
	// the field × answer table for a certificate's fields and by the model,
	// and the model knows every operation.
	GuardChecks = "checks"
	// GuardInputs: every query parameter and request-body property can be
	// sent by the model's requests and changes the emulator's answer (query
	// parameters of the operations that only read, and body properties).
	GuardInputs = "inputs"
	// GuardEnums: every enum value the fragment allows in an answer is one
	// the emulator answers with, and every one it allows in a request is
	// taken by the emulator and the model alike.
	GuardEnums = "enums"
	// GuardExceptions: every entry of the exceptions file still excuses
	// something.
	GuardExceptions = "exceptions"
)

// ExceptionsFile is where the deliberate exceptions are listed.
const ExceptionsFile = "contract/internal/completeness/exceptions.yaml"

// Finding is one thing the fragment declares that the project does not
// follow yet, and where to make it follow.
type Finding struct {
	Guard string
	// Name is what an exception names to excuse it.
	Name string
	Text string
}

func (f Finding) String() string { return fmt.Sprintf("%s guard: %s: %s", f.Guard, f.Name, f.Text) }

// Where each kind of change lands, for the findings to say.
const (
	whereEmulator = "contract/emulator (handlers.go; a rule in internal/store)"
	whereModel    = "contract/internal/model (response.go and compare.go for an answer, request.go and step.go for a request)"
	whereWire     = "stateful.Wire in contract/internal/stateful/wire.go"
	whereCells    = "breakOf in contract/internal/mutation/fields.go (the cell; its mutation in contract/emulator/internal/mutant/fields.go; suite.Fields' check in contract/internal/suite/fields.go; make teeth proves it)"
	orList        = "or list it in " + ExceptionsFile + " with a reason"
)

// Check holds the fragment against what the emulator and the model did and
// returns what neither follows nor the exceptions excuse, one finding a
// line, with stale exceptions last.
func Check(f *Fragment, obs *Observed, ex Exceptions) []Finding {
	var all []Finding
	add := func(guard, name, format string, args ...any) {
		all = append(all, Finding{Guard: guard, Name: name, Text: fmt.Sprintf(format, args...)})
	}
	for _, op := range obs.unknown {
		add(GuardChecks, op, "an operation the model does not know, so nothing here sends it: add it to model.Ops and its rules in %s, send it in %s, and to the run in contract/internal/completeness/observe.go", whereModel, whereWire)
	}
	for _, p := range f.Properties {
		at := strings.Join(p.Places, ", ")
		if obs.produced[p.Name] == nil {
			add(GuardResponses, p.Name, "in %s, never produced by the emulator: produce it in %s, %s", at, whereEmulator, orList)
			continue
		}
		if places := slices.Sorted(slices.Values(obs.unpredicted[p.Name])); len(places) > 0 {
			add(GuardChecks, p.Name, "produced by the emulator in %s, predicted by no model answer: add it to %s, %s", strings.Join(places, ", "), whereModel, orList)
		}
		for _, v := range p.Enum {
			if !obs.produced[p.Name][v] {
				add(GuardEnums, p.Name+"="+v, "allowed in %s, never produced by the emulator: produce it in %s and predict it in %s, %s", at, whereEmulator, whereModel, orList)
			}
		}
	}
	for _, field := range sortedKeys(obs.uncelled) {
		answers := slices.Sorted(slices.Values(obs.uncelled[field]))
		list := make([]string, len(answers))
		for i, a := range answers {
			list[i] = string(a)
		}
		add(GuardChecks, "field "+string(field), "produced by the emulator in the %s answers, which have no cell for it in the field × answer table: add its break to %s, %s",
			strings.Join(list, ", "), whereCells, orList)
	}
	for _, in := range f.Inputs {
		switch {
		case !obs.sent[in.String()]:
			add(GuardInputs, in.String(), "not sent by the model's requests: add it to model.Request and its rule in %s, send it in %s, honour it in %s, %s", whereModel, whereWire, whereEmulator, orList)
		case obs.ignored[in.String()] != nil:
			var tried []string
			for _, v := range obs.ignored[in.String()] {
				tried = append(tried, brief(v))
			}
			add(GuardInputs, in.String(), "the emulator answers the same with it as without it (tried %s): honour it in %s, %s",
				strings.Join(tried, ", "), whereEmulator, orList)
		}
	}
	for _, name := range sortedKeys(obs.refused) {
		add(GuardEnums, name, "%s: accept it in %s and %s, %s", obs.refused[name], whereEmulator, whereModel, orList)
	}
	return ex.apply(all)
}

// brief is a value tried as a finding shows it: a PEM by its first line.
func brief(v string) string {
	if first, _, more := strings.Cut(v, "\n"); more {
		return first + "…"
	}
	return v
}
