package drift

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestReportFormats(t *testing.T) {
	upstream := edit(t, upstreamDoc, "size: {type: integer}", "size: {type: string}")
	report, err := Compare(parse(t, upstream), parse(t, fragmentDoc), allowList(t, limitAllowList), "upstream.yaml", "fragment.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format Format
		want   []string
	}{
		{FormatText, []string{"FAIL:", "1. Upstream differs in ways that break or change our client", "GET /things/{thing_id} (getThing)", "[breaking]", "size", "limit-range: 2 differences on 1 operation", "why: The fragment states"}},
		{FormatMarkdown, []string{"## Spec drift: `fragment.yaml` against upstream `upstream.yaml`", "| `GET /things/{thing_id}` | breaking |", "| `limit-range` | 2 differences on 1 operation |", "<details>"}},
		{FormatJSON, []string{`"ok": false`, `"group": "changed"`, `"allowed_by": "limit-range"`}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var b strings.Builder
			if err := report.Write(&b, tt.format); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
	var decoded struct {
		OK       bool      `json:"ok"`
		Findings []Finding `json:"findings"`
	}
	var b strings.Builder
	if err := report.Write(&b, FormatJSON); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b.String()), &decoded); err != nil || decoded.OK || len(decoded.Findings) != len(report.Findings) {
		t.Errorf("JSON round trip: err %v, ok %v, %d findings", err, decoded.OK, len(decoded.Findings))
	}
	if err := report.Write(&b, "html"); err == nil {
		t.Error("want an error for an unknown format")
	}
}

func TestWrap(t *testing.T) {
	got := wrap("aaa bbb ccc ddd", 9, "- ")
	if want := "- aaa bbb\n  ccc ddd"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
}
