package suite

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/certcontract/certcontract/contract/internal/stateful"
	"github.com/certcontract/certcontract/contract/validator"
	"github.com/certcontract/certcontract/generated/spec"
)

// fragment loads the fragment and, for each pair it documents, one spec that
// observed it.
func fragment(t *testing.T) (*openapi3.T, map[Pair][]string) {
	t.Helper()
	doc, err := spec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	observed := map[Pair][]string{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					t.Fatal(err)
				}
				observed[Pair{op.OperationID, status}] = []string{"a spec"}
			}
		}
	}
	return doc, observed
}

func build(t *testing.T, doc *openapi3.T, observed map[Pair][]string, faultsForced bool) Coverage {
	t.Helper()
	cov, err := BuildCoverage(doc, observed, faultsForced)
	if err != nil {
		t.Fatal(err)
	}
	return cov
}

func TestBuildCoveragePassesWhenEveryDocumentedPairWasObserved(t *testing.T) {
	doc, observed := fragment(t)
	if cov := build(t, doc, observed, true); len(cov.Missing) > 0 {
		t.Fatalf("missing %v", cov.Missing)
	}
}

// What to require comes from the fragment, so a new status or operation
// needs a spec.
func TestBuildCoverageRequiresWhatTheFragmentDocuments(t *testing.T) {
	doc, observed := fragment(t)
	doc.Paths.Value("/organization/certificates").Get.Responses.Set("409", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("conflict")})
	rotate := &openapi3.Operation{OperationID: "rotateCertificate", Responses: openapi3.NewResponses()}
	rotate.Responses.Set("200", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("rotated")})
	doc.Paths.Set("/organization/certificates/{certificate_id}/rotate", &openapi3.PathItem{Post: rotate})

	want := []Pair{{"listOrganizationCertificates", 409}, {"rotateCertificate", 200}}
	if got := build(t, doc, observed, true).Missing; !slices.Equal(got, want) {
		t.Fatalf("missing %v, want %v", got, want)
	}
}

func TestBuildCoverageRefusesAStatusRange(t *testing.T) {
	doc, observed := fragment(t)
	doc.Paths.Value("/organization/certificates").Get.Responses.Set("4XX", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("any")})
	if _, err := BuildCoverage(doc, observed, true); err == nil || !strings.Contains(err.Error(), `"4XX"`) {
		t.Fatalf("BuildCoverage() error = %v, want one naming 4XX", err)
	}
}

func TestBuildCoverageReportsFaultStatusesWithoutRequiringThemWhereTheyCannotBeForced(t *testing.T) {
	doc, observed := fragment(t)
	var faults []Pair
	for p := range observed {
		if faultOnly(p.Status) {
			faults = append(faults, p)
			delete(observed, p)
		}
	}
	slices.SortFunc(faults, comparePairs)
	if len(faults) == 0 {
		t.Fatal("the fragment documents no fault status")
	}
	if got := build(t, doc, observed, true).Missing; !slices.Equal(got, faults) {
		t.Fatalf("with faults forced: missing %v, want %v", got, faults)
	}
	cov := build(t, doc, observed, false)
	if len(cov.Missing) > 0 {
		t.Fatalf("without faults forced: missing %v", cov.Missing)
	}
	for _, out := range []string{cov.Markdown(), cov.Table()} {
		if !strings.Contains(out, "n/a") {
			t.Fatalf("no n/a in\n%s", out)
		}
	}
}

// report is a finished run in which one spec observed observed.
func report(observed map[Pair][]string, change func(*types.Report)) types.Report {
	var pairs []Pair
	for p := range observed {
		pairs = append(pairs, p)
	}
	r := types.Report{SpecReports: types.SpecReports{{
		LeafNodeText:  "a spec",
		ReportEntries: types.ReportEntries{{Name: ObservedEntry, Value: types.WrapEntryValue(pairs)}},
	}}}
	if change != nil {
		change(&r)
	}
	return r
}

