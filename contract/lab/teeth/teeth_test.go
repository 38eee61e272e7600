// Package teeth proves the contract suite fails when the API misbehaves: it
// runs the whole suite, as `make contract` does, against the correct
// emulator, which must pass, and then, once per deliberately wrong behaviour,
// the specs labelled as catching it (mutation.CatchesLabel), which must
// fail, beside the sanity spec (mutation.SanityLabel), which must pass.
//
// The runs per mutation are focused and run in parallel: with one mutation
// per cell of the field × answer table there are close to a hundred, and a
// whole suite for each would take minutes where the labelled specs take a
// fraction of a second. The named mutations, the ones that bend a rule,
// also run the stateful phase, so that the report says for each which phase
// caught it: the single-rule specs, the stateful phase, or both. A mutation
// only the stateful phase is labelled for must also leave every other spec
// passing: that is what makes it one only a sequence shows.
package teeth_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/prebuilt"
	"github.com/certcontract/certcontract/contract/internal/suite"
)

// reported is what these tests read of a spec in a Ginkgo JSON report. A
// report lists every spec of the suite, skipped ones too (some 350 KB), and
// this process runs under the race detector, where decoding a whole
// types.Report, locations and timestamps included, took 57 to 91 ms a report
// for some 160 reports; these fields alone take little more than half that.
type reported struct {
	LeafNodeType             types.NodeType
	LeafNodeText             string
	LeafNodeLabels           []string
	ContainerHierarchyTexts  []string
	ContainerHierarchyLabels [][]string
	State                    types.SpecState
	Failure                  struct{ Message string }
}

// specs reads a Ginkgo JSON report: every spec of the run with its labels
// and state.
func specs(t *testing.T, path string) []types.SpecReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no JSON report: %v", err)
	}
	var reports []struct{ SpecReports []reported }
	if err := json.Unmarshal(b, &reports); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	var out []types.SpecReport
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType == types.NodeTypeIt {
				out = append(out, types.SpecReport{
					LeafNodeType: s.LeafNodeType, LeafNodeText: s.LeafNodeText, LeafNodeLabels: s.LeafNodeLabels,
					ContainerHierarchyTexts: s.ContainerHierarchyTexts, ContainerHierarchyLabels: s.ContainerHierarchyLabels,
					State: s.State, Failure: types.Failure{Message: s.Failure.Message},
				})
			}
		}
	}
	return out
}

// labelled returns the specs carrying label.
func labelled(all []types.SpecReport, label string) []types.SpecReport {
	var out []types.SpecReport
	for _, s := range all {
		if slices.Contains(s.Labels(), label) {
			out = append(out, s)
		}
	}
	return out
}

// suiteEnv is the caller's environment minus everything that would point the
// suite at another target.
func suiteEnv(mutation string) []string {
	env := prebuilt.Environ(func(name string) bool {
		return strings.HasPrefix(name, "CONTRACT_") || name == "OPENAI_ADMIN_KEY"
	})
	if mutation != "" {
		env = append(env, suite.EnvMutations+"="+string(mutation))
	}
	// Each run is one process whose client and emulator take turns; two run
	// at a time. With one P each, the scheduler does not spin between the
	// turns: 18% less CPU for the whole proof, which catches every mutation
	// the same (docs/performance.md).
	env = append(env, "GOMAXPROCS=1")
	// The stateful phase draws its sequences from a seed; a fixed one makes
	// the verdict the same on every run (docs/suite.md gives the rates at which
	// random seeds catch each mutation). Shrinking a divergence stops at
	// rapid's deadline at the latest; what is proved here is that it is
	// caught, so the deadline is short: a second shortens the sequences
	// this package reports to a few steps.
	return append(env, suite.EnvSeed+"="+teethSeed, "RAPID_SHRINKTIME=1s")
}

const teethSeed = "20260821"

// The live budget's proof: liveSeeds fixed seeds from liveSeed, of which
// at least liveCatches must catch each mutation only a sequence shows.
const (
	liveSeed    = 20261202
	liveSeeds   = 10
	liveCatches = 9
)

