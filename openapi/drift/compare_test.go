package drift

import (
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name      string
		upstream  string
		allow     string
		wantOK    bool
		wantGroup Group  // group of the finding whose text holds wantText
		wantText  string // "" when no finding but the allow-listed ones is expected
		wantStale string
	}{
		{
			name:     "equivalent documents differ only as allow-listed",
			upstream: upstreamDoc,
			allow:    limitAllowList,
			wantOK:   true,
		},
		{
			name:      "a difference nobody listed is unexpected",
			upstream:  upstreamDoc,
			allow:     `entries: []`,
			wantGroup: GroupChanged,
			wantText:  "the max was unset",
		},
		{
			name:      "a response field upstream dropped changes the client",
			upstream:  edit(t, upstreamDoc, "required: [id, name]", "required: [name]", "        id: {type: string}\n", ""),
			allow:     limitAllowList,
			wantGroup: GroupChanged,
			wantText:  "`id`",
		},
		{
			name:      "a changed type changes the client",
			upstream:  edit(t, upstreamDoc, "size: {type: integer}", "size: {type: string}"),
			allow:     limitAllowList,
			wantGroup: GroupChanged,
			wantText:  "size",
		},
		{
			name: "a new optional parameter upstream is missing here",
			upstream: edit(t, upstreamDoc, "        - name: limit\n", `        - name: after
          in: query
          schema: {type: string}
        - name: limit
`),
			allow:     limitAllowList,
			wantGroup: GroupMissing,
			wantText:  "`after`",
		},
		{
			name: "a new required parameter upstream changes the client",
			upstream: edit(t, upstreamDoc, "        - name: limit\n", `        - name: after
          in: query
          required: true
          schema: {type: string}
        - name: limit
`),
			allow:     limitAllowList,
			wantGroup: GroupChanged,
			wantText:  "`after`",
		},
		{
			name: "a new operation upstream is missing here",
			upstream: edit(t, upstreamDoc, "  /others:\n", `  /things:
    post:
      operationId: createThing
      tags: [Certificates]
      responses:
        "200": {description: ok}
  /others:
`),
			allow:     limitAllowList,
			wantGroup: GroupMissing,
			wantText:  "endpoint added",
		},
		{
			name:      "a body under another schema name is a changed Go type",
			upstream:  edit(t, upstreamDoc, `schema: {$ref: "#/components/schemas/Thing"}`, `schema: {$ref: "#/components/schemas/Item"}`, "    Thing:\n", "    Item:\n", `thing: {$ref: "#/components/schemas/Thing"}`, `thing: {$ref: "#/components/schemas/Item"}`),
			allow:     limitAllowList,
			wantGroup: GroupChanged,
			wantText:  "changed from `Thing` to `Item`",
		},
		{
			name:     "an entry that matches nothing is stale",
			upstream: upstreamDoc,
			allow: limitAllowList + `
  - name: gone
    reason: Upstream once lacked the name field.
    checks: [response-required-property-added]
    args: ["name*"]
`,
			wantStale: "gone",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			report, err := Compare(parse(t, tt.upstream), parse(t, fragmentDoc), allowList(t, tt.allow), "upstream.yaml", "fragment.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if report.OK() != tt.wantOK {
				t.Errorf("OK() = %v, want %v; findings: %+v", report.OK(), tt.wantOK, report.Findings)
			}
			if tt.wantText != "" && !hasFinding(report, tt.wantGroup, tt.wantText) {
				t.Errorf("no %s finding with %q in %+v", tt.wantGroup, tt.wantText, report.Findings)
			}
			if tt.wantText == "" {
				for _, f := range report.Findings {
					if f.Group != GroupExpected {
						t.Errorf("unexpected finding %+v", f)
					}
				}
			}
			var stale []string
			for _, e := range report.Stale {
				stale = append(stale, e.Name)
			}
			if got := strings.Join(stale, ","); got != tt.wantStale {
				t.Errorf("stale entries %q, want %q", got, tt.wantStale)
			}
		})
	}
}

// Regression: equivalent nullability written the 3.1 way upstream and the 3.0
// way in the fragment was reported as a change of every nullable field.
func TestCompareIgnoresHowNullabilityIsWritten(t *testing.T) {
	report, err := Compare(parse(t, upstreamDoc), parse(t, fragmentDoc), allowList(t, limitAllowList), "u", "f")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range report.Findings {
		if strings.Contains(f.Text, "nullable") || strings.Contains(f.Text, "null") {
			t.Errorf("nullability reported: %s", f.Text)
		}
	}
	if !hasFinding(report, GroupExpected, "the min was unset") {
		t.Errorf("the allow-listed difference is not reported as expected: %+v", report.Findings)
	}
}

func TestCompareTwiceGivesTheSameReport(t *testing.T) {
	up, frag, allow := parse(t, upstreamDoc), parse(t, fragmentDoc), allowList(t, limitAllowList)
	first, err := Compare(up, frag, allow, "u", "f")
	if err != nil {
		t.Fatal(err)
	}
	second, err := Compare(up, frag, allow, "u", "f")
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Findings) != len(second.Findings) || !second.OK() {
		t.Errorf("first %d findings, second %d (ok %v)", len(first.Findings), len(second.Findings), second.OK())
	}
}

func hasFinding(r *Report, g Group, text string) bool {
	for _, f := range r.Findings {
		if f.Group == g && strings.Contains(f.Text, text) {
			return true
		}
	}
	return false
}