func TestRunCoverageGate(t *testing.T) {
	doc, observed := fragment(t)
	partial := map[Pair][]string{}
	for p, specs := range observed {
		if p.Operation != "deleteCertificate" {
			partial[p] = specs
		}
	}
	for _, tc := range []struct {
		name    string
		r       types.Report
		fails   bool
		partial bool // filtered or interrupted: either way only part of the suite ran
	}{
		{"every pair observed", report(observed, nil), false, false},
		{"a pair never observed", report(partial, nil), true, false},
		{"a focus", report(partial, func(r *types.Report) { r.SuiteConfig.FocusStrings = []string{"Listing"} }), false, true},
		{"a label filter", report(partial, func(r *types.Report) { r.SuiteConfig.LabelFilter = "!exclusive" }), false, true},
		{"a focus in the code", report(partial, func(r *types.Report) { r.SuiteHasProgrammaticFocus = true }), false, true},
		{"an interrupt", report(partial, func(r *types.Report) { r.SpecialSuiteFailureReasons = []string{"Interrupted by User"} }), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cov, err := RunCoverage(doc, tc.r, Config{FaultHeader: true})
			if err != nil {
				t.Fatal(err)
			}
			err = cov.Gate()
			if partial := cov.Filtered || cov.Interrupted; (err != nil) != tc.fails || partial != tc.partial {
				t.Fatalf("Gate() error = %v, partial run %v; want failure %v, partial run %v", err, partial, tc.fails, tc.partial)
			}
			if err != nil && !strings.Contains(err.Error(), "deleteCertificate 200") {
				t.Fatalf("the error does not name the missing pair: %v", err)
			}
		})
	}
}

func TestRunCoverageNamesTheTarget(t *testing.T) {
	doc, observed := fragment(t)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{FaultHeader: true}, "in-process emulator"},
		{Config{BaseURL: "https://api.openai.com/v1"}, "https://api.openai.com/v1"},
	} {
		cov, err := RunCoverage(doc, report(observed, nil), tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if cov.Target != tc.want || !strings.Contains(cov.Table(), tc.want) {
			t.Errorf("target %q, want %q", cov.Target, tc.want)
		}
	}
}

// Pairs reach the gate from other processes as JSON only.
func TestObservedInReadsEntriesFromEveryProcess(t *testing.T) {
	pairs := []Pair{{"getCertificate", 200}, {"getCertificate", 404}}
	js, err := json.Marshal(types.WrapEntryValue(pairs))
	if err != nil {
		t.Fatal(err)
	}
	var remote types.ReportEntryValue
	if err := json.Unmarshal(js, &remote); err != nil {
		t.Fatal(err)
	}
	got := ObservedIn(types.SpecReports{
		{LeafNodeText: "here", ReportEntries: types.ReportEntries{{Name: ObservedEntry, Value: types.WrapEntryValue(pairs[:1])}}},
		{LeafNodeText: "there", ReportEntries: types.ReportEntries{{Name: ObservedEntry, Value: remote}, {Name: "other", Value: types.WrapEntryValue(pairs)}}},
	})
	want := map[Pair][]string{pairs[0]: {"here", "there"}, pairs[1]: {"there"}}
	if len(got) != len(want) || !slices.Equal(got[pairs[0]], want[pairs[0]]) || !slices.Equal(got[pairs[1]], want[pairs[1]]) {
		t.Fatalf("ObservedIn() = %v, want %v", got, want)
	}
}

func TestObservationsCountOnlyWhatASpecProvokedOnPurpose(t *testing.T) {
	var c Observations
	ctx := t.Context()
	c.Observe(ctx, validator.Observation{OperationID: "uploadCertificate", Status: 200}) // before any spec
	c.Start()
	c.Observe(ctx, validator.Observation{OperationID: "getCertificate", Status: 404})
	c.Observe(Quiet(ctx), validator.Observation{OperationID: "deleteCertificate", Status: 200}) // cleanup
	c.Observe(ctx, validator.Observation{OperationID: "getCertificate", Status: 200})
	c.Observe(ctx, validator.Observation{OperationID: "getCertificate", Status: 404})
	want := []Pair{{"getCertificate", 200}, {"getCertificate", 404}}
	if got := c.Take(); !slices.Equal(got, want) {
		t.Fatalf("Take() = %v, want %v", got, want)
	}
	c.Observe(ctx, validator.Observation{OperationID: "uploadCertificate", Status: 200}) // after the spec
	if got := c.Take(); len(got) != 0 {
		t.Fatalf("Take() after the spec = %v, want nothing", got)
	}
}

