// Package prebuilt hands tests the programs they run as separate processes
// (the contract suite's test binary, the emulator, the replay command and
// the Ginkgo CLI) and starts them, in a way go's test cache can follow.
//
// Half a dozen tests run each program; built by every one of them, the same
// binary is compiled and linked that many times, at once on a fresh machine
// where the build cache holds none of it yet. make unit builds each once
// into the module's .cache/prebuilt and names it in the environment; a test
// run without make (go test ./...) builds its own, exactly as make does, so
// that nothing depends on make having run.
//
// go test caches a package's result keyed on its test binary, the flags, and
// the environment variables and files inside the module that the test
// process read; what a child process reads, it does not see. So a test
// that starts these programs gets its result cached only when go can see
// everything they depend on:
//   - the binaries make built, inside the module, whose date changes exactly
//     when their content does (make unit replaces one only when it differs);
//   - the child's environment, which Environ reads variable by variable
//     and Command hands over;
//   - the files of the module the test hands a child to read, which Input
//     looks at.
//
// A binary the test builds itself exists only after go has looked the
// result up, and one named outside the module lies where go does not look:
// such a result is never cached (uncached).
package prebuilt

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The environment variables make unit sets to the binaries it built.
const (
	EnvSuite    = "CERTCONTRACT_SUITE_TEST"
	EnvEmulator = "CERTCONTRACT_EMULATOR_BIN"
	EnvReplay   = "CERTCONTRACT_REPLAY_BIN"
	EnvGinkgo   = "CERTCONTRACT_GINKGO_BIN"
)

// binDir is where make unit builds the programs (.ci/unit.sh), relative to
// the module's root; git ignores it.
const binDir = ".cache/prebuilt"

// The packages built, as import paths so that a test in any directory of
// the module can build them.
const (
	suitePkg    = "github.com/certcontract/certcontract/contract"
	emulatorPkg = "github.com/certcontract/certcontract/contract/cmd/emulator"
	replayPkg   = "github.com/certcontract/certcontract/contract/cmd/replay"
	ginkgoPkg   = "github.com/onsi/ginkgo/v2/ginkgo"
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

// Replay returns the path of the replay command, as
// `go build ./contract/cmd/replay` builds it: $CERTCONTRACT_REPLAY_BIN, or
// else one built into a temporary directory of t.
func Replay(t testing.TB) string {
	t.Helper()
	return get(t, EnvReplay, replayPkg, "replay", "build")
}

// Ginkgo returns the path of the Ginkgo CLI at the version go.mod pins, the
// one make contract runs: $CERTCONTRACT_GINKGO_BIN, or else one built into a
// temporary directory of t.
func Ginkgo(t testing.TB) string {
	t.Helper()
	return get(t, EnvGinkgo, ginkgoPkg, "ginkgo", "build")
}

// get returns $env, or else builds pkg with `go <goArgs> -o <name> <pkg>`
// into a temporary directory of t.
func get(t testing.TB, env, pkg, name string, goArgs ...string) string {
	t.Helper()
	if path := os.Getenv(env); path != "" {
		// A name that points nowhere is a broken make target or a stale
		// shell variable: say so rather than build silently. The stat is
		// also what makes go's test cache key the result on the binary.
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s=%s: %v", env, path, err)
		}
		if root := moduleRoot(); root == "" || !inside(path, root) {
			uncached(t)
		}
		return path
	}
	uncached(t)
	bin := filepath.Join(t.TempDir(), name)
	args := append(goArgs, "-o", bin, pkg)
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
	return bin
}

// Environ returns this process's environment for a program a test starts,
// less the variables drop names and make's own (its jobserver's address
// changes from run to run and means nothing to the programs). Each variable
// is read with os.Getenv, which is what makes go's test cache key the
// result on it: a program may read any of them.
func Environ(drop func(name string) bool) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "" || drop != nil && drop(name) {
			continue
		}
		switch name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKE_TERMOUT", "MAKE_TERMERR":
			continue
		}
		env = append(env, name+"="+os.Getenv(name))
	}
	return env
}

// Command returns the command that runs name with args in env: what
// Environ gives, with the caller's additions, or a list built from nothing.
// A variable of this process's environment passed any other way is one go's
// test cache does not see. The process ran when the command's ProcessState
// is set after Run, whatever its exit status.
func Command(ctx context.Context, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	return cmd
}

// Input returns path, a file of the module that a program the test starts
// will read (a fixture, an allowlist), after looking at it: go's test cache
// then keys the result on its size and date, as it does for the files the
// test reads itself.
func Input(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("an input of the program: %v", err)
	}
	return path
}

// uncached keeps go's test cache from keeping t's package's result: go
// does not cache a result whose test opened a file of the module changed
// less than two seconds before the result was written (cmd/go's
// modTimeCutoff), and the file opened here is dated a year ahead.
// TestWhatGoCannotSeeIsNeverCached checks that this still holds.
func uncached(t testing.TB) {
	t.Helper()
	root := moduleRoot()
	if root == "" {
		return // outside any module go's cache does not look at files at all
	}
	path := filepath.Join(root, binDir, "uncached")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("mark the result as not to be cached: %v", err)
	}
	if err := os.WriteFile(path, []byte("go test does not cache a result whose test opened this file\n"), 0o644); err != nil {
		t.Fatalf("mark the result as not to be cached: %v", err)
	}
	ahead := time.Now().AddDate(1, 0, 0)
	if err := os.Chtimes(path, ahead, ahead); err != nil {
		t.Fatalf("mark the result as not to be cached: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("mark the result as not to be cached: %v", err)
	}
	f.Close()
}

// moduleRoot is the directory of the go.mod above the working directory (a
// test's is its package's), or "" when there is none.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, os.ErrNotExist) {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// inside reports whether path lies under dir.
func inside(path, dir string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(dir, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
