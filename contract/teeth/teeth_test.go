// Package teeth proves the contract suite fails when the API misbehaves: it
// runs the whole suite, as `make contract` does, against the emulator with each
// deliberately wrong behaviour switched on, and checks that a named spec caught
// it, and that the correct emulator passes.
package teeth_test

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
)

// caughtBy names, for each mutation, the spec that must fail because of it
// (JUnit test case name without the leading "[It] "). Other specs may fail
// too; this one is the spec written for the rule the mutation breaks.
var caughtBy = map[emulator.Mutation]string{
	emulator.MutationIgnoreLimit:       "Listing certificates limit 1 gives one certificate and says more follow organization list",
	emulator.MutationWrongObject:       "Uploading a certificate stores it as uploaded, active nowhere",
	emulator.MutationDeleteActive:      "Deleting a certificate is refused while the certificate is active somewhere for the organization",
	emulator.MutationNonAtomicToggle:   "Activating and deactivating certificates changes nothing when one id of the batch is unknown activate for the organization",
	emulator.MutationRepeatAcrossPages: "Listing certificates a full cursor walk sees each certificate exactly once, in order organization list",
	emulator.MutationFoundUnknownID:    "Getting a certificate answers 404 for an id the organization does not have",
	emulator.MutationActiveAfterUpload: "Uploading a certificate stores it as uploaded, active nowhere",
}

type junit struct {
	Suites []struct {
		Cases []struct {
			Name   string `xml:"name,attr"`
			Status string `xml:"status,attr"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// failed lists the failed test cases of a JUnit report, "[It] " removed.
func failed(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no JUnit report: %v", err)
	}
	var r junit
	if err := xml.Unmarshal(b, &r); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	var out []string
	for _, s := range r.Suites {
		for _, c := range s.Cases {
			if c.Status == "failed" {
				out = append(out, strings.TrimPrefix(c.Name, "[It] "))
			}
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

// A mutation without an entry in caughtBy would never be run below, and the
// suite could miss it unnoticed.
func TestEveryMutationNamesItsCatchingSpec(t *testing.T) {
	for _, m := range emulator.KnownMutations() {
		if caughtBy[m] == "" {
			t.Errorf("mutation %s: name the spec that catches it in caughtBy", m)
		}
	}
	for m := range caughtBy {
		if !slices.Contains(emulator.KnownMutations(), m) {
			t.Errorf("caughtBy names %s, which the emulator does not know", m)
		}
	}
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

	run := func(t *testing.T, mutation emulator.Mutation) (passed bool, fails []string, output []byte) {
		t.Helper()
		reports := filepath.Join(dir, "reports-"+string(mutation))
		cmd := exec.Command("go", "run", "github.com/onsi/ginkgo/v2/ginkgo",
			"-p", "--randomize-all", "--no-color", "--junit-report=junit.xml", "--output-dir="+reports, bin)
		cmd.Env = suiteEnv(mutation)
		out, err := cmd.CombinedOutput()
		if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
			t.Fatalf("run ginkgo: %v", err)
		}
		return err == nil, failed(t, filepath.Join(reports, "junit.xml")), out
	}

	t.Run("correct emulator", func(t *testing.T) {
		passed, fails, out := run(t, "")
		if !passed {
			t.Fatalf("the suite fails on the correct emulator: %v\n%s", fails, out)
		}
	})

	for _, m := range emulator.KnownMutations() {
		t.Run(string(m), func(t *testing.T) {
			passed, fails, out := run(t, m)
			if passed {
				t.Fatalf("the suite passes with mutation %s: nothing catches it\n%s", m, out)
			}
			if !slices.ContainsFunc(fails, func(name string) bool { return name == caughtBy[m] || strings.HasPrefix(name, caughtBy[m]+" [") }) {
				t.Fatalf("%q did not fail; failed instead: %q", caughtBy[m], fails)
			}
			t.Logf("caught by %q (failed: %d specs)", caughtBy[m], len(fails))
		})
	}
}
