package tools_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestNpmStaysWhereGoDoesNotWalk fails when npm's files sit where `./...` of
// any module walks: node_modules there would be searched for packages by
// every go build, go vet and go test. Go skips directories whose names start
// with "_" or "." and those named testdata; Prism lives in contract/lab/bench/_prism.
func TestNpmStaysWhereGoDoesNotWalk(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != "." && (strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		if name == "node_modules" || name == "package.json" || name == "package-lock.json" {
			t.Errorf("%s is where ./... walks: move npm's files into a directory Go ignores (a name starting with _, as contract/lab/bench/_prism)", path)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
