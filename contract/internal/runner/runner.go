// Package runner makes the contract suite's compiled test binary a command
// for any CI: `go test -c ./contract` builds one static binary that holds
// every spec, and its TestMain hands the command line here. Started with
// Go's or Ginkgo's test flags (go test, ginkgo and this command's own
// parallel processes always pass some), the binary is the test binary it
// always was; started with none, it is the command certcontract-contract:
// its flags become the suite's CONTRACT_* settings, a remote target gets
// its preflight here, once, and Ginkgo's own runner (the ginkgo CLI's run
// command, as a library) starts the parallel processes, each this binary
// again, and merges their reports.
//
// A compiled suite cannot run in parallel by itself: its processes report
// to a server that only the ginkgo CLI's code starts. Linking that code in
// keeps the command one file, with no Go and no ginkgo on the machine.
package runner

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/suite"
)

// Name is the command's name, in messages and release archives.
const Name = "certcontract-contract"

// Exit statuses.
const (
	Passed   = 0 // every spec passed and the coverage gate held
	Broken   = 1 // the target broke the contract (or the run was interrupted)
	Misusage = 2 // a setting or the preflight is wrong: one line says what
)

// version is set at release: -ldflags "-X
// github.com/certcontract/certcontract/contract/internal/runner.version=v1.2.3".
var version string

// Main runs the suite binary's command line. runTests is testing.M.Run,
// for when the binary is started as a test binary.
func Main(args []string, runTests func() int) int {
	if Worker(args) {
		return runTests()
	}
	return Command(context.Background(), args, os.Stdout, os.Stderr)
}

// Worker says whether args are a test binary's: any flag of Go's testing
// package or of Ginkgo's, which go test, the ginkgo CLI and the command's
// own processes always give (-test.timeout, -test.paniconexit0, ...).
func Worker(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		name, isFlag := strings.CutPrefix(a, "-")
		name = strings.TrimPrefix(name, "-")
		return isFlag && (strings.HasPrefix(name, "test.") || strings.HasPrefix(name, "ginkgo."))
	})
}

// options are the command's own flags, beside the settings.
type options struct {
	labels  string
	procs   int
	reports string
	timeout time.Duration
	noColor bool
	version bool
}

// Command is certcontract-contract: the whole suite against --base-url
// (or an in-process emulator), reports in --reports.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	misusage := func(format string, a ...any) int {
		// One line, whatever the error said over several.
		msg := strings.Join(strings.Fields(strings.ReplaceAll(fmt.Sprintf(format, a...), "\n", "; ")), " ")
		fmt.Fprintf(stderr, "%s: %s\n", Name, msg)
		return Misusage
	}

	env := map[string]string{}
	var o options
	fs := newFlagSet(env, &o)
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		usage(fs, stdout)
		return Passed
	case err != nil && strings.Contains(err.Error(), "not defined") && strings.Contains(err.Error(), "key"):
		return misusage("%v: the admin key is read from %s only, never from a flag (flags show in process lists and CI logs)", err, suite.EnvAdminKey)
	case err != nil:
		return misusage("%v (see %s -help)", err, Name)
	case fs.NArg() > 0:
		return misusage("unexpected argument %q: every setting is a flag (see %s -help)", fs.Arg(0), Name)
	}
	if o.version {
		fmt.Fprintln(stdout, VersionLine())
		return Passed
	}
	if v, given := env[suite.EnvBaseURL]; given && strings.TrimSpace(v) == "" {
		return misusage("--base-url is empty: give the API to check, such as https://api.openai.com/v1, or leave the flag out to check an in-process emulator")
	}
	if o.procs < 0 {
		return misusage("--procs=%d: give a number of processes, 1 or more", o.procs)
	}
	if _, err := types.ParseLabelFilter(o.labels); err != nil {
		var gerr types.GinkgoError
		if errors.As(err, &gerr) {
			return misusage("--labels=%q: %s: %s", o.labels, gerr.Heading, gerr.Message)
		}
		return misusage("--labels=%q: %v", o.labels, err)
	}

	// The flags override the environment; the suite's processes inherit it.
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			return misusage("%s: %v", k, err)
		}
	}
	// The suite's processes do not run where the command was started.
	if r := os.Getenv(suite.EnvRecord); r != "" && !filepath.IsAbs(r) {
		abs, err := filepath.Abs(r)
		if err != nil {
			return misusage("%s=%s: %v", suite.EnvRecord, r, err)
		}
		os.Setenv(suite.EnvRecord, abs)
	}
	cfg, err := suite.LoadConfig(os.Getenv)
	if err != nil {
		return misusage("%v", err)
	}
	procs := types.CLIConfig{Parallel: true, Procs: o.procs}.ComputedProcs()
	if cfg.Remote() {
		held, err := suite.Preflight(ctx, cfg, suite.RemoteRetry(http.DefaultTransport))
		if err != nil {
			return misusage("%v", err)
		}
		if o.procs == 0 {
			procs = roomFor(procs, held)
		}
		if err := suite.Room(held, procs); err != nil {
			return misusage("%v", err)
		}
	}

	fmt.Fprintf(stdout, "%s: checking %s with %d parallel processes\n", VersionLine(), cfg.Target(), procs)
	reports, err := prepareReports(o.reports)
	if err != nil {
		return misusage("--reports=%s: %v", o.reports, err)
	}
	status, err := runSuite(reports, procs, o)
	if err != nil {
		// The suite never ran: nothing about the target is known.
		return misusage("%v", err)
	}
	if err := summarize(stdout, reports, cfg); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", Name, err)
	}
	if status != 0 {
		return Broken
	}
	return Passed
}

// newFlagSet defines the command's flags: the settings, which end up in
// env, and its own options.
func newFlagSet(env map[string]string, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addSettings(fs, env)
	fs.StringVar(&o.labels, "labels", "", "Ginkgo label `filter` of the specs to run, such as '!exclusive' or 'stateful || emulator-only'")
	fs.IntVar(&o.procs, "procs", 0, "parallel processes; each needs 10 free certificate slots on a target (default: one per CPU, as ginkgo -p, fewer if the target's organization has room for fewer)")
	fs.StringVar(&o.reports, "reports", "reports", "`folder` for junit.xml, report.json, coverage.{txt,md,json} and reproductions.txt")
	fs.DurationVar(&o.timeout, "timeout", time.Hour, "fail the run after this long")
	fs.BoolVar(&o.noColor, "no-color", false, "no colors in the output")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	return fs
}

// roomFor is how many of procs parallel processes an organization holding
// held certificates has room for, at least one (Room then says why not):
// unasked, the command runs no more, since a shared organization often has
// room for fewer than the machine has CPUs.
func roomFor(procs, held int) int {
	return min(procs, max(1, (emulator.MaxCertificates-held)/suite.SlotsPerSpec))
}

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, `Usage: %s --base-url URL --project-id PROJECT [flags]

Runs the certcontract contract suite against an API of OpenAI's Admin
Certificates endpoints, with the admin key from %s.
Exit status: 0 the target passed, 1 it broke the contract, 2 a setting or
the preflight is wrong (one line says what to set).

Flags (each setting also reads the variable in brackets; a flag wins):
`, Name, suite.EnvAdminKey)
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// VersionLine is what --version prints.
func VersionLine() string {
	v := version
	if v == "" {
		v = "devel"
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
	}
	return fmt.Sprintf("%s %s (%s, %s/%s)", Name, v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
