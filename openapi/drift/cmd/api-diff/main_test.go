package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	repo := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write("go.mod", "module example.com/m\n\ngo 1.26\n")
	write("generated/g.go", "package generated\n\ntype Certificate struct{ ID string }\n")
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "one")
	// The working tree renames a field: existing callers break.
	write("generated/g.go", "package generated\n\ntype Certificate struct{ Id string }\n")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{name: "report only", args: []string{"-base", "HEAD"}, wantCode: 0, wantOut: "Incompatible changes (1)"},
		{name: "gate", args: []string{"-base", "HEAD", "-fail-on-incompatible"}, wantCode: 1, wantOut: "Certificate.ID: removed"},
		{name: "markdown", args: []string{"-base", "HEAD", "-format", "markdown"}, wantCode: 0, wantOut: "### Incompatible changes (1)"},
		{name: "same revision", args: []string{"-base", "HEAD", "-head", "HEAD", "-fail-on-incompatible"}, wantCode: 0, wantOut: "No exported identifier"},
		{name: "no base and no tag", args: nil, wantCode: 2},
		{name: "unknown revision", args: []string{"-base", "nope"}, wantCode: 2},
	}
	runTests := func(t *testing.T, tests []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				code := run(context.Background(), append([]string{"-repo", repo}, tt.args...), &stdout, &stderr)
				if code != tt.wantCode || !strings.Contains(stdout.String(), tt.wantOut) {
					t.Errorf("exit %d (want %d), stdout lacks %q:\n%s\nstderr: %s", code, tt.wantCode, tt.wantOut, stdout.String(), stderr.String())
				}
			})
		}
	}
	runTests(t, tests)

	// Once released, the tag is the base; a later tag that is not in the
	// head's history (a release branch's) is not.
	git("tag", "v0.1.0")
	write("generated/h.go", "package generated\n\ntype Extra struct{}\n")
	git("add", ".")
	git("commit", "-q", "-m", "two")
	git("checkout", "-q", "-b", "other", "HEAD~1")
	git("commit", "-q", "--allow-empty", "-m", "elsewhere")
	git("tag", "v0.2.0")
	git("checkout", "-q", "-")
	// The working tree still renames the field; HEAD adds Extra after v0.1.0.
	runTests(t, []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{name: "latest tag", args: nil, wantCode: 0, wantOut: "from v0.1.0 (the latest release) to the working tree"},
		{name: "latest tag, gate", args: []string{"-fail-on-incompatible"}, wantCode: 1, wantOut: "Certificate.ID: removed"},
		{name: "latest tag of a head", args: []string{"-head", "HEAD"}, wantCode: 0, wantOut: "Extra: added"},
		{name: "latest tag of another branch", args: []string{"-head", "other"}, wantCode: 0, wantOut: "from v0.2.0 (the latest release)"},
	})
}
