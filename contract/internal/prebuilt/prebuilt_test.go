package prebuilt_test

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/prebuilt"
)

// What make unit names is used as it is, not built again.
func TestTheNamedBinaryIsUsed(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "contract.test")
	if err := os.WriteFile(bin, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(prebuilt.EnvSuite, bin)
	if got := prebuilt.Suite(t); got != bin {
		t.Errorf("Suite = %s, want %s", got, bin)
	}
}

// Without make, the test builds the command itself, from this tree.
func TestWithoutMakeTheCommandIsBuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the emulator")
	}
	t.Setenv(prebuilt.EnvEmulator, "")
	out, err := exec.Command(prebuilt.Emulator(t), "-version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "emulator ") {
		t.Fatalf("the built emulator's -version: %v\n%s", err, out)
	}
}

// A child gets the environment less what the caller drops and make's
// jobserver, which changes from run to run.
func TestEnvironDropsMakeAndWhatTheCallerNames(t *testing.T) {
	t.Setenv("MAKEFLAGS", " -j2 --jobserver-auth=fifo:/tmp/GMfifo1")
	t.Setenv("CONTRACT_BASE_URL", "https://example.com/v1")
	t.Setenv("PREBUILT_KEPT", "a=b")
	env := prebuilt.Environ(func(name string) bool { return strings.HasPrefix(name, "CONTRACT_") })
	joined := "\n" + strings.Join(env, "\n") + "\n"
	if !strings.Contains(joined, "\nPREBUILT_KEPT=a=b\n") {
		t.Errorf("PREBUILT_KEPT lost or changed: %q", env)
	}
	for _, gone := range []string{"\nMAKEFLAGS=", "\nCONTRACT_BASE_URL="} {
		if strings.Contains(joined, gone) {
			t.Errorf("%s kept: %q", strings.TrimSpace(gone), env)
		}
	}
}

// TestProbe is run by TestGoTestCacheFollowsThePrograms, through go test.
func TestProbe(t *testing.T) {
	if os.Getenv("PREBUILT_PROBE") == "" {
		t.Skip("run by TestGoTestCacheFollowsThePrograms")
	}
	prebuilt.Emulator(t)
}

// go test keeps the result of a test that starts a program make built into
// the module until the program changes, and never keeps one whose program
// it cannot see: that is what lets make unit cache the packages that start
// programs through this one. It rests on how go's test cache works, which
// this checks through go test itself.
func TestGoTestCacheFollowsThePrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test eight times")
	}
	// Inside the module (its root is three levels up), under a fresh name
	// each run: a path go test has not seen, so a new result.
	dir := filepath.Join("..", "..", "..", ".cache", "prebuilt-probe-"+rand.Text())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	inside, err := filepath.Abs(filepath.Join(dir, "emulator"))
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "emulator")
	write := func(path, content string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cached := func(path string) bool {
		t.Helper()
		cmd := exec.Command("go", "test", "-run", "^TestProbe$", ".")
		cmd.Env = append(os.Environ(), "PREBUILT_PROBE=1", prebuilt.EnvEmulator+"="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go test: %v\n%s", err, out)
		}
		return strings.Contains(string(out), "(cached)")
	}
	write(inside, "first build")
	write(outside, "first build")
	for _, step := range []struct {
		what   string
		change func()
		path   string
		cached bool
	}{
		{"a program of the module, first run", nil, inside, false},
		{"the same program again", nil, inside, true},
		{"the program rebuilt differently", func() { write(inside, "second build, longer") }, inside, false},
		{"the rebuilt program again", nil, inside, true},
		{"a program outside the module", nil, outside, false},
		{"the same program outside again", nil, outside, false},
	} {
		if step.change != nil {
			step.change()
		}
		if got := cached(step.path); got != step.cached {
			t.Errorf("%s: cached %t, want %t", step.what, got, step.cached)
		}
	}
}
