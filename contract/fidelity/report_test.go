package fidelity_test

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/fidelity"
	"github.com/certcontract/certcontract/contract/internal/mutation"
)

func TestAllowListRefusesWhatCannotBeJudged(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"no reason", "entries:\n  - {name: a, checks: [status]}\n", "no reason"},
		{"blank reason", "entries:\n  - {name: a, reason: \"  \", checks: [status]}\n", "no reason"},
		{"no checks", "entries:\n  - {name: a, reason: r}\n", "no checks"},
		{"unknown check", "entries:\n  - {name: a, reason: r, checks: [stauts]}\n", `unknown check "stauts"`},
		{"no name", "entries:\n  - {reason: r, checks: [status]}\n", "no name"},
		{"name twice", "entries:\n  - {name: a, reason: r, checks: [status]}\n  - {name: a, reason: r, checks: [value]}\n", "name used twice"},
		{"misspelt key", "entries:\n  - {name: a, reason: r, checks: [status], field: [x]}\n", "field field not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fidelity.ParseAllowList([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// The committed allow-list must load: the replay command refuses to run
// without it.
func TestCommittedAllowListLoads(t *testing.T) {
	if _, err := fidelity.LoadAllowList("allowlist.yaml"); err != nil {
		t.Fatal(err)
	}
}

// wrongObject is a replay that diverges at the object field of three
// operations.
func wrongObject(t *testing.T) *fidelity.Result {
	t.Helper()
	res, err := fidelity.Replay(t.Context(), record(t, mutation.WrongObject), fidelity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestAllowListEntriesExpectDivergencesAndGoStale(t *testing.T) {
	res := wrongObject(t)
	allow, err := fidelity.ParseAllowList([]byte(`entries:
  - name: object-name
    reason: The live API names the object so.
    checks: [value]
    fields: [object]
`))
	if err != nil {
		t.Fatal(err)
	}
	r := fidelity.NewReport("s.har", res, allow)
	if !r.OK() || r.Allowed == 0 || r.Reasons["object-name"] == "" {
		t.Fatalf("allowed %d, ok %v: %s", r.Allowed, r.OK(), r.Summary())
	}

	narrow, _ := fidelity.ParseAllowList([]byte(`entries:
  - {name: upload-only, reason: r, checks: [value], operations: [uploadCertificate], fields: [object]}
  - {name: never, reason: r, checks: [header], fields: [Retry-After]}
`))
	r = fidelity.NewReport("s.har", res, narrow)
	if r.OK() || r.Diverging == 0 || len(r.Stale) != 1 || r.Stale[0].Name != "never" {
		t.Fatalf("diverging %d, stale %v: %s", r.Diverging, r.Stale, r.Summary())
	}
	if !strings.Contains(r.Summary(), "1 stale allow-list entry") {
		t.Fatalf("summary %q", r.Summary())
	}
}

func TestReportFormats(t *testing.T) {
	r := fidelity.NewReport("s.har", wrongObject(t), nil)
	for _, f := range []fidelity.Format{fidelity.FormatText, fidelity.FormatMarkdown, fidelity.FormatJSON} {
		var b strings.Builder
		if err := r.Write(&b, f); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{r.Summary(), "getCertificate", "modifyCertificate", "uploadCertificate", "organization.certificate"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q:\n%s", f, want, out)
			}
		}
		if f == fidelity.FormatJSON {
			var doc struct {
				OK         bool `json:"ok"`
				Operations []struct {
					Operation string `json:"operation"`
					Exchanges []struct {
						Divergences []fidelity.Divergence `json:"divergences"`
					} `json:"exchanges"`
				} `json:"operations"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.OK || len(doc.Operations) == 0 {
				t.Fatalf("JSON report %v: %s", err, out)
			}
		}
	}
	if !strings.HasPrefix(r.Summary(), "FAIL: ") {
		t.Fatalf("summary %q", r.Summary())
	}
	if err := r.Write(&strings.Builder{}, "yaml"); err == nil {
		t.Fatal("an unknown format was accepted")
	}
}

// swapDates is a target that answers valid_at and expires_at the other way
// round, everywhere.
func swapDates(t *testing.T) string {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Faults: emulator.Faults{Header: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r)
		body := strings.NewReplacer(`"valid_at"`, `"expires_at"`, `"expires_at"`, `"valid_at"`).Replace(rec.Body.String())
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + emulator.BasePath
}

// A target wrong in one way everywhere reads as that one fact first: the
// summary, up to the groups, fits on one screen and names the swap.
func TestASystematicDivergenceFitsOnOneScreen(t *testing.T) {
	res, err := fidelity.Replay(t.Context(), record(t), fidelity.Options{Target: swapDates(t)})
	if err != nil {
		t.Fatal(err)
	}
	r := fidelity.NewReport("session.har", res, nil)
	var b strings.Builder
	if err := r.Write(&b, fidelity.FormatText); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	summary, _, ok := strings.Cut(text, "\nDivergences by operation")
	if !ok {
		t.Fatalf("no groups:\n%s", text)
	}
	if n := strings.Count(summary, "\n"); n >= 40 {
		t.Errorf("the summary takes %d lines:\n%s", n, summary)
	}
	for _, f := range []string{"certificate_details.valid_at (value)", "certificate_details.expires_at (value)"} {
		if !strings.Contains(summary, "What differs everywhere") || !strings.Contains(summary, "  "+f+": ") {
			t.Errorf("the summary does not name %s as differing everywhere:\n%s", f, summary)
		}
	}
	if !strings.Contains(summary, "swapped with certificate_details.valid_at") || !strings.Contains(summary, "swapped with certificate_details.expires_at") {
		t.Errorf("the summary does not say the two are swapped:\n%s", summary)
	}
	if len(r.Findings) != 2 {
		t.Errorf("%d findings, want the two fields:\n%s", len(r.Findings), summary)
	}
	for _, g := range r.Groups {
		if strings.ContainsAny(g.Field, "0123456789") || len(g.Examples) > 2 {
			t.Errorf("group %+v: ids or positions not folded, or more than 2 examples", g)
		}
	}
	if strings.Contains(text, "recorded: 200 ") {
		t.Errorf("the report without Verbose lists whole answers:\n%s", text)
	}
	r.Verbose = true
	b.Reset()
	_ = r.Write(&b, fidelity.FormatText)
	if !strings.Contains(b.String(), "recorded: 200 ") {
		t.Errorf("the verbose report lacks the answers:\n%s", b.String())
	}
	t.Logf("\n%s", text)
}

// A live recording skips many requests; the report names the first few.
func TestReportShortensTheExchangesNotReplayed(t *testing.T) {
	res := &fidelity.Result{Target: "t"}
	for i := range 25 {
		res.Exchanges = append(res.Exchanges, fidelity.Exchange{Entry: i + 1, Operation: "getCertificate", Method: "GET",
			Path: "/organization/certificates/cert_other", Skipped: "a certificate the recording did not create"})
	}
	r := fidelity.NewReport("s.har", res, nil)
	var b strings.Builder
	_ = r.Write(&b, fidelity.FormatText)
	if n := strings.Count(b.String(), "(getCertificate): a certificate"); n != 10 || !strings.Contains(b.String(), "and 15 more (-verbose") {
		t.Errorf("%d exchanges listed, want 10 and a count of the rest:\n%s", n, b.String())
	}
	r.Verbose = true
	b.Reset()
	_ = r.Write(&b, fidelity.FormatText)
	if n := strings.Count(b.String(), "(getCertificate): a certificate"); n != 25 {
		t.Errorf("verbose: %d exchanges listed, want all 25", n)
	}
}
