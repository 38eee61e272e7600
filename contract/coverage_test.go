package contract_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/validator"
	"github.com/certcontract/certcontract/generated/spec"
)

// The coverage gate: every (operation, status) pair the fragment documents
// must have been answered, validated, inside some spec. The expected set is
// read from the fragment itself, so documenting a new operation or status
// without a spec that provokes it fails the suite.

const observedEntry = "observed"

type pair struct {
	Operation string `json:"operation"`
	Status    int    `json:"status"`
}

type quietKey struct{}

// quiet keeps cleanup traffic out of the coverage: a pair counts only when a
// spec provoked it on purpose.
func quiet(ctx context.Context) context.Context { return context.WithValue(ctx, quietKey{}, true) }

// observations collects the pairs of the spec running in this process.
type observations struct {
	mu   sync.Mutex
	seen map[pair]bool
}

func (c *observations) observe(ctx context.Context, o validator.Observation) {
	if ctx.Value(quietKey{}) != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen != nil {
		c.seen[pair{o.OperationID, o.Status}] = true
	}
}

func (c *observations) start() {
	c.mu.Lock()
	c.seen = map[pair]bool{}
	c.mu.Unlock()
}

func (c *observations) take() []pair {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]pair, 0, len(c.seen))
	for p := range c.seen {
		out = append(out, p)
	}
	c.seen = nil
	slices.SortFunc(out, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Status, b.Status))
	})
	return out
}

// entryPairs reads a spec's observations back; entries that came from another
// process arrive as JSON only.
func entryPairs(e types.ReportEntry) []pair {
	if ps, ok := e.Value.GetRawValue().([]pair); ok {
		return ps
	}
	var ps []pair
	_ = json.Unmarshal([]byte(e.Value.AsJSON), &ps)
	return ps
}

// Cell states of the matrix.
const (
	stateCovered   = "covered"
	stateMissing   = "missing"
	stateNotOnThis = "not provokable" // a fault status on a target without the fault header
)

type statusCell struct {
	Status int      `json:"status"`
	State  string   `json:"state"`
	Specs  []string `json:"specs,omitempty"`
}

type operationRow struct {
	Operation string       `json:"operation"`
	Method    string       `json:"method"`
	Path      string       `json:"path"`
	Statuses  []statusCell `json:"statuses"`
}

type coverage struct {
	Target               string         `json:"target"`
	FaultStatusesChecked bool           `json:"fault_statuses_checked"`
	Filtered             bool           `json:"filtered"`
	Operations           []operationRow `json:"operations"`
	Missing              []pair         `json:"missing"`
}

// faultOnly: 429 and 5xx come only from overload or failure, which a client
// cannot provoke on a real API.
func faultOnly(status int) bool { return status == 429 || status >= 500 }

// observedIn gathers, per pair, the specs that observed it, from every
// process's spec reports.
func observedIn(r Report) map[pair][]string {
	specsOf := map[pair][]string{}
	for _, sr := range r.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name != observedEntry {
				continue
			}
			for _, p := range entryPairs(e) {
				specsOf[p] = append(specsOf[p], sr.FullText())
			}
		}
	}
	return specsOf
}

// buildCoverage lays the observations over every (operation, status) the
// document declares. faultsForced says whether 429 and 5xx could be forced on
// this target; when not, they are reported but not required.
func buildCoverage(doc *openapi3.T, specsOf map[pair][]string, faultsForced bool) coverage {
	GinkgoHelper()
	cov := coverage{FaultStatusesChecked: faultsForced}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			row := operationRow{Operation: op.OperationID, Method: method, Path: path}
			for code := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				Expect(err).NotTo(HaveOccurred(), "%s %s declares response %q; the gate needs explicit statuses", method, path, code)
				p := pair{op.OperationID, status}
				cell := statusCell{Status: status, Specs: slices.Compact(slices.Sorted(slices.Values(specsOf[p])))}
				switch {
				case len(cell.Specs) > 0:
					cell.State = stateCovered
				case faultOnly(status) && !faultsForced:
					cell.State = stateNotOnThis
				default:
					cell.State = stateMissing
					cov.Missing = append(cov.Missing, p)
				}
				row.Statuses = append(row.Statuses, cell)
			}
			slices.SortFunc(row.Statuses, func(a, b statusCell) int { return cmp.Compare(a.Status, b.Status) })
			cov.Operations = append(cov.Operations, row)
		}
	}
	slices.SortFunc(cov.Operations, func(a, b operationRow) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method))
	})
	slices.SortFunc(cov.Missing, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.Operation, b.Operation), cmp.Compare(a.Status, b.Status))
	})
	return cov
}

