// Command spec-check compares the project's Certificates fragment with a full
// upstream OpenAI OpenAPI document and reports every difference: upstream
// changes that break or change the generated client, things upstream has that
// the fragment lacks, and the fragment's deliberate enrichments, which must be
// named with a reason in the allow-list.
//
//	go run ./cmd/spec-check -upstream openai-openapi.yaml [-format text|markdown|json]
//
// Run from openapi/drift; the default fragment and allow-list paths are
// relative to it. Exit status: 0 when every difference is expected and every
// allow-list entry still matches one, 1 when anything is unexpected, 2 when
// the documents or the allow-list cannot be read.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/certcontract/certcontract/openapi/drift"
)

var defaultFragment = filepath.Join("..", "certificates.yaml")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("spec-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	upstream := fs.String("upstream", "", "full upstream OpenAPI document (YAML or JSON), e.g. openapi.yaml from github.com/openai/openai-openapi")
	fragment := fs.String("fragment", defaultFragment, "the project's fragment")
	allowPath := fs.String("allowlist", "allowlist.yaml", "reviewed list of deliberate differences")
	format := fs.String("format", string(drift.FormatText), "report format: text, markdown (for a pull-request comment) or json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *upstream == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "spec-check: give the upstream document with -upstream FILE")
		fs.Usage()
		return 2
	}
	label := *fragment
	if label == defaultFragment {
		label = "openapi/certificates.yaml"
	}
	report, err := check(*upstream, *fragment, *allowPath, label)
	if err != nil {
		fmt.Fprintf(stderr, "spec-check: %v\n", err)
		return 2
	}
	if err := report.Write(stdout, drift.Format(*format)); err != nil {
		fmt.Fprintf(stderr, "spec-check: %v\n", err)
		return 2
	}
	if !report.OK() {
		return 1
	}
	return 0
}

func check(upstreamPath, fragmentPath, allowPath, fragmentLabel string) (*drift.Report, error) {
	allow, err := drift.LoadAllowList(allowPath)
	if err != nil {
		return nil, err
	}
	upstream, err := drift.LoadDocument(upstreamPath)
	if err != nil {
		return nil, err
	}
	fragment, err := drift.LoadDocument(fragmentPath)
	if err != nil {
		return nil, err
	}
	return drift.Compare(upstream, fragment, allow, filepath.Base(upstreamPath), fragmentLabel)
}