// phases says which phase caught a mutation: the single-rule specs, the
// stateful phase, or both; for the stateful phase, with the first line of
// its report, which says how short rapid made the sequence.
func phases(all []types.SpecReport) string {
	single, sequence := 0, ""
	for _, s := range all {
		switch {
		case !s.State.Is(types.SpecStateFailureStates):
		case slices.Contains(s.Labels(), suite.LabelStateful):
			sequence, _, _ = strings.Cut(s.Failure.Message, "\n")
		default:
			single++
		}
	}
	switch {
	case single > 0 && sequence != "":
		return fmt.Sprintf("both: %d single-rule specs, and the stateful phase: %s", single, sequence)
	case sequence != "":
		return "the stateful phase only: " + sequence
	case single > 0:
		return fmt.Sprintf("the single-rule specs only: %d", single)
	}
	return "nothing"
}

// checkReport checks that a failure of the stateful phase is a
// reproduction: numbered steps, the seed that replays them, curl lines
// without the key.
func checkReport(t *testing.T, all []types.SpecReport) {
	t.Helper()
	for _, s := range labelled(all, suite.LabelStateful) {
		if !s.State.Is(types.SpecStateFailureStates) {
			continue
		}
		for _, want := range []string{"  1. ", "Replay: " + suite.EnvSeed + "=", "curl -sS ", `-H "Authorization: Bearer $OPENAI_ADMIN_KEY"`} {
			if !strings.Contains(s.Failure.Message, want) {
				t.Errorf("the stateful phase's report lacks %q:\n%s", want, s.Failure.Message)
			}
		}
	}
}

// fieldOf is the JSON name of the field a field mutation breaks, which the
// failure of a spec catching it names; "" for the other mutations.
func fieldOf(m string) string {
	for _, c := range mutation.FieldCells() {
		if c.Mutation() == m {
			return string(c.Field)
		}
	}
	return ""
}

