package runner_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/internal/prebuilt"
	"github.com/certcontract/certcontract/contract/internal/runner"
	"github.com/certcontract/certcontract/contract/internal/suite"
)

// TestAsAStrangerRunsIt builds the runner, copies it alone
// into an empty folder, and runs it there with no Go on PATH against the
// standalone emulator: once correct (exit 0, every report), once with a
// mutation on (exit 1, a reproduction), once with a key it refuses (exit 2,
// one line, nothing run).
func TestAsAStrangerRunsIt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the suite and the emulator, then runs the suite twice against the emulator")
	}
	// Built as make contract, teeth and the replay test build the suite (by
	// make unit, once for all of them); make release-check builds the
	// release's static binaries (CGO_ENABLED=0, -trimpath) from the same
	// package.
	built := prebuilt.Suite(t)
	emulatorBin := prebuilt.Emulator(t)
	// The stranger's folder holds the runner alone; PATH has no Go, and
	// TMPDIR is the test's, so that what the runner leaves there shows.
	dir := t.TempDir()
	bin := filepath.Join(dir, runner.Name)
	copyFile(t, built, bin)
	tmp := t.TempDir()
	stranger := func(key string, args ...string) (status int, stdout, stderr string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := prebuilt.Command(ctx, []string{"PATH=" + t.TempDir(), "HOME=" + dir, "TMPDIR=" + tmp, suite.EnvAdminKey + "=" + key}, bin, args...)
		cmd.Dir = dir
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
			t.Fatalf("run %s: %v", runner.Name, err)
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("the runner left %d files in TMPDIR", len(left))
		}
		return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
	}
	// Two processes and a short stateful phase: the whole suite, at a
	// modest cost on a busy machine.
	common := []string{"--project-id", "proj_default", "--fault-header", "--exclusive", "--procs", "2", "--no-color"}

	t.Run("correct emulator: exit 0 and every report", func(t *testing.T) {
		base := startEmulator(t, emulatorBin, "-fault-header")
		status, stdout, stderr := stranger("sk-admin-stranger", append(common, "--base-url", base, "--stateful-steps", "30", "--record", "run.har")...)
		if status != runner.Passed {
			t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", status, runner.Passed, tail(stdout), stderr)
		}
		for _, f := range []string{runner.JUnitReport, runner.JSONReport, suite.CoverageTable, suite.CoverageMarkdown, suite.CoverageJSON} {
			if _, err := os.Stat(filepath.Join(dir, "reports", f)); err != nil {
				t.Errorf("no report %s: %v", f, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "reports", runner.Reproductions)); err == nil {
			t.Errorf("a passing run wrote %s", runner.Reproductions)
		}
		if _, err := os.Stat(filepath.Join(dir, "run.har")); err != nil {
			t.Errorf("--record run.har wrote no recording: %v", err)
		}
		for _, want := range []string{"Contract coverage: " + base, "Reports:"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("the output lacks %q:\n%s", want, tail(stdout))
			}
		}
		if strings.Contains(stdout+stderr, "sk-admin-stranger") {
			t.Error("the output shows the admin key")
		}
	})

	t.Run("mutated emulator: exit 1 with a reproduction", func(t *testing.T) {
		base := startEmulator(t, emulatorBin, "-fault-header", "-mutations", "wrong-object")
		status, stdout, stderr := stranger("sk-admin-stranger", append(common, "--base-url", base, "--stateful-steps", "0")...)
		if status != runner.Broken {
			t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", status, runner.Broken, tail(stdout), stderr)
		}
		reproduction := regexp.MustCompile(`(?m)^   curl -sS -X POST "\$BASE_URL/organization/certificates" -H "Authorization: Bearer \$OPENAI_ADMIN_KEY"`)
		if !reproduction.MatchString(stdout) {
			t.Errorf("no reproduction (a curl line of the failed exchange) in the output:\n%s", tail(stdout))
		}
		b, err := os.ReadFile(filepath.Join(dir, "reports", runner.Reproductions))
		if err != nil || !reproduction.Match(b) {
			t.Errorf("%s holds no reproduction (%v)", runner.Reproductions, err)
		}
		if !strings.Contains(stdout, `object is "organization.certificate", want "certificate"`) {
			t.Errorf("the failures do not say what the target answered wrong:\n%s", tail(stdout))
		}
	})

	t.Run("refused key: exit 2 and one line", func(t *testing.T) {
		base := startEmulator(t, emulatorBin)
		status, stdout, stderr := stranger("sk-proj-not-an-admin-key", append(common, "--base-url", base)...)
		if status != runner.Misusage {
			t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", status, runner.Misusage, tail(stdout), stderr)
		}
		if stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "set "+suite.EnvAdminKey) {
			t.Errorf("want one line on stderr saying to set %s, and nothing on stdout; got stdout %q, stderr %q", suite.EnvAdminKey, stdout, stderr)
		}
		if strings.Contains(stderr, "sk-proj-not-an-admin-key") {
			t.Error("the line shows the refused key")
		}
	})
}

// startEmulator runs the standalone emulator on a free loopback port until
// the test ends, and answers its base URL.
func startEmulator(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := prebuilt.Command(context.Background(), prebuilt.Environ(nil), bin, append([]string{"-addr", "127.0.0.1:0", "-quiet"}, args...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case base := <-found:
		return base
	case <-time.After(30 * time.Second):
		t.Fatal("the emulator printed no listening line in 30 s")
		return ""
	}
}

var listening = regexp.MustCompile(`msg=listening base_url=(\S+)`)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// tail is the end of a long output, where the summary is.
func tail(s string) string {
	if len(s) > 6000 {
		return "..." + s[len(s)-6000:]
	}
	return s
}
