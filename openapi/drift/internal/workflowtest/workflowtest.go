// Package workflowtest runs the shell of the repository's GitHub workflows
// in tests: the drift workflows are mostly shell around make and the gh
// CLI, so their steps' scripts run here with stand-ins for both, and their
// files are read to check what they may do with their tokens.
package workflowtest

import (
	"bufio"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Step is one step of a job.
type Step struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

// Job is one job: steps of its own, or a reusable workflow it calls.
type Job struct {
	Permissions yaml.Node         `yaml:"permissions"`
	If          string            `yaml:"if"`
	Needs       yaml.Node         `yaml:"needs"`
	Uses        string            `yaml:"uses"`
	With        map[string]string `yaml:"with"`
	Env         map[string]string `yaml:"env"`
	Steps       []Step            `yaml:"steps"`
}

// File is a workflow file.
type File struct {
	On          map[string]yaml.Node `yaml:"on"`
	Permissions yaml.Node            `yaml:"permissions"`
	Jobs        map[string]Job       `yaml:"jobs"`
}

// Load reads .github/workflows/name from the repository.
func Load(t *testing.T, name string) File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(t), ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w File
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// Step is the step of a job with that name.
func (w File) Step(t *testing.T, job, name string) Step {
	t.Helper()
	for _, s := range w.Jobs[job].Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("job %s has no step %q", job, name)
	return Step{}
}

// RepoRoot is the main module's directory, above the working directory.
func RepoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module github.com/certcontract/certcontract\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("not inside the certcontract repository")
		}
		dir = parent
	}
}

// Permissions reads a permissions block; absent is nil, which GitHub reads
// as the repository's default grant.
func Permissions(t *testing.T, n yaml.Node) map[string]string {
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

// NodeText is a node as YAML.
func NodeText(t *testing.T, n yaml.Node) string {
	t.Helper()
	out, err := yaml.Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Stand-ins: each logs its arguments, one line per call, to $FAKE_LOG.
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

// Result is what a step's script did.
type Result struct {
	Dir     string // where it ran
	Code    int
	Output  string   // combined stdout and stderr
	Calls   []string // of make and gh, one line each
	Outputs map[string]string
	Summary string // $GITHUB_STEP_SUMMARY
}

// Run runs a step's script as GitHub's default shell does (bash -e), in a
// new directory, with make and gh replaced and the given environment. The
// stand-ins read FAKE_STDOUT, FAKE_EXIT, FAKE_OPEN and FAKE_BODY from env.
func Run(t *testing.T, s Step, env map[string]string) Result {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	WriteFile(t, filepath.Join(bin, "make"), []byte(fakeMake))
	WriteFile(t, filepath.Join(bin, "gh"), []byte(fakeGH))
	for _, name := range []string{"make", "gh"} {
		if err := os.Chmod(filepath.Join(bin, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	work := filepath.Join(dir, "work")
	WriteFile(t, filepath.Join(work, "script.sh"), []byte(s.Run))
	r := Result{Dir: work}
	files := map[string]string{
		"FAKE_LOG":            filepath.Join(dir, "calls"),
		"GITHUB_OUTPUT":       filepath.Join(dir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
	}
	for _, f := range files {
		WriteFile(t, f, nil)
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
	r.Output = string(out)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.Code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	calls, _ := os.ReadFile(files["FAKE_LOG"])
	r.Calls = strings.Split(strings.TrimSpace(string(calls)), "\n")
	if r.Calls[0] == "" {
		r.Calls = nil
	}
	summary, _ := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	r.Summary = string(summary)
	r.Outputs = parseOutputs(t, files["GITHUB_OUTPUT"])
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
	sc.Buffer(nil, 1<<20)
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

// WriteFile writes a file, making its directory.
func WriteFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// CheckPermissions checks that w grants no permission by default and that
// its jobs are want's, each with the permissions want gives it: a new job
// fails until its permissions are checked too.
func CheckPermissions(t *testing.T, w File, want map[string]map[string]string) {
	t.Helper()
	if p := Permissions(t, w.Permissions); p == nil || len(p) != 0 {
		t.Errorf("workflow permissions %v, want none by default ({})", p)
	}
	if len(w.Jobs) != len(want) {
		t.Errorf("jobs %d, want %d: a new job needs its permissions checked here", len(w.Jobs), len(want))
	}
	for name, job := range w.Jobs {
		if got := Permissions(t, job.Permissions); got == nil || !maps.Equal(got, want[name]) {
			t.Errorf("job %s: permissions %v, want %v", name, got, want[name])
		}
	}
}
