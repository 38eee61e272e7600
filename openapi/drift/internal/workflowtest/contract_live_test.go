package workflowtest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/openapi/drift/internal/workflowtest"
)

// contract-live.yml is the behaviour-drift bot: its scripts run here with
// stand-ins for make and gh, as spec-drift.yml's do in cmd/spec-check.

func TestContractLiveTokenAndJobs(t *testing.T) {
	w := workflowtest.Load(t, "contract-live.yml")
	for _, on := range []string{"schedule", "workflow_dispatch"} {
		if _, ok := w.On[on]; !ok {
			t.Errorf("the workflow does not run on %s", on)
		}
	}
	workflowtest.CheckPermissions(t, w, map[string]map[string]string{
		"secrets": {},
		"live":    {"contents": "read"},
		"issue":   {"issues": "write"},
	})
	for name, job := range w.Jobs {
		for _, s := range job.Steps {
			if s.Uses != "" && !strings.HasPrefix(s.Uses, "actions/") {
				t.Errorf("job %s uses %s: only GitHub's own actions here", name, s.Uses)
			}
		}
	}
	issue := w.Jobs["issue"]
	if issue.Uses != "./.github/workflows/drift-issue.yml" || issue.With["label"] != "behaviour-drift" || !strings.Contains(issue.If, "needs.live.outputs.status != ''") {
		t.Errorf("the issue job does not file through drift-issue.yml, labelled behaviour-drift, only after a replay: %+v", issue)
	}
	// The admin key reaches the live job only.
	for name, job := range w.Jobs {
		for k, v := range job.Env {
			if strings.Contains(v, "secrets.OPENAI_ADMIN_KEY") && name != "live" {
				t.Errorf("job %s gets the admin key as %s", name, k)
			}
		}
	}
}

func TestContractLiveSkipsWithoutSecrets(t *testing.T) {
	step := workflowtest.Load(t, "contract-live.yml").Step(t, "secrets", "check the secrets")
	r := workflowtest.Run(t, step, map[string]string{"HAS_KEY": "false", "HAS_PROJECT": "true"})
	lines := strings.Split(strings.TrimSpace(r.Output), "\n")
	if r.Code != 0 || r.Outputs["ready"] != "false" || len(lines) != 1 || !strings.HasPrefix(lines[0], "::notice::") || !strings.Contains(lines[0], "skipped") {
		t.Errorf("without the key: exit %d, ready %q, output %q; want one notice line", r.Code, r.Outputs["ready"], r.Output)
	}
	r = workflowtest.Run(t, step, map[string]string{"HAS_KEY": "true", "HAS_PROJECT": "true"})
	if r.Code != 0 || r.Outputs["ready"] != "true" || r.Output != "" {
		t.Errorf("with both: exit %d, ready %q, output %q", r.Code, r.Outputs["ready"], r.Output)
	}
}

const (
	cleanReport = "## Fidelity: `live.har` replayed against an emulator in this process\n\n**OK: no divergence; 412 exchanges replayed against an emulator in this process.**\n"
	driftReport = "## Fidelity: `live.har` replayed against an emulator in this process\n\n" +
		"**FAIL: 96 divergences in 80 exchanges of 9 operations; 412 exchanges replayed against an emulator in this process.**\n\n" +
		"### What differs everywhere\n\n- **certificate_details.valid_at (value)**: REPORT_0000\n"
)

func TestContractLiveReplayStep(t *testing.T) {
	step := workflowtest.Load(t, "contract-live.yml").Step(t, "live", "recording replayed against the emulator, fidelity report in the job summary")
	env := func(report string) map[string]string {
		stdout := filepath.Join(t.TempDir(), "report.md")
		workflowtest.WriteFile(t, stdout, []byte(report))
		return map[string]string{"FAKE_STDOUT": stdout, "FAKE_EXIT": "2"}
	}
	for _, tt := range []struct{ name, report, status, title string }{
		{"clean", cleanReport, "clean", ""},
		{"drift", driftReport, "drift", "Behaviour drift: the emulator no longer answers as the live API (96 divergences in 80 exchanges of 9 operations)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := workflowtest.Run(t, step, env(tt.report))
			if r.Code != 0 || r.Outputs["status"] != tt.status {
				t.Fatalf("exit %d, status %q, want %q:\n%s", r.Code, r.Outputs["status"], tt.status, r.Output)
			}
			if tt.title != "" && r.Outputs["title"] != tt.title {
				t.Errorf("title %q, want %q", r.Outputs["title"], tt.title)
			}
			if r.Outputs["report"] != strings.TrimSuffix(tt.report, "\n") || !strings.Contains(r.Summary, tt.report) {
				t.Errorf("report output %q, summary %q: want the report in both", r.Outputs["report"], r.Summary)
			}
			if len(r.Calls) != 1 || r.Calls[0] != "-s replay HAR=recordings/live.har FORMAT=markdown" {
				t.Errorf("make calls %q", r.Calls)
			}
		})
	}
	t.Run("no replay", func(t *testing.T) {
		if r := workflowtest.Run(t, step, env("replay: recordings/live.har: not a HAR file\n")); r.Code == 0 || r.Outputs["status"] != "" {
			t.Errorf("exit %d, outputs %v: a replay that could not compare must fail", r.Code, r.Outputs)
		}
	})
}

// The issue contract-live files: drift-issue.yml's script, with
// contract-live's inputs as GitHub expands them.
func TestContractLiveFilesOneIssue(t *testing.T) {
	w := workflowtest.Load(t, "contract-live.yml")
	workflowtest.CheckIssue(t, workflowtest.Caller{
		With: w.Jobs["issue"].With,
		Expand: strings.NewReplacer("${{ github.server_url }}", "https://github.com", "${{ github.repository }}", "o/r",
			"${{ github.run_id }}", "1", "${{ needs.live.outputs.suite }}", "success").Replace,
		Label:            "behaviour-drift",
		LabelDescription: "The emulator no longer answers as the live API",
		Title:            "Behaviour drift: the emulator no longer answers as the live API (96 divergences in 80 exchanges of 9 operations)",
		Report:           driftReport,
		Clean:            cleanReport,
		Body:             []string{"https://github.com/o/r/actions/runs/1", "contract suite against the live API: success", "allowlist.yaml"},
		Changed:          "The divergences changed",
		Closed:           "The recording of the live API replays",
	})
}
