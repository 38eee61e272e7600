// Command shared-check runs the contract suite against a standalone emulator
// that looks like a shared, busy organization, as the live API will, and
// proves the run left it as it found it: every certificate someone else
// uploaded answers exactly as before (get with content, its item in the
// organization list and in every project's list), and none of the run's own
// certificates remains. The other client's certificates (named
// emulator.ActorNamePrefix...) change as it works, so they are not compared.
// `make contract-shared` runs it:
//
//	shared-check -suite 'make contract' -- <emulator binary> -foreign 12 -actor-rate 5 ...
//
// It starts the emulator on a free loopback port with one admin key, runs
// the suite as against a live target (no exclusive specs, no fault header),
// and ends with one summary line; it fails when the suite fails or anything
// differs.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/certcontract/certcontract/contract/internal/suite"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "shared-check:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shared-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "sk-admin-shared", "the admin key of the organization the suite shares")
	project := fs.String("project", "proj_alpha", "the project the suite's project specs use")
	suiteCmd := fs.String("suite", "make contract", "the command that runs the suite (split at spaces)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: shared-check [flags] -- <emulator command> [emulator flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 || len(strings.Fields(*suiteCmd)) == 0 {
		fs.Usage()
		return errors.New("want a suite command and, after --, the emulator command")
	}

	// Ctrl-C reaches the suite and the emulator too; this command waits for
	// the suite to clean up, then still stops the emulator and reports.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	emu, err := startEmulator(append(fs.Args(), "-addr", "127.0.0.1:0", "-keys", *key), stderr)
	if err != nil {
		return err
	}
	defer emu.stop()

	o, err := newOrg(emu.baseURL, *key, emu.projects)
	if err != nil {
		return err
	}
	before, err := o.take(ctx)
	if err != nil {
		return fmt.Errorf("reading the organization before the run: %w", err)
	}

	fields := strings.Fields(*suiteCmd)
	cmd := exec.CommandContext(ctx, fields[0], fields[1:]...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Env = append(suiteEnv(os.Environ()),
		suite.EnvBaseURL+"="+emu.baseURL, suite.EnvAdminKey+"="+*key, suite.EnvProjectID+"="+*project)
	suiteErr := cmd.Run()

	after, err := o.take(ctx)
	if err != nil {
		return fmt.Errorf("reading the organization after the run: %w", err)
	}
	out := compare(before, after, emu.projects)
	for _, c := range out.changes {
		fmt.Fprintln(stdout, "changed:", c)
	}
	for _, l := range out.left {
		fmt.Fprintln(stdout, "left by the run:", l)
	}
	verdict := "the suite passed"
	if suiteErr != nil {
		verdict = "the suite FAILED (" + suiteErr.Error() + ")"
	}
	fmt.Fprintf(stdout, "contract-shared: %d of %d foreign certificates checked unchanged (get with content, organization list, %d project lists), %d answers differ, %d of the run's certificates left; %s\n",
		out.unchanged, len(before), len(emu.projects), len(out.changes), len(out.left), verdict)
	if suiteErr != nil || len(out.changes) > 0 || len(out.left) > 0 {
		return errors.New("the shared organization check failed")
	}
	return nil
}

// suiteEnv is the caller's environment without anything that would point
// the suite elsewhere or enable specs a shared organization cannot run.
func suiteEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "CONTRACT_") && !strings.HasPrefix(kv, suite.EnvAdminKey+"=") {
			out = append(out, kv)
		}
	}
	return out
}

type emulatorProcess struct {
	cmd      *exec.Cmd
	baseURL  string
	projects []string
	done     chan error
}

// listening is the emulator's line saying where it serves, and for which
// projects. Its fields are read by key, wherever the command puts them, so a
// field added to the line does not stop this check from finding the server.
var (
	listening   = regexp.MustCompile(`(?:^| )msg=listening(?: |$)`)
	baseURLKey  = regexp.MustCompile(`(?:^| )base_url=(\S+)`)
	projectsKey = regexp.MustCompile(`(?:^| )projects=(\S+)`)
)

// listeningAt returns the base URL and projects of an emulator's listening
// line, and false for any other line.
func listeningAt(line string) (baseURL string, projects []string, ok bool) {
	if !listening.MatchString(line) {
		return "", nil, false
	}
	u, p := baseURLKey.FindStringSubmatch(line), projectsKey.FindStringSubmatch(line)
	if u == nil || p == nil {
		return "", nil, false
	}
	return u[1], strings.Split(p[1], ","), true
}

// startEmulator runs the emulator command and waits for its listening
// line; the rest of its log goes to stderr.
func startEmulator(args []string, stderr io.Writer) (*emulatorProcess, error) {
	cmd := exec.Command(args[0], args[1:]...)
	logs, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	e := &emulatorProcess{cmd: cmd, done: make(chan error, 1)}
	found := make(chan *emulatorProcess, 1)
	go func() {
		lines := bufio.NewScanner(logs)
		serving := false
		for lines.Scan() {
			if u, p, ok := listeningAt(lines.Text()); ok && !serving {
				serving = true
				found <- &emulatorProcess{baseURL: u, projects: p}
				continue
			}
			fmt.Fprintln(stderr, lines.Text())
		}
		e.done <- cmd.Wait()
	}()
	select {
	case at := <-found:
		e.baseURL, e.projects = at.baseURL, at.projects
		return e, nil
	case err := <-e.done:
		return nil, fmt.Errorf("the emulator ended before serving: %v", err)
	case <-time.After(30 * time.Second):
		e.stop()
		return nil, errors.New("the emulator did not serve within 30s")
	}
}

// stop ends the emulator as Ctrl-C would, and waits for it.
func (e *emulatorProcess) stop() {
	_ = e.cmd.Process.Signal(os.Interrupt)
	select {
	case <-e.done:
	case <-time.After(15 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.done
	}
}
