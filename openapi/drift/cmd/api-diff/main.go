// Command api-diff reports how the exported Go API of a package (by default
// the generated client, ./generated) changed between a git revision and the
// working tree, or between two revisions: identifiers added, removed, or
// changed compatibly or incompatibly for existing callers.
//
//	go run ./cmd/api-diff [-base origin/main] [-head REV] [-pkg ./generated] [-fail-on-incompatible]
//
// Without -base it compares with the latest release tag (v*) in the history
// of the head: what a caller who depends on that release would see change.
//
// The revisions are read with `git archive` into temporary directories, so the
// checkout is never touched. Exit status: 0 after a report (also one listing
// incompatible changes, unless -fail-on-incompatible is given, then 1); 2 when
// a tree cannot be read or loaded.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/certcontract/certcontract/openapi/drift/goapi"
	"golang.org/x/exp/apidiff"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("api-diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "", "git revision to compare from, e.g. origin/main; empty: the latest release tag (v*) in the head's history")
	head := fs.String("head", "", "git revision to compare to; empty: the working tree")
	pkg := fs.String("pkg", "./generated", "package to compare, relative to the repository root")
	repo := fs.String("repo", ".", "a directory inside the repository")
	failOn := fs.Bool("fail-on-incompatible", false, "exit 1 when a change breaks existing callers")
	format := fs.String("format", "text", "report format: text or markdown")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || (*format != "text" && *format != "markdown") {
		fmt.Fprintln(stderr, "api-diff: give -format text or markdown, and no arguments")
		fs.Usage()
		return 2
	}
	baseName := *base
	if *base == "" {
		tag, err := goapi.LatestTag(ctx, *repo, *head)
		if err != nil {
			fmt.Fprintf(stderr, "api-diff: %v: give -base REV to compare with\n", err)
			return 2
		}
		*base, baseName = tag, tag+" (the latest release)"
	}
	report, err := compare(ctx, *repo, *base, *head, *pkg)
	if err != nil {
		fmt.Fprintf(stderr, "api-diff: %v\n", err)
		return 2
	}
	headName := *head
	if headName == "" {
		headName = "the working tree"
	}
	write(stdout, *format, fmt.Sprintf("Go API changes of %s from %s to %s", *pkg, baseName, headName), report)
	if *failOn && goapi.Incompatible(report) {
		return 1
	}
	return 0
}

func compare(ctx context.Context, repo, base, head, pkg string) (apidiff.Report, error) {
	root, err := goapi.RepoRoot(ctx, repo)
	if err != nil {
		return apidiff.Report{}, err
	}
	oldDir, err := goapi.Checkout(ctx, root, base)
	if err != nil {
		return apidiff.Report{}, err
	}
	defer os.RemoveAll(oldDir)
	newDir := root
	if head != "" {
		if newDir, err = goapi.Checkout(ctx, root, head); err != nil {
			return apidiff.Report{}, err
		}
		defer os.RemoveAll(newDir)
	}
	return goapi.Compare(ctx, oldDir, newDir, pkg)
}

func write(w io.Writer, format, title string, r apidiff.Report) {
	incompatible, compatible := goapi.Messages(r)
	var b strings.Builder
	section := func(heading, explain string, msgs []string) {
		if len(msgs) == 0 {
			explain = "none"
		}
		if format == "markdown" {
			fmt.Fprintf(&b, "\n### %s (%d)\n\n%s\n\n", heading, len(msgs), explain)
			for _, m := range msgs {
				fmt.Fprintf(&b, "- `%s`\n", m)
			}
			return
		}
		fmt.Fprintf(&b, "\n%s (%d): %s\n", heading, len(msgs), explain)
		for _, m := range msgs {
			fmt.Fprintf(&b, "  - %s\n", m)
		}
	}
	if format == "markdown" {
		fmt.Fprintf(&b, "## %s\n", title)
	} else {
		fmt.Fprintf(&b, "%s\n", title)
	}
	if len(r.Changes) == 0 {
		b.WriteString("\nNo exported identifier was added, removed or changed.\n")
	} else {
		section("Incompatible changes", "code that uses these may no longer compile or behave the same", incompatible)
		section("Compatible changes", "additions and changes existing callers do not notice", compatible)
	}
	_, _ = io.WriteString(w, b.String())
}
