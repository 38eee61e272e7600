// Package tools_test checks the repository as a whole: that CI runs what the
// Makefile says (a ci.yml job per target of make test) and that npm's files
// stay where Go does not walk.
package tools_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// workflow is the part of a GitHub Actions workflow that says what runs.
type workflow struct {
	Jobs map[string]struct {
		If    string `yaml:"if"`
		Needs any    `yaml:"needs"` // a job id or a list of them
		Steps []struct {
			If              string `yaml:"if"`
			Run             string `yaml:"run"`
			ContinueOnError any    `yaml:"continue-on-error"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

const (
	ciWorkflow = ".github/workflows/ci.yml"
	gateJob    = "all-green" // the one job branch protection requires
)

// TestCIRunsWhatMakeTestRuns fails when a target `make test` runs has no job
// in ci.yml, so a check added to `make test` reaches pull requests too.
func TestCIRunsWhatMakeTestRuns(t *testing.T) {
	targets := makeTestTargets(t)
	if len(targets) == 0 {
		t.Fatal("make test has no prerequisites: this test reads them from `make -pRrq`; has the Makefile changed shape?")
	}
	wf := readWorkflow(t, ciWorkflow)

	// A target counts only where a failure fails the job on every push and
	// pull request: no if: on the job or the step, no continue-on-error.
	ranBy := map[string]string{}
	for id, job := range wf.Jobs {
		if job.If != "" {
			continue
		}
		for _, step := range job.Steps {
			if step.If != "" || step.ContinueOnError != nil {
				continue
			}
			for _, target := range makeTargets(step.Run) {
				ranBy[target] = id
			}
		}
	}
	for _, target := range targets {
		if _, ok := ranBy[target]; !ok {
			t.Errorf("`make test` runs %q, but no job of %s runs `make %s` on every push and pull request.\n"+
				"Add a job for it to %s (copy the lint job: checkout, setup-go, `- run: make %s`), without if: or continue-on-error,\n"+
				"and add the job's id to the needs of %q, so CI checks what `make test` checks.",
				target, ciWorkflow, target, ciWorkflow, target, gateJob)
		}
	}

	gate, ok := wf.Jobs[gateJob]
	if !ok {
		t.Fatalf("%s has no job %q, the one that fails unless every other job passed", ciWorkflow, gateJob)
	}
	needs := needsOf(gate.Needs)
	for id := range wf.Jobs {
		if id != gateJob && !slices.Contains(needs, id) {
			t.Errorf("job %q of %s is not in the needs of %q: add it there, or a failure of it would not block a merge", id, ciWorkflow, gateJob)
		}
	}
}

// makeTestTargets lists the prerequisites of `test` as make itself reads
// them, variables expanded. `test` must have no recipe of its own: what a
// recipe runs could not be checked against ci.yml.
func makeTestTargets(t *testing.T) []string {
	t.Helper()
	cmd := exec.Command("make", "-pRrq", "-f", "Makefile")
	out, err := cmd.Output()
	// -q exits 1 when the default goal is not up to date; only the database matters.
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("make -pRrq: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		prereqs, ok := strings.CutPrefix(sc.Text(), "test:")
		if !ok || strings.HasPrefix(prereqs, ":") {
			continue
		}
		for sc.Scan() && sc.Text() != "" {
			if strings.HasPrefix(sc.Text(), "\t") {
				t.Errorf("the test target has a recipe line %q: list what `make test` runs as prerequisites only, each with its own job in %s", strings.TrimSpace(sc.Text()), ciWorkflow)
			}
		}
		return strings.Fields(prereqs)
	}
	t.Fatal("make -pRrq shows no test target")
	return nil
}

func readWorkflow(t *testing.T, path string) workflow {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return wf
}

func needsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, n := range v {
			if s, ok := n.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// makeTargets lists the targets of every make command in a step's script:
// the words after `make` up to the end of the command, without options,
// their arguments and variable assignments.
func makeTargets(script string) []string {
	var targets []string
	for line := range strings.Lines(script) {
		line, _, _ = strings.Cut(line, "#")
		for _, command := range strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(";&|", r) }) {
			words := strings.Fields(command)
			for len(words) > 0 && strings.Contains(words[0], "=") { // VAR=value make ...
				words = words[1:]
			}
			if len(words) == 0 || words[0] != "make" {
				continue
			}
			for i := 1; i < len(words); i++ {
				switch w := words[i]; {
				case slices.Contains(makeOptionsWithArgument, w):
					i++
				case !strings.HasPrefix(w, "-") && !strings.Contains(w, "="):
					targets = append(targets, w)
				}
			}
		}
	}
	return targets
}

// makeOptionsWithArgument are make's options whose argument is the next word.
var makeOptionsWithArgument = []string{"-C", "-f", "-I", "-o", "-W", "--directory", "--file", "--makefile", "--include-dir", "--old-file", "--assume-old", "--what-if", "--new-file", "--assume-new"}

func TestMakeTargets(t *testing.T) {
	for _, tc := range []struct {
		script string
		want   []string
	}{
		{"make lint", []string{"lint"}},
		{"make unit contract\n", []string{"unit", "contract"}},
		{"set -o pipefail\nmake api-diff BASE=\"origin/main\" FORMAT=markdown | tee -a x", []string{"api-diff"}},
		{"make -C sub -j2 fmt-check && make drift-test # and make the rest", []string{"fmt-check", "drift-test"}},
		{"CI=1 make contract REPORTS=out", []string{"contract"}},
		{"echo make lint; go test ./...", nil},
		{"cat reports/coverage.md", nil},
	} {
		if got := makeTargets(tc.script); !slices.Equal(got, tc.want) {
			t.Errorf("makeTargets(%q) = %q, want %q", tc.script, got, tc.want)
		}
	}
}

// make unit runs every time each package that starts programs whose inputs
// go's test cache cannot see, and lets the cache keep the rest: a cached
// pass of the docs test would hide an example that stopped building, and
// running everything every time would undo the cache. The packages that
// start only contract/internal/prebuilt's programs are cached: the cache
// keys them on those programs (TestGoTestCacheFollowsThePrograms).
func TestUnitRunsEveryTimeWhatStartsPrograms(t *testing.T) {
	out, err := exec.Command("bash", ".ci/unit.sh", "--list").Output()
	if err != nil {
		t.Fatalf(".ci/unit.sh --list: %v", err)
	}
	half := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg := line[strings.LastIndex(line, " ")+1:]
		half[strings.TrimPrefix(pkg, "github.com/certcontract/certcontract/")] = strings.TrimSuffix(line, " "+pkg)
	}
	for pkg, want := range map[string]string{
		// They run go, or start programs with os/exec.
		"contract/adminclient": "every time", "contract/emulator/emulatortest": "every time",
		"contract/internal/prebuilt": "every time",
		// They start prebuilt's programs only, through it.
		"contract/lab/teeth": "cached", "contract/cmd/replay": "cached",
		"contract/internal/runner": "cached", "contract/cmd/emulator": "cached",
		// Their tests start nothing.
		"contract": "cached", "contract/emulator": "cached", "generated": "cached",
	} {
		if half[pkg] != want {
			t.Errorf("%s: %q, want %q", pkg, half[pkg], want)
		}
	}
}
