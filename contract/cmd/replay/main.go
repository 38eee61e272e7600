// Command replay sends the requests of a recording (a HAR file the contract
// suite wrote with CONTRACT_RECORD) again, in order, and reports every answer
// that differs from the recorded one:
//
//	go run ./contract/cmd/replay -har live.har [-target http://127.0.0.1:8080/v1] [-format text|markdown|json]
//
// Without -target it replays against an emulator in this process. The key
// sent is one per recorded organization that any emulator accepts, or
// REPLAY_ADMIN_KEY from the environment for every organization (a key never
// goes on a command line, where other users of the machine can read it).
// Exit status: 0 when every answer matched or an allow-list entry expects the
// difference, 1 on any other divergence or a stale allow-list entry, 2 when
// the recording or the allow-list cannot be read or the replay cannot run.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/certcontract/certcontract/contract/fidelity"
	"github.com/certcontract/certcontract/contract/fidelity/har"
)

const envKey = "REPLAY_ADMIN_KEY"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// projectMap is the repeatable -project flag.
type projectMap map[string]string

func (p projectMap) String() string { return fmt.Sprint(map[string]string(p)) }

func (p projectMap) Set(v string) error {
	from, to, ok := strings.Cut(v, "=")
	if !ok || from == "" || to == "" {
		return fmt.Errorf("%q: want RECORDED=TARGET, such as proj_abc=proj_default", v)
	}
	p[from] = to
	return nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	harPath := fs.String("har", "", "the recording (CONTRACT_RECORD's file)")
	target := fs.String("target", "", "base URL to replay against, such as http://127.0.0.1:8080/v1 (default: an emulator in this process)")
	allowPath := fs.String("allowlist", filepath.Join("contract", "fidelity", "allowlist.yaml"), "known divergences, each with its reason")
	format := fs.String("format", string(fidelity.FormatText), "report format: text, markdown (for a job summary) or json")
	verbose := fs.Bool("verbose", false, "after the groups, every divergence of every exchange with both answers (the JSON report always has them)")
	projects := projectMap{}
	fs.Var(projects, "project", "map a recorded project to one of the target's: RECORDED=TARGET (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *harPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "replay: give the recording with -har FILE")
		fs.Usage()
		return 2
	}
	allow, err := fidelity.LoadAllowList(*allowPath)
	if err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return 2
	}
	rec, err := har.ReadFile(*harPath)
	if err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return 2
	}
	key := strings.TrimSpace(getenv(envKey))
	res, err := fidelity.Replay(ctx, rec, fidelity.Options{Target: *target, Key: key, Projects: projects})
	if err != nil {
		fmt.Fprintf(stderr, "replay: %s: %v\n", *harPath, err)
		return 2
	}
	report := fidelity.NewReport(filepath.Base(*harPath), res, allow)
	report.Verbose = *verbose
	var out bytes.Buffer
	if err := report.Write(&out, fidelity.Format(*format)); err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return 2
	}
	// The report quotes the target's answers; should one echo the key, it
	// still never reaches a job summary.
	if _, err := io.WriteString(stdout, fidelity.NewRedactor("", key).String(out.String())); err != nil {
		return 2
	}
	if !report.OK() {
		return 1
	}
	return 0
}
