// Package prebuilt hands tests the programs they run as separate processes:
// the contract suite's test binary and the emulator command. Half a dozen
// tests run each; built by every one of them, the same binary is compiled
// and linked that many times, at once on a fresh machine where the build
// cache holds none of it yet. make unit builds each once and names it in
// the environment; a test run without make (go test ./...) builds its own,
// exactly as make does, so that nothing depends on make having run.
package prebuilt

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The environment variables make unit sets to the binaries it built.
const (
	EnvSuite    = "CERTCONTRACT_SUITE_TEST"
	EnvEmulator = "CERTCONTRACT_EMULATOR_BIN"
)

// The packages built, as import paths so that a test in any directory of
// the module can build them.
const (
	suitePkg    = "github.com/certcontract/certcontract/contract"
	emulatorPkg = "github.com/certcontract/certcontract/contract/cmd/emulator"
)

// Suite returns the path of the contract suite's test binary, as
// `go test -c ./contract` builds it (not under the race detector the
// calling test may run with): $CERTCONTRACT_SUITE_TEST, or else one built
// into a temporary directory of t.
func Suite(t testing.TB) string {
	t.Helper()
	return get(t, EnvSuite, suitePkg, "contract.test", "test", "-c")
}

// Emulator returns the path of the emulator command, as
// `go build ./contract/cmd/emulator` builds it: $CERTCONTRACT_EMULATOR_BIN,
// or else one built into a temporary directory of t.
func Emulator(t testing.TB) string {
	t.Helper()
	return get(t, EnvEmulator, emulatorPkg, "emulator", "build")
}

// get returns $env, or else builds pkg with `go <goArgs> -o <name> <pkg>`
// into a temporary directory of t.
func get(t testing.TB, env, pkg, name string, goArgs ...string) string {
	t.Helper()
	if path := os.Getenv(env); path != "" {
		// A name that points nowhere is a broken make target or a stale
		// shell variable: say so rather than build silently.
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s=%s: %v", env, path, err)
		}
		return path
	}
	bin := filepath.Join(t.TempDir(), name)
	args := append(goArgs, "-o", bin, pkg)
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
	return bin
}
