package adminclient_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator/emulatortest"
)

// goBlock is one ```go block of a Markdown page and where it starts.
type goBlock struct {
	page string // relative to the repository root
	line int
	code string
}

func goBlocks(t *testing.T, root, page string) []goBlock {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, page))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []goBlock
	lines := strings.Split(string(raw), "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		start := i + 1
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
		}
		blocks = append(blocks, goBlock{page: page, line: start + 1, code: strings.Join(lines[start:i], "\n") + "\n"})
	}
	return blocks
}

// Every Go block of the README and of docs/ is a whole file that compiles
// against this working tree, so a reader can copy any of them; the example
// program that calls every operation (examples/consumer) also runs, against
// the emulator.
func TestDocsGoBlocksCompileAndTheConsumerRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module; skipped in -short mode")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(t, root, "README.md")
	for _, p := range pages {
		blocks = append(blocks, goBlocks(t, root, filepath.Join("docs", filepath.Base(p)))...)
	}
	if len(blocks) == 0 {
		t.Fatal("neither the README nor docs/ has a Go block")
	}

	dir := t.TempDir()
	goMod := "module example.com/readme\n\ngo 1.26\n\nrequire github.com/certcontract/certcontract v0.0.0\n\n" +
		"replace github.com/certcontract/certcontract => " + root + "\n"
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.mod"), goMod)
	write(t, filepath.Join(dir, "go.sum"), string(sums))
	for i, b := range blocks {
		if !regexp.MustCompile(`^(//[^\n]*\n)*package \w+\n`).MatchString(b.code) {
			t.Errorf("%s:%d: the Go block is not a whole file (package clause, imports, code); write it as one so that it can be copied and built", b.page, b.line)
			continue
		}
		name := fmt.Sprintf("block%02d_line%d", i+1, b.line)
		write(t, filepath.Join(dir, name, "main.go"), b.code)
	}
	if t.Failed() {
		return
	}
	// The module proxy stays as the environment sets it: the blocks may
	// import what the module's own tests have not downloaded.
	env := []string{"GOWORK=off"}
	goCmd(t, dir, env, "mod", "tidy")
	goCmd(t, dir, env, "vet", "./...")
	bin := filepath.Join(dir, "consumer")
	goCmd(t, root, nil, "build", "-o", bin, "./examples/consumer")

	pem := filepath.Join(dir, "ca.pem")
	write(t, pem, newPEM(t))
	cmd := exec.Command(bin, pem, "proj_default")
	emu := emulatortest.Start(t)
	cmd.Env = append(os.Environ(), "OPENAI_ADMIN_KEY="+emu.AdminKey, "OPENAI_BASE_URL="+emu.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("examples/consumer failed: %v\n%s", err, out)
	}
	for _, want := range []string{
		"content as uploaded: true",
		"refused: certcontract: deleteCertificate failed after 1 attempt: 400 Bad Request: certificate_active",
		"deleted cert_",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("examples/consumer did not print %q:\n%s", want, out)
		}
	}

	// The README shows the refusal as the client prints it, ids aside.
	ids := regexp.MustCompile(`\b(cert|req)_[0-9a-f]+\b`)
	refused := regexp.MustCompile(`(?m)^refused: .*$`)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	got := ids.ReplaceAllString(refused.FindString(string(out)), "${1}_ID")
	shown := ids.ReplaceAllString(refused.FindString(string(readme)), "${1}_ID")
	if got == "" || got != shown {
		t.Errorf("the README's refusal is not the client's text, ids aside:\nREADME %s\nclient %s", shown, got)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
