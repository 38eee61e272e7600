package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/certcontract/certcontract/contract/internal/suite"
)

// Report files the command writes into --reports, beside the coverage
// files the suite writes there (suite.CoverageTable and the others).
const (
	JUnitReport   = "junit.xml"
	JSONReport    = "report.json" // Ginkgo's: every spec, its labels, state and report entries
	Reproductions = "reproductions.txt"
)

// reportFiles are the files of a run, in the order the summary lists them.
var reportFiles = []string{JUnitReport, JSONReport, suite.CoverageTable, suite.CoverageMarkdown, suite.CoverageJSON, Reproductions}

// prepareReports makes dir, absolute, and removes a previous run's
// reports from it, so that none is taken for this run's.
func prepareReports(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", err
	}
	for _, f := range reportFiles {
		if err := os.Remove(filepath.Join(abs, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return abs, nil
}

// summarize prints, after Ginkgo's own output, the coverage table, a
// reproduction of every failure (also written to Reproductions) and the
// reports' paths.
func summarize(w io.Writer, dir string, cfg suite.Config) error {
	if table, err := os.ReadFile(filepath.Join(dir, suite.CoverageTable)); err == nil {
		fmt.Fprintf(w, "\n%s", table)
	}
	var errs []error
	if b, err := os.ReadFile(filepath.Join(dir, JSONReport)); err != nil {
		errs = append(errs, fmt.Errorf("no Ginkgo report to read the failures from: %w", err))
	} else if text, err := reproductions(b); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", JSONReport, err))
	} else if text != "" {
		errs = append(errs, os.WriteFile(filepath.Join(dir, Reproductions), []byte(text), 0o644))
		fmt.Fprintf(w, "\n%s", shown(text, Reproductions))
	}
	fmt.Fprintln(w, "\nReports:")
	for _, f := range reportFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			fmt.Fprintf(w, "  %s\n", filepath.Join(dir, f))
		}
	}
	if cfg.Record != "" {
		if _, err := os.Stat(cfg.Record); err == nil {
			fmt.Fprintf(w, "  %s (the recording)\n", cfg.Record)
		}
	}
	return errors.Join(errs...)
}

// reproductions renders every failure of a Ginkgo JSON report: what failed,
// where, the failure, and the request to send again (the suite attaches it
// to every failed spec as suite.ReproductionEntry; the stateful phase's
// failure is its own reproduction, numbered steps with a seed). "" when
// nothing failed.
func reproductions(jsonReport []byte) (string, error) {
	var reports []types.Report
	if err := json.Unmarshal(jsonReport, &reports); err != nil {
		return "", err
	}
	var b strings.Builder
	failed := 0
	for _, r := range reports {
		for _, reason := range r.SpecialSuiteFailureReasons {
			fmt.Fprintf(&b, "The run: %s\n\n", reason)
		}
		for _, s := range r.SpecReports {
			if !s.State.Is(types.SpecStateFailureStates) {
				continue
			}
			failed++
			name := s.FullText()
			if s.LeafNodeType != types.NodeTypeIt {
				name = strings.TrimSpace(s.LeafNodeType.String() + " " + name)
			}
			fmt.Fprintf(&b, "%d. [%s] %s\n", failed, s.State, name)
			if s.Failure.Location.FileName != "" {
				fmt.Fprintf(&b, "   %s\n", s.Failure.Location)
			}
			b.WriteString(indent(s.Failure.Message))
			for _, e := range s.ReportEntries {
				if e.Name == suite.ReproductionEntry {
					b.WriteString(indent(e.StringRepresentation()))
				}
			}
			b.WriteString("\n")
		}
	}
	if b.Len() == 0 {
		return "", nil
	}
	return fmt.Sprintf("Reproductions (%d failed):\n\n%s", failed, b.String()), nil
}

// shownFailures is how many failures the console shows; a target that
// breaks one rule often fails a hundred specs the same way, and the file
// holds every one.
const shownFailures = 5

// shown is the head of reproductions' text, up to shownFailures failures.
func shown(text, file string) string {
	blocks := strings.SplitAfter(text, "\n\n")
	// The heading, then the run's reasons and the failures, a block each.
	if len(blocks) <= shownFailures+2 {
		return text
	}
	return strings.Join(blocks[:shownFailures+1], "") + fmt.Sprintf("... and %d more in %s\n", len(blocks)-shownFailures-2, file)
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "   " + strings.ReplaceAll(s, "\n", "\n   ") + "\n"
}