func TestEveryMutationIsCaught(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the contract suite once, and its labelled specs once per mutation")
	}
	dir := t.TempDir()
	// Compiled once (by make unit for every test that runs it); each run
	// below reuses the binary.
	bin := prebuilt.Suite(t)
	ginkgo := prebuilt.Ginkgo(t)

	t.Run("correct emulator", func(t *testing.T) {
		reports := filepath.Join(dir, "reports")
		cmd := prebuilt.Command(t.Context(), suiteEnv(""), ginkgo,
			"-p", "--randomize-all", "--no-color", "--json-report=report.json", "--output-dir="+reports, bin)
		out, err := cmd.CombinedOutput()
		if err != nil && cmd.ProcessState == nil {
			t.Fatalf("run ginkgo: %v", err)
		}
		all := specs(t, filepath.Join(reports, "report.json"))
		if err != nil {
			var fails []string
			for _, s := range all {
				if s.State.Is(types.SpecStateFailureStates) {
					fails = append(fails, s.FullText())
				}
			}
			t.Fatalf("the suite fails on the correct emulator: %q\n%s", fails, out)
		}
		// Every mutation must name a spec that catches it, or the runs below
		// could not tell whether the suite checks its rule; a label naming
		// no mutation is a typo or a mutation since removed.
		for _, m := range mutation.Known() {
			if len(labelled(all, mutation.CatchesLabel(m))) == 0 {
				t.Errorf("mutation %s: label the spec that catches it with mutation.CatchesLabel(string...)", m)
			}
		}
		for _, s := range all {
			for _, l := range s.Labels() {
				name, ok := strings.CutPrefix(l, mutation.CatchesLabel(""))
				if ok && !slices.Contains(mutation.Known(), name) {
					t.Errorf("%q is labelled %q, a mutation the emulator does not know", s.FullText(), l)
				}
			}
		}
		if len(labelled(all, mutation.SanityLabel)) == 0 {
			t.Errorf("no spec is labelled %s", mutation.SanityLabel)
		}
	})

	// run runs the suite binary with a mutation and a label filter.
	run := func(t *testing.T, m string, name, filter string, env ...string) (passed bool, all []types.SpecReport, output []byte) {
		t.Helper()
		report := filepath.Join(dir, name+".json")
		// env's entries come last, so they win over suiteEnv's.
		cmd := prebuilt.Command(t.Context(), append(suiteEnv(m), env...),
			bin, "-ginkgo.no-color", "-ginkgo.json-report="+report, "-ginkgo.label-filter="+filter)
		out, err := cmd.CombinedOutput()
		if err != nil && cmd.ProcessState == nil {
			t.Fatalf("run the suite: %v", err)
		}
		return err == nil, specs(t, report), out
	}

	var mu sync.Mutex
	var summary, rates []string
	t.Cleanup(func() {
		slices.Sort(summary)
		t.Logf("which phase caught each mutation that bends a rule:\n%s", strings.Join(summary, "\n"))
		slices.Sort(rates)
		t.Logf("the stateful phase with the live budget (%s=%d) over %d fixed seeds, each mutation only a sequence shows:\n%s",
			suite.EnvStatefulSteps, suite.StatefulStepsRemote, liveSeeds, strings.Join(rates, "\n"))
	})
	for _, m := range mutation.Known() {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			filter := mutation.CatchesLabel(m) + " || " + mutation.SanityLabel
			named := fieldOf(m) == ""
			if named {
				filter += " || " + suite.LabelStateful
			}
			passed, all, out := run(t, m, string(m), filter)
			if passed {
				t.Fatalf("the suite passes with mutation %s: nothing catches it\n%s", m, out)
			}
			for _, s := range labelled(all, mutation.SanityLabel) {
				if s.State != types.SpecStatePassed {
					t.Fatalf("the sanity spec %q %s: the run itself is broken\n%s", s.FullText(), s.State, s.Failure.Message)
				}
			}
			// Each spec labelled as catching m must fail, and for a field
			// mutation say which field: a label on a spec that passes, or
			// fails for another reason, would claim a check the suite does
			// not make.
			catchers := labelled(all, mutation.CatchesLabel(m))
			if len(catchers) == 0 {
				t.Fatalf("no spec labelled %s ran", mutation.CatchesLabel(m))
			}
			field := fieldOf(m)
			for _, s := range catchers {
				switch {
				case !s.State.Is(types.SpecStateFailureStates):
					t.Errorf("%q is labelled %s but %s", s.FullText(), mutation.CatchesLabel(m), s.State)
				case field != "" && !strings.Contains(s.Failure.Message, field):
					t.Errorf("%q fails, but not about %s: %s", s.FullText(), field, s.Failure.Message)
				}
			}
			t.Logf("caught by %d labelled specs", len(catchers))
			if !named {
				return
			}
			checkReport(t, all)
			mu.Lock()
			summary = append(summary, fmt.Sprintf("  %-42s %s", m, phases(all)))
			mu.Unlock()
			if slices.ContainsFunc(catchers, func(s types.SpecReport) bool { return !slices.Contains(s.Labels(), suite.LabelStateful) }) {
				return
			}
			// Only the stateful phase is labelled for m: every other spec
			// must pass with it, or m is no mutation only a sequence shows.
			if passed, all, _ := run(t, m, string(m)+"-single", "!"+suite.LabelStateful); !passed {
				var fails []string
				for _, s := range all {
					if s.State.Is(types.SpecStateFailureStates) {
						fails = append(fails, s.FullText())
					}
				}
				t.Errorf("%s is labelled only on the stateful phase, but these specs catch it too; label them: %q", m, fails)
			}
			// Only a sequence shows m: the live budget must catch it too, in
			// nearly every run, or a live run would rarely see such a bug.
			caught := 0
			for i := range liveSeeds {
				name := fmt.Sprintf("%s-live-%d", m, i)
				seed := fmt.Sprintf("%s=%d", suite.EnvSeed, liveSeed+i)
				steps := fmt.Sprintf("%s=%d", suite.EnvStatefulSteps, suite.StatefulStepsRemote)
				// Only whether it is caught counts here: no shrinking.
				if passed, _, _ := run(t, m, name, suite.LabelStateful, seed, steps, "RAPID_SHRINKTIME=1ms"); !passed {
					caught++
				}
			}
			mu.Lock()
			rates = append(rates, fmt.Sprintf("  %-42s caught in %d of %d", m, caught, liveSeeds))
			mu.Unlock()
			if caught < liveCatches {
				t.Errorf("%s: the stateful phase with %d steps caught it in %d of %d seeds, want at least %d",
					m, suite.StatefulStepsRemote, caught, liveSeeds, liveCatches)
			}
		})
	}
}