// markdown renders the matrix: one row per operation, one column per status
// the fragment uses anywhere; a cell counts the specs that provoked the pair.
func (c coverage) markdown() string {
	var statuses []int
	for _, op := range c.Operations {
		for _, s := range op.Statuses {
			statuses = append(statuses, s.Status)
		}
	}
	slices.Sort(statuses)
	statuses = slices.Compact(statuses)

	var b strings.Builder
	fmt.Fprintf(&b, "### Contract coverage: %s\n\n", c.Target)
	b.WriteString("| operation |")
	for _, s := range statuses {
		fmt.Fprintf(&b, " %d |", s)
	}
	b.WriteString("\n| --- |")
	for range statuses {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, op := range c.Operations {
		fmt.Fprintf(&b, "| %s |", op.Operation)
		for _, s := range statuses {
			i := slices.IndexFunc(op.Statuses, func(cell statusCell) bool { return cell.Status == s })
			switch {
			case i < 0:
				b.WriteString(" |")
			case op.Statuses[i].State == stateCovered:
				fmt.Fprintf(&b, " ✓ %d |", len(op.Statuses[i].Specs))
			case op.Statuses[i].State == stateNotOnThis:
				b.WriteString(" n/a |")
			default:
				b.WriteString(" **MISSING** |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n✓ n: provoked and validated by n specs; blank: not documented for the operation.\n")
	if !c.FaultStatusesChecked {
		b.WriteString("n/a: 429 and 5xx can only be forced through the emulator's fault header, which this target does not honour; reported, not required.\n")
	}
	if len(c.Missing) > 0 {
		fmt.Fprintf(&b, "\n**%d documented pairs were never observed.**\n", len(c.Missing))
	}
	return b.String()
}

// gate prints the matrix, writes it beside the JUnit report and fails the
// suite when a documented pair was never observed, unless only part of the
// suite ran on purpose (a focus or label filter) or the run was interrupted.
func gate(r Report) {
	GinkgoHelper()
	doc, err := spec.GetSpec()
	Expect(err).NotTo(HaveOccurred())
	cov := buildCoverage(doc, observedIn(r), cfg.faultHeader)
	cov.Target = "in-process emulator"
	if cfg.remote() {
		cov.Target = cfg.baseURL
	}
	suiteCfg, reporterCfg := GinkgoConfiguration()
	cov.Filtered = len(suiteCfg.FocusStrings) > 0 || len(suiteCfg.SkipStrings) > 0 || suiteCfg.LabelFilter != "" ||
		len(suiteCfg.FocusFiles) > 0 || len(suiteCfg.SkipFiles) > 0
	md := cov.markdown()
	fmt.Println(md)

	if reporterCfg.JUnitReport != "" {
		dir := filepath.Dir(reporterCfg.JUnitReport)
		js, err := json.MarshalIndent(cov, "", "  ")
		Expect(err).NotTo(HaveOccurred())
		Expect(os.MkdirAll(dir, 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "coverage.json"), append(js, '\n'), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "coverage.md"), []byte(md), 0o644)).To(Succeed())
	}
	interrupted := slices.ContainsFunc(r.SpecialSuiteFailureReasons, func(reason string) bool {
		return strings.Contains(reason, "Interrupted")
	})
	if cov.Filtered || interrupted {
		return
	}
	Expect(cov.Missing).To(BeEmpty(), "documented (operation, status) pairs no spec provoked; add a spec for each, or stop documenting it")
}

var _ = Describe("The coverage gate", func() {
	var (
		doc      *openapi3.T
		observed map[pair][]string
	)
	BeforeEach(func() {
		var err error
		doc, err = spec.GetSpec()
		Expect(err).NotTo(HaveOccurred())
		observed = map[pair][]string{}
		for _, item := range doc.Paths.Map() {
			for _, op := range item.Operations() {
				for code := range op.Responses.Map() {
					status, err := strconv.Atoi(code)
					Expect(err).NotTo(HaveOccurred())
					observed[pair{op.OperationID, status}] = []string{"a spec"}
				}
			}
		}
	})

	It("passes when every documented pair was observed", func() {
		Expect(buildCoverage(doc, observed, true).Missing).To(BeEmpty())
	})

	It("reads what to require from the fragment, so a new status or operation needs a spec", func() {
		conflict := openapi3.NewResponse().WithDescription("conflict")
		doc.Paths.Value("/organization/certificates").Get.Responses.Set("409", &openapi3.ResponseRef{Value: conflict})
		rotate := &openapi3.Operation{OperationID: "rotateCertificate", Responses: openapi3.NewResponses()}
		rotate.Responses.Set("200", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("rotated")})
		doc.Paths.Set("/organization/certificates/{certificate_id}/rotate", &openapi3.PathItem{Post: rotate})

		Expect(buildCoverage(doc, observed, true).Missing).To(ConsistOf(
			pair{"listOrganizationCertificates", 409},
			pair{"rotateCertificate", 200},
		))
	})

	It("reports fault statuses without requiring them where faults cannot be forced", func() {
		var faults []pair
		for p := range observed {
			if faultOnly(p.Status) {
				faults = append(faults, p)
				delete(observed, p)
			}
		}
		Expect(faults).NotTo(BeEmpty())
		Expect(buildCoverage(doc, observed, true).Missing).To(ConsistOf(faults))
		cov := buildCoverage(doc, observed, false)
		Expect(cov.Missing).To(BeEmpty())
		Expect(cov.markdown()).To(ContainSubstring("n/a"))
	})
})
