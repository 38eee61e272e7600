package goapi

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// writeModule writes a one-package module into dir.
func writeModule(t *testing.T, dir, source string) {
	t.Helper()
	files := map[string]string{
		"go.mod":    "module example.com/m\n\ngo 1.26\n",
		"p/p.go":    source,
		"README.md": "not Go\n",
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const (
	oldSource = "package p\n\n// F is kept but its parameter changes type.\nfunc F(n int) int { return n }\n\n// Gone is removed.\nfunc Gone() {}\n"
	newSource = "package p\n\n// F is kept but its parameter changes type.\nfunc F(s string) int { return len(s) }\n\n// Added is new.\nfunc Added() {}\n"
)

func TestCompare(t *testing.T) {
	oldDir, newDir := t.TempDir(), t.TempDir()
	writeModule(t, oldDir, oldSource)
	writeModule(t, newDir, newSource)
	report, err := Compare(context.Background(), oldDir, newDir, "./p")
	if err != nil {
		t.Fatal(err)
	}
	incompatible, compatible := Messages(report)
	slices.Sort(incompatible)
	if want := []string{"F: changed from func(int) int to func(string) int", "Gone: removed"}; !slices.Equal(incompatible, want) {
		t.Errorf("incompatible %q, want %q", incompatible, want)
	}
	if want := []string{"Added: added"}; !slices.Equal(compatible, want) {
		t.Errorf("compatible %q, want %q", compatible, want)
	}
	if !Incompatible(report) {
		t.Error("Incompatible() = false")
	}
}

func TestCompareReportsABrokenTree(t *testing.T) {
	oldDir, newDir := t.TempDir(), t.TempDir()
	writeModule(t, oldDir, oldSource)
	writeModule(t, newDir, "package p\n\nfunc F( {\n")
	if _, err := Compare(context.Background(), oldDir, newDir, "./p"); err == nil {
		t.Error("want an error for a package that does not compile")
	}
}

// gitRepo makes a repository whose two commits hold oldSource and newSource.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	writeModule(t, dir, oldSource)
	git("add", ".")
	git("commit", "-q", "-m", "old")
	writeModule(t, dir, newSource)
	git("commit", "-q", "-am", "new")
	return dir
}

func TestCheckout(t *testing.T) {
	repo := gitRepo(t)
	dir, err := Checkout(context.Background(), repo, "HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	got, err := os.ReadFile(filepath.Join(dir, "p", "p.go"))
	if err != nil || string(got) != oldSource {
		t.Errorf("checked-out p.go = %q, %v; want the first commit's", got, err)
	}
	if _, err := Checkout(context.Background(), repo, "no-such-revision"); err == nil {
		t.Error("want an error for an unknown revision")
	}
	// git would take this for its --output option and create the file
	// before it fails for want of a tree.
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Checkout(context.Background(), repo, "--output="+out); err == nil {
		t.Error("want an error for a revision that looks like an option")
	}
	if names, _ := filepath.Glob(out + "*"); len(names) > 0 {
		t.Errorf("git ran with the revision as an option and wrote %v", names)
	}
}

func TestExtractRefusesEntriesOutsideTheDirectory(t *testing.T) {
	var archive bytes.Buffer
	tw := tar.NewWriter(&archive)
	content := "escaped\n"
	if err := tw.WriteHeader(&tar.Header{Name: "../escaped.txt", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(content))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "tree")
	if err := extract(&archive, dir); err == nil {
		t.Error("want an error for an entry outside the directory")
	}
	if _, err := os.Stat(filepath.Join(parent, "escaped.txt")); err == nil {
		t.Error("the entry was written outside the directory")
	}
}