// The terminal table lines its columns up; the Markdown report stays a
// Markdown table.
func TestCoverageRenderings(t *testing.T) {
	doc, observed := fragment(t)
	delete(observed, Pair{"deleteCertificate", 200})
	cov := build(t, doc, observed, true)

	lines := strings.Split(cov.Table(), "\n")
	header := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "operation ") })
	if header < 0 {
		t.Fatalf("no header line in\n%s", cov.Table())
	}
	rows := lines[header : header+1+len(cov.Operations)]
	col := utf8.RuneCountInString(rows[0][:strings.Index(rows[0], "200")])
	for _, row := range rows {
		if utf8.RuneCountInString(row) < col || strings.TrimSpace(string([]rune(row)[col-2:col])) != "" || []rune(row)[col] == ' ' {
			t.Fatalf("column 200 does not start at %d in %q\n%s", col, row, cov.Table())
		}
	}
	if !strings.Contains(cov.Table(), "MISSING") || strings.Contains(cov.Table(), "|") {
		t.Fatalf("the table should name what is missing, without Markdown:\n%s", cov.Table())
	}

	md := cov.Markdown()
	for _, want := range []string{"| operation | 200 |", "| --- | --- |", "**MISSING**", "**1 documented pairs were never observed.**"} {
		if !strings.Contains(md, want) {
			t.Fatalf("no %q in\n%s", want, md)
		}
	}
}

func TestWriteReports(t *testing.T) {
	doc, observed := fragment(t)
	cov := build(t, doc, observed, true)
	dir := filepath.Join(t.TempDir(), "reports")
	if err := WriteReports(dir, cov); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{CoverageJSON: `"target"`, CoverageMarkdown: "| operation |", CoverageTable: "operation  "} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v; want it to contain %q", name, err, want)
		}
	}
	var back Coverage
	b, _ := os.ReadFile(filepath.Join(dir, CoverageJSON))
	if err := json.Unmarshal(b, &back); err != nil || len(back.Operations) != len(cov.Operations) {
		t.Fatalf("coverage.json does not read back: %v", err)
	}
}

// The stateful phase's transition coverage reaches the coverage table from
// whichever process ran the phase, as JSON when it was another.
func TestTransitionsReachTheCoverageTable(t *testing.T) {
	var tc stateful.TransitionCoverage
	in := `[{"from":"uploadCertificate","to":"deleteCertificate","applied":2,"read":2},{"from":"uploadCertificate","to":"modifyCertificate","applied":1,"read":0}]`
	if err := json.Unmarshal([]byte(in), &tc); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(types.WrapEntryValue(tc))
	if err != nil {
		t.Fatal(err)
	}
	var remote types.ReportEntryValue
	if err := json.Unmarshal(js, &remote); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]types.ReportEntryValue{"this process": types.WrapEntryValue(tc), "another": remote} {
		got := TransitionsIn(types.SpecReports{{ReportEntries: types.ReportEntries{{Name: TransitionsEntry, Value: v}}}})
		if got == nil || got.Covered() != 1 || got.Applied[stateful.Transition{From: "uploadCertificate", To: "modifyCertificate"}] != 1 {
			t.Fatalf("%s: %v, want one transition covered and one applied without a read after", name, got)
		}
		cov := Coverage{Target: "t", Transitions: got}
		for _, text := range []string{cov.Table(), cov.Markdown()} {
			if !strings.Contains(text, "transition coverage: 1 of 36") || !strings.Contains(text, "missing: upload → rename") {
				t.Errorf("%s: the table lacks the transitions:\n%s", name, text)
			}
		}
	}
	if TransitionsIn(types.SpecReports{{}}) != nil {
		t.Error("transitions from a run without the stateful phase")
	}
}
