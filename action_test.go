package tools_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

const actionDir = ".github/actions/contract"

// action runs one of the composite action's scripts as its step does: with
// the runner's variables and the step's env, in a folder of its own. It
// answers the exit status, the output and what the script wrote to
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
func action(t *testing.T, script string, env map[string]string) (status int, out, outputs, summary string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the action's scripts run in bash")
	}
	dir := t.TempDir()
	abs, err := filepath.Abs(actionDir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(abs, script))
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"RUNNER_OS=Linux", "RUNNER_ARCH=X64", "RUNNER_TEMP=" + dir,
		"GITHUB_ACTION_PATH=" + abs,
		"GITHUB_OUTPUT=" + filepath.Join(dir, "outputs"),
		"GITHUB_STEP_SUMMARY=" + filepath.Join(dir, "summary"),
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	b, err := cmd.CombinedOutput()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatal(err)
	}
	o, _ := os.ReadFile(filepath.Join(dir, "outputs"))
	s, _ := os.ReadFile(filepath.Join(dir, "summary"))
	return cmd.ProcessState.ExitCode(), string(b), string(o), string(s)
}

// TestActionDownloadsTheReleaseItIsUsedAt serves a release with a runner
// that only prints its arguments, as GitHub serves release assets.
func TestActionDownloadsTheReleaseItIsUsedAt(t *testing.T) {
	const version = "v9.9.9"
	archiveName := "certcontract-contract_" + version + "_linux_amd64.tar.gz"
	archive := tarGz(t, "certcontract-contract", "#!/bin/sh\necho \"certcontract-contract "+version+" $*\"\n")
	sums := fmt.Sprintf("%x  %s\n%x  certcontract-emulator_%s_linux_amd64.tar.gz\n", sha256.Sum256(archive), archiveName, sha256.Sum256(nil), version)
	var mu sync.Mutex // the handler reads what the test changes between runs
	release := map[string][]byte{archiveName: archive, "SHA256SUMS": []byte(sums)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		name, ok := strings.CutPrefix(r.URL.Path, "/own/certcontract/releases/download/"+version+"/")
		if b, found := release[name]; ok && found {
			w.Write(b)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	env := map[string]string{"GITHUB_SERVER_URL": srv.URL, "ACTION_REPOSITORY": "own/certcontract", "ACTION_REF": version, "BUILD": "false"}

	status, out, outputs, _ := action(t, "install.sh", env)
	if status != 0 || !strings.Contains(out, "certcontract-contract "+version+" --version") || !strings.Contains(outputs, "path=") {
		t.Fatalf("install at %s: exit %d, outputs %q\n%s", version, status, outputs, out)
	}

	mu.Lock()
	release["SHA256SUMS"] = []byte(strings.Replace(sums, fmt.Sprintf("%x", sha256.Sum256(archive))[:8], "00000000", 1))
	mu.Unlock()
	status, out, _, _ = action(t, "install.sh", env)
	if status == 0 || !strings.Contains(out, "does not match the release's SHA256SUMS") {
		t.Errorf("a tampered archive: exit %d\n%s", status, out)
	}

	env["ACTION_REF"] = "main"
	status, out, _, _ = action(t, "install.sh", env)
	if status == 0 || !strings.Contains(out, "set build: true") {
		t.Errorf("at a branch, without build: exit %d\n%s", status, out)
	}
}

func TestActionPassesItsInputsAsFlags(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "runner")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nfor a in \"$@\"; do echo \"arg $a\"; done\necho \"key $OPENAI_ADMIN_KEY\"\nexit $FAKE_STATUS\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"RUNNER_BIN": fake, "FAKE_STATUS": "1", "OPENAI_ADMIN_KEY": "sk-admin-x",
		"BASE_URL": "http://127.0.0.1:1/v1", "PROJECT_ID": "proj_1", "LABELS": "!exclusive && !stateful",
		"STATEFUL_STEPS": "0", "SEED": "", "EXCLUSIVE": "false", "FAULT_HEADER": "true", "RECORD": "true",
		"PROCS": "", "ARGS": "--timeout 5m --no-color", "REPORTS": "out",
	}
	status, out, outputs, _ := action(t, "run.sh", env)
	want := "arg --base-url\narg http://127.0.0.1:1/v1\narg --project-id\narg proj_1\narg --reports\narg out\n" +
		"arg --labels\narg !exclusive && !stateful\narg --stateful-steps\narg 0\narg --fault-header\n" +
		"arg --record\narg out/recording.har\narg --timeout\narg 5m\narg --no-color\nkey sk-admin-x\n"
	if status != 1 || !strings.HasPrefix(out, want) || !strings.Contains(outputs, "exit-code=1") || !strings.Contains(out, "::error") {
		t.Errorf("exit %d, outputs %q, output:\n%s\nwant it to start:\n%s", status, outputs, out, want)
	}
}

func TestActionSummary(t *testing.T) {
	reports := t.TempDir()
	os.WriteFile(filepath.Join(reports, "coverage.md"), []byte("### Contract coverage: x\n"), 0o644)
	os.WriteFile(filepath.Join(reports, "reproductions.txt"), []byte("1. [failed] a spec\n   curl -sS x\n"), 0o644)
	_, _, _, summary := action(t, "summary.sh", map[string]string{"REPORTS": reports, "EXIT_CODE": "1"})
	if !strings.HasPrefix(summary, "### Contract coverage: x\n") || !strings.Contains(summary, "<details><summary>Reproductions of the failures</summary>\n\n```\n1. [failed] a spec\n   curl -sS x\n```\n</details>") {
		t.Errorf("summary:\n%s", summary)
	}
	_, _, _, summary = action(t, "summary.sh", map[string]string{"REPORTS": t.TempDir(), "EXIT_CODE": "2"})
	if !strings.Contains(summary, "did not run the suite") {
		t.Errorf("summary after exit 2:\n%s", summary)
	}
}

// TestActionInputsAreDocumented keeps docs/any-ci.md's table of inputs the
// action's.
func TestActionInputsAreDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(actionDir, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Inputs map[string]struct {
			Required bool `yaml:"required"`
		} `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("docs/any-ci.md")
	if err != nil {
		t.Fatal(err)
	}
	for name := range meta.Inputs {
		if !bytes.Contains(doc, []byte("| `"+name+"` |")) {
			t.Errorf("input %s is not in docs/any-ci.md's table of inputs", name)
		}
	}
}

func tarGz(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(content))
	tw.Close()
	gz.Close()
	return buf.Bytes()
}
