package suite

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/certcontract/certcontract/contract/internal/stateful"
)

// The coverage gate: every (operation, status) pair the fragment documents
// must have been answered, validated, inside some spec. The expected set is
// read from the fragment itself, so documenting a new operation or status
// without a spec that provokes it fails the suite.

// Cell states of the matrix.
const (
	StateCovered   = "covered"
	StateMissing   = "missing"
	StateNotOnThis = "not provokable" // a fault status on a target without the fault header
)

// StatusCell is one (operation, status) pair and the specs that provoked it.
type StatusCell struct {
	Status int      `json:"status"`
	State  string   `json:"state"`
	Specs  []string `json:"specs,omitempty"`
}

// OperationRow is one operation of the fragment.
type OperationRow struct {
	Operation string       `json:"operation"`
	Method    string       `json:"method"`
	Path      string       `json:"path"`
	Statuses  []StatusCell `json:"statuses"`
}

// Coverage is the matrix of operation × documented status; reports/coverage.json
// holds it as is.
type Coverage struct {
	Target               string         `json:"target"`
	FaultStatusesChecked bool           `json:"fault_statuses_checked"`
	Filtered             bool           `json:"filtered"`    // a focus or filter ran part of the suite
	Interrupted          bool           `json:"interrupted"` // the run was cut short
	Operations           []OperationRow `json:"operations"`
	Missing              []Pair         `json:"missing"`
	// Transitions are the stateful phase's transition coverage; nil when
	// the phase did not run.
	Transitions *stateful.TransitionCoverage `json:"transitions,omitempty"`
}

// faultOnly: 429 and 5xx come only from overload or failure, which a client
// cannot provoke on a real API.
func faultOnly(status int) bool { return status == 429 || status >= 500 }

// BuildCoverage lays the observations over every (operation, status) the
// document declares. faultsForced says whether 429 and 5xx could be forced
// on this target; when not, they are reported but not required.
func BuildCoverage(doc *openapi3.T, specsOf map[Pair][]string, faultsForced bool) (Coverage, error) {
	cov := Coverage{FaultStatusesChecked: faultsForced}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			row := OperationRow{Operation: op.OperationID, Method: method, Path: path}
			for code := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					return Coverage{}, fmt.Errorf("%s %s declares response %q; the gate needs explicit statuses", method, path, code)
				}
				p := Pair{op.OperationID, status}
				cell := StatusCell{Status: status, Specs: slices.Compact(slices.Sorted(slices.Values(specsOf[p])))}
				switch {
				case len(cell.Specs) > 0:
					cell.State = StateCovered
				case faultOnly(status) && !faultsForced:
					cell.State = StateNotOnThis
				default:
					cell.State = StateMissing
					cov.Missing = append(cov.Missing, p)
				}
				row.Statuses = append(row.Statuses, cell)
			}
			slices.SortFunc(row.Statuses, func(a, b StatusCell) int { return cmp.Compare(a.Status, b.Status) })
			cov.Operations = append(cov.Operations, row)
		}
	}
	slices.SortFunc(cov.Operations, func(a, b OperationRow) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	slices.SortFunc(cov.Missing, comparePairs)
	return cov, nil
}

// RunCoverage builds the coverage of a finished run on the target cfg
// describes.
func RunCoverage(doc *openapi3.T, r types.Report, cfg Config) (Coverage, error) {
	cov, err := BuildCoverage(doc, ObservedIn(r.SpecReports), cfg.FaultHeader)
	if err != nil {
		return Coverage{}, err
	}
	cov.Target = cfg.Target()
	cov.Transitions = TransitionsIn(r.SpecReports)
	sc := r.SuiteConfig
	cov.Filtered = r.SuiteHasProgrammaticFocus || len(sc.FocusStrings) > 0 || len(sc.SkipStrings) > 0 ||
		sc.LabelFilter != "" || len(sc.FocusFiles) > 0 || len(sc.SkipFiles) > 0
	cov.Interrupted = slices.ContainsFunc(r.SpecialSuiteFailureReasons, func(reason string) bool {
		return strings.Contains(reason, "Interrupted")
	})
	return cov, nil
}

// Gate names the documented pairs no spec provoked, unless only part of the
// suite ran on purpose (a focus or a label filter) or the run was
// interrupted: then a pair can be missing for no fault of the specs.
func (c Coverage) Gate() error {
	if c.Filtered || c.Interrupted || len(c.Missing) == 0 {
		return nil
	}
	missing := make([]string, len(c.Missing))
	for i, p := range c.Missing {
		missing[i] = fmt.Sprintf("%s %d", p.Operation, p.Status)
	}
	return fmt.Errorf("%d documented (operation, status) pairs no spec provoked; add a spec for each, or stop documenting it:\n  %s",
		len(missing), strings.Join(missing, "\n  "))
}

// TransitionsEntry names the report entry in which the stateful phase
// carries its transition coverage.
const TransitionsEntry = "transition coverage"

// TransitionsIn reads the stateful phase's transition coverage from a run's
// reports; nil when the phase did not run.
func TransitionsIn(specs types.SpecReports) *stateful.TransitionCoverage {
	for _, sr := range specs {
		for _, e := range sr.ReportEntries {
			if e.Name != TransitionsEntry {
				continue
			}
			if tc, ok := e.Value.GetRawValue().(stateful.TransitionCoverage); ok {
				return &tc
			}
			var tc stateful.TransitionCoverage
			if err := json.Unmarshal([]byte(e.Value.AsJSON), &tc); err == nil {
				return &tc
			}
		}
	}
	return nil
}
