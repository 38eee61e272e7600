// Package teeth proves the contract suite fails when the API misbehaves: it
// runs the whole suite, as `make contract` does, against the emulator with each
// deliberately wrong behaviour switched on, and checks that the specs labelled
// as catching it (emulator.CatchesLabel) failed, and that the correct emulator
// passes.
package teeth_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/certcontract/certcontract/contract/emulator"
)

// specs reads a Ginkgo JSON report: every spec of the run with its labels
// and state.
func specs(t *testing.T, path string) []types.SpecReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no JSON report: %v", err)
	}
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	var out []types.SpecReport
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType == types.NodeTypeIt {
				out = append(out, s)
			}
		}
	}
	return out
}

// labelled returns the specs carrying the label that says they catch m.
func labelled(all []types.SpecReport, m emulator.Mutation) []types.SpecReport {
	var out []types.SpecReport
	for _, s := range all {
		if slices.Contains(s.Labels(), emulator.CatchesLabel(m)) {
			out = append(out, s)
		}
	}
	return out
}

// suiteEnv is the caller's environment minus everything that would point the
// suite at another target.
func suiteEnv(mutation emulator.Mutation) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CONTRACT_") || strings.HasPrefix(kv, "OPENAI_ADMIN_KEY=") {
			continue
		}
		env = append(env, kv)
	}
	if mutation != "" {
		env = append(env, "CONTRACT_EMULATOR_MUTATIONS="+string(mutation))
	}
	return env
}

func TestEveryMutationIsCaught(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the contract suite once per mutation")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "contract.test")
	// Compile once; each run below reuses the binary.
	build := exec.Command("go", "test", "-c", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("compile the suite: %v\n%s", err, out)
	}

	run := func(t *testing.T, mutation emulator.Mutation) (passed bool, all []types.SpecReport, output []byte) {
		t.Helper()
		reports := filepath.Join(dir, "reports-"+string(mutation))
		cmd := exec.Command("go", "run", "github.com/onsi/ginkgo/v2/ginkgo",
			"-p", "--randomize-all", "--no-color", "--json-report=report.json", "--output-dir="+reports, bin)
		cmd.Env = suiteEnv(mutation)
		out, err := cmd.CombinedOutput()
		if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
			t.Fatalf("run ginkgo: %v", err)
		}
		return err == nil, specs(t, filepath.Join(reports, "report.json")), out
	}

	t.Run("correct emulator", func(t *testing.T) {
		passed, all, out := run(t, "")
		if !passed {
			var fails []string
			for _, s := range all {
				if s.State.Is(types.SpecStateFailureStates) {
					fails = append(fails, s.FullText())
				}
			}
			t.Fatalf("the suite fails on the correct emulator: %q\n%s", fails, out)
		}
		// Every mutation must name a spec that catches it, or the run below
		// could not tell whether the suite checks its rule; a label naming
		// no mutation is a typo or a mutation since removed.
		for _, m := range emulator.KnownMutations() {
			if len(labelled(all, m)) == 0 {
				t.Errorf("mutation %s: label the spec that catches it with emulator.CatchesLabel(emulator.Mutation...)", m)
			}
		}
		for _, s := range all {
			for _, l := range s.Labels() {
				name, ok := strings.CutPrefix(l, emulator.CatchesLabel(""))
				if ok && !slices.Contains(emulator.KnownMutations(), emulator.Mutation(name)) {
					t.Errorf("%q is labelled %q, a mutation the emulator does not know", s.FullText(), l)
				}
			}
		}
	})

	for _, m := range emulator.KnownMutations() {
		t.Run(string(m), func(t *testing.T) {
			passed, all, out := run(t, m)
			if passed {
				t.Fatalf("the suite passes with mutation %s: nothing catches it\n%s", m, out)
			}
			// Each spec labelled as catching m must fail: a label on a spec
			// that passes would claim a check the suite does not make.
			catchers := labelled(all, m)
			ran := 0
			for _, s := range catchers {
				if s.State.Is(types.SpecStateSkipped | types.SpecStatePending) {
					continue
				}
				ran++
				if !s.State.Is(types.SpecStateFailureStates) {
					t.Errorf("%q is labelled %s but %s", s.FullText(), emulator.CatchesLabel(m), s.State)
				}
			}
			if ran == 0 {
				t.Fatalf("no spec labelled %s ran", emulator.CatchesLabel(m))
			}
			failed := 0
			for _, s := range all {
				if s.State.Is(types.SpecStateFailureStates) {
					failed++
				}
			}
			t.Logf("caught by %d labelled specs (failed: %d specs)", ran, failed)
		})
	}
}
