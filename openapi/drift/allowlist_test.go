package drift

import (
	"strings"
	"testing"
)

func TestParseAllowListRefuses(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string
	}{
		{name: "no reason", yaml: "entries:\n  - {name: a, checks: [x]}\n", wantErr: "no reason"},
		{name: "blank reason", yaml: "entries:\n  - {name: a, reason: \" \", checks: [x]}\n", wantErr: "no reason"},
		{name: "no checks", yaml: "entries:\n  - {name: a, reason: r}\n", wantErr: "no checks"},
		{name: "no name", yaml: "entries:\n  - {reason: r, checks: [x]}\n", wantErr: "no name"},
		{name: "name twice", yaml: "entries:\n  - {name: a, reason: r, checks: [x]}\n  - {name: a, reason: r, checks: [y]}\n", wantErr: "name used twice"},
		{name: "misspelt key", yaml: "entries:\n  - {name: a, reason: r, check: [x]}\n", wantErr: "field check not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAllowList([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestEntryMatches(t *testing.T) {
	e := allowList(t, `
entries:
  - name: e
    reason: r
    checks: [c1, c2]
    operations: ["GET /a"]
    args: ["4*|500", "x"]
`).Entries[0]
	tests := []struct {
		name, check, operation string
		args                   []string
		want                   bool
	}{
		{name: "all match", check: "c2", operation: "GET /a", args: []string{"404", "x", "more"}, want: true},
		{name: "alternative", check: "c1", operation: "GET /a", args: []string{"500", "x"}, want: true},
		{name: "other check", check: "c3", operation: "GET /a", args: []string{"404", "x"}},
		{name: "other operation", check: "c1", operation: "POST /a", args: []string{"404", "x"}},
		{name: "pattern is anchored", check: "c1", operation: "GET /a", args: []string{"5000", "x"}},
		{name: "too few args", check: "c1", operation: "GET /a", args: []string{"404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := e.matches(tt.check, tt.operation, tt.args); got != tt.want {
				t.Errorf("matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProjectAllowListIsValid(t *testing.T) {
	l, err := LoadAllowList("allowlist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) == 0 {
		t.Error("the project's allow-list is empty")
	}
}
