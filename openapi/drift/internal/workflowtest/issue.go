package workflowtest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Caller is a workflow that files its report through drift-issue.yml, as
// its test pins it.
type Caller struct {
	With   map[string]string   // the caller's inputs to drift-issue.yml
	Expand func(string) string // what GitHub does to their expressions
	// Label and LabelDescription are the issue's label as the caller names
	// it; Title is an issue's title for Report.
	Label, LabelDescription, Title string
	Report, Clean                  string   // a report of a drift, and one of none
	Body                           []string // what an issue's body holds besides the report
	Changed                        string   // how the comment on a changed report starts
	Closed                         string   // how the comment closing the issue starts
}

// CheckIssue runs drift-issue.yml's step as c's job runs it: a drift opens
// one issue under c's label, the same drift updates it quietly, another
// drift updates it and comments, a clean report closes it, and the step
// fails without a status.
func CheckIssue(t *testing.T, c Caller) {
	step := Load(t, "drift-issue.yml").Step(t, "file", "file the report")
	sum := sha256.Sum256([]byte(c.Report))
	marker := "<!-- " + c.Label + "-report " + hex.EncodeToString(sum[:])[:16] + " -->"
	env := func(status, report, open, body string) map[string]string {
		bodyFile := filepath.Join(t.TempDir(), "body")
		WriteFile(t, bodyFile, []byte(body))
		return map[string]string{
			"STATUS": status, "REPORT": report, "TITLE": c.Title, "LABEL": c.With["label"], "LABEL_DESCRIPTION": c.With["label-description"],
			"INTRO": c.Expand(c.With["intro"]), "CLOSING": c.Expand(c.With["closing"]), "CHANGED": c.Expand(c.With["changed"]),
			"GH_REPO": "o/r", "FAKE_OPEN": open, "FAKE_BODY": bodyFile,
		}
	}
	calls := func(t *testing.T, r Result, want ...string) {
		t.Helper()
		if r.Code != 0 || strings.Join(r.Calls, "\n") != strings.Join(want, "\n") {
			t.Fatalf("exit %d, gh calls:\n%s\nwant:\n%s\n%s", r.Code, strings.Join(r.Calls, "\n"), strings.Join(want, "\n"), r.Output)
		}
	}
	list := "issue list --state open --label " + c.Label + " --limit 1 --json number --jq .[0].number // empty"

	t.Run("drift opens an issue", func(t *testing.T) {
		r := Run(t, step, env("drift", c.Report, "", ""))
		calls(t, r, list, "label create "+c.Label+" --color D93F0B --description "+c.LabelDescription+" --force",
			"issue create --title "+c.Title+" --label "+c.Label+" --body-file body.md")
		body, err := os.ReadFile(filepath.Join(r.Dir, "body.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range append([]string{c.Report, marker}, c.Body...) {
			if !strings.Contains(string(body), w) {
				t.Errorf("issue body lacks %q:\n%s", w, body)
			}
		}
	})
	t.Run("the same drift updates quietly", func(t *testing.T) {
		r := Run(t, step, env("drift", c.Report, "7", "old text\n"+marker+"\n"))
		calls(t, r, list, "issue view 7 --json body --jq .body", "issue edit 7 --title "+c.Title+" --body-file body.md")
	})
	t.Run("another drift updates and comments", func(t *testing.T) {
		r := Run(t, step, env("drift", c.Report+"| more |\n", "7", "old text\n"+marker+"\n"))
		if r.Code != 0 || len(r.Calls) != 4 || !strings.HasPrefix(r.Calls[3], "issue comment 7 --body "+c.Changed) {
			t.Errorf("exit %d, gh calls:\n%s\n%s", r.Code, strings.Join(r.Calls, "\n"), r.Output)
		}
	})
	t.Run("clean closes the open issue", func(t *testing.T) {
		r := Run(t, step, env("clean", c.Clean, "7", ""))
		if r.Code != 0 || len(r.Calls) != 2 || !strings.HasPrefix(r.Calls[1], "issue close 7 --comment "+c.Closed) {
			t.Errorf("exit %d, gh calls:\n%s\n%s", r.Code, strings.Join(r.Calls, "\n"), r.Output)
		}
	})
	t.Run("clean without an issue does nothing", func(t *testing.T) {
		r := Run(t, step, env("clean", c.Clean, "", ""))
		calls(t, r, list)
	})
	t.Run("a long report fits an issue", func(t *testing.T) {
		long := c.Report + strings.Repeat("| `GET /organization/certificates` | breaking | a difference |\n", 1500)
		r := Run(t, step, env("drift", long, "", ""))
		body, err := os.ReadFile(filepath.Join(r.Dir, "body.md"))
		if r.Code != 0 || err != nil || len(body) > 65536 || !strings.Contains(string(body), "cut short") {
			t.Errorf("exit %d, body %d bytes (err %v), want at most 65536 and a note:\n%s", r.Code, len(body), err, r.Output)
		}
	})
	t.Run("no status from the check fails", func(t *testing.T) {
		if r := Run(t, step, env("", "", "", "")); r.Code == 0 {
			t.Errorf("exit 0 for an empty status; gh calls %q", r.Calls)
		}
	})
}
