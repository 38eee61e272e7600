package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is what check found: counts first, then every problem.
type report struct {
	version                         string
	binaries, archives, sboms, sums int
	hostVersion                     string // the -version line of the binary this machine ran
	problems                        []string
}

func (r *report) problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r report) write(w io.Writer) {
	status := "ok"
	if len(r.problems) > 0 {
		status = fmt.Sprintf("FAIL: %d problems", len(r.problems))
	}
	fmt.Fprintf(w, "distcheck %s: %s; %d binaries, %d archives, %d SBOMs, %d checksums\n",
		r.version, status, r.binaries, r.archives, r.sboms, r.sums)
	if r.hostVersion != "" {
		fmt.Fprintf(w, "  this machine's binary: %s\n", r.hostVersion)
	}
	for _, p := range r.problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
}

func check(ctx context.Context, d dist, platforms []string, commitTime time.Time) report {
	r := report{version: d.version}
	binaries := ofType(d.artifacts, typeBinary)
	archives := ofType(d.artifacts, typeArchive)
	sboms := ofType(d.artifacts, typeSBOM)
	r.binaries, r.archives, r.sboms = len(binaries), len(archives), len(sboms)
	if len(binaries) == 0 {
		r.problem("no binaries in artifacts.json")
	}

	// Every build for every platform, and nothing else.
	builtFor := map[string][]string{}
	for _, b := range binaries {
		builtFor[b.id()] = append(builtFor[b.id()], b.platform())
		checkBinary(&r, b, d.version, commitTime)
	}
	for id, got := range builtFor {
		for _, p := range platforms {
			if !slices.Contains(got, p) {
				r.problem("build %s: no binary for %s", id, p)
			}
		}
		for _, p := range got {
			if !slices.Contains(platforms, p) {
				r.problem("build %s: a binary for %s, which is not released", id, p)
			}
		}
	}

	// Each binary in exactly one archive, with its bytes.
	archived := map[string]int{}
	held := map[string][]string{} // archive path: the binaries in it
	for _, a := range archives {
		held[a.Path] = checkArchive(&r, a, binaries, commitTime)
		for _, path := range held[a.Path] {
			archived[path]++
		}
	}
	for _, b := range binaries {
		if n := archived[b.Path]; n != 1 {
			r.problem("%s (%s) is in %d archives, want 1", b.fileName(), b.platform(), n)
		}
	}

	// One SBOM per archive, when SBOMs were made.
	if len(sboms) > 0 {
		for _, a := range archives {
			checkSBOM(&r, a, sboms, held[a.Path])
		}
	}

	r.sums = checkSums(&r, d.artifacts)
	r.hostVersion = runHost(ctx, &r, binaries, d.version)
	return r
}

// runHost runs `-version` of each binary built for this machine: -X with a
// wrong package path is silently ignored by the linker, so only running the
// binary proves the version took.
func runHost(ctx context.Context, r *report, binaries []artifact, version string) string {
	host := runtime.GOOS + "/" + runtime.GOARCH
	var first string
	ran := 0
	for _, b := range binaries {
		if b.platform() != host {
			continue
		}
		ran++
		out, err := exec.CommandContext(ctx, b.Path, "-version").Output()
		line := strings.TrimSpace(string(out))
		if err != nil {
			r.problem("%s -version: %v", b.fileName(), err)
			continue
		}
		// "emulator v0.1.0 (go1.26.8, linux/amd64)": the version is the second word.
		if f := strings.Fields(line); len(f) < 2 || f[1] != version {
			r.problem("%s -version printed %q, want the version %s as its second word", b.fileName(), line, version)
		}
		if first == "" {
			first = line
		}
	}
	if ran == 0 {
		r.problem("no binary for this machine (%s): the version was not checked by running one", host)
	}
	return first
}
