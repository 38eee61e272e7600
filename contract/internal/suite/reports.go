package suite

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// Report files the suite writes beside Ginkgo's JUnit report. `make contract`
// prints CoverageTable at the end of its output, where it reads better than
// inside Ginkgo's block of captured output.
const (
	CoverageJSON     = "coverage.json"
	CoverageMarkdown = "coverage.md"
	CoverageTable    = "coverage.txt"
)

// WriteReports writes the coverage into dir in each of its forms.
func WriteReports(dir string, cov Coverage) error {
	js, err := json.MarshalIndent(cov, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name    string
		content []byte
	}{
		{CoverageJSON, append(js, '\n')},
		{CoverageMarkdown, []byte(cov.Markdown())},
		{CoverageTable, []byte(cov.Table())},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
