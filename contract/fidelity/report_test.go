package fidelity_test

import (
	"encoding/json"
	"strings"
	"testing"

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
