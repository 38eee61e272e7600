// Command load measures, in one run on loopback, how many requests per second
// the emulator answers next to a ceiling and next to Prism, with wrk as the
// load generator.
//
// The ceiling is a bare net/http server answering the very bytes and headers
// of the emulator's page of 20, so whatever the emulator answers below it is
// the cost of its own work (key, validation against the fragment, state,
// JSON). The emulator is measured on a page of 20, a page of 1 and an
// activate; Prism (`prism mock` on the same fragment) on its list. Each
// server runs as a user starts it, its request logs on (written to
// /dev/null, so no terminal slows it): that is how the issue that set the
// targets states them. -quiet-servers turns every server's logs off (the
// emulator's -quiet, Prism's -v silent), for each server's best case.
//
// wrk runs one thread; the Go servers run with GOMAXPROCS=1 (-server-procs),
// so on a two-core machine the generator and the server under load each have
// a core, and Prism, whose Node event loop is one thread, is on the same
// footing. Measurements alternate between servers, -runs times, with the
// ceiling measured again between every two others: each share of the
// ceiling is a figure over the mean of the ceiling runs just before and
// after it, and the report gives the median over rounds of those shares,
// so a shared machine's changing load moves both sides of a ratio alike.
// The report says, for each target, met or missed.
//
// Each measurement lasts -duration (wrk's -d), and wrk is killed if it
// overruns it; the whole run has a fixed budget. wrk has no request cap that
// keeps its rate right (thread:stop leaves its clock running), so the
// request count is bounded by time: 16 connections, one request in flight
// on each.
//
// Then the data plane: GET /v1/models on the emulator's plain listener and
// through its mTLS listener, with keep-alive and with a new connection per
// request, driven from this process (mtls.go says why not by wrk); the
// handshake's cost is reported, never asserted.
//
//	make load    # builds the emulator, installs Prism with npm ci, runs this
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"time"
)

type settings struct {
	emulator    string
	prism       string
	spec        string
	wrk         string
	duration    time.Duration
	warmup      time.Duration
	conns       int
	runs        int
	serverProcs int
	// quietServers runs the servers with their request logs off.
	quietServers bool
	// gateRequests bounds each keep-alive drive of the data plane (0: none).
	gateRequests int
}

func main() {
	var s settings
	flag.StringVar(&s.emulator, "emulator", "", "the built emulator command (required)")
	flag.StringVar(&s.prism, "prism", "", "the prism command; empty: no Prism comparison")
	flag.StringVar(&s.spec, "spec", "", "the fragment Prism mocks (required with -prism)")
	flag.StringVar(&s.wrk, "wrk", "wrk", "the wrk command")
	flag.DurationVar(&s.duration, "duration", 3*time.Second, "length of one measurement")
	flag.DurationVar(&s.warmup, "warmup", time.Second, "unmeasured load on each target before the first round")
	flag.IntVar(&s.conns, "conns", 16, "keep-alive connections of wrk's one thread")
	flag.IntVar(&s.runs, "runs", 5, "rounds over every target; medians are reported")
	flag.IntVar(&s.gateRequests, "gate-requests", 2000, "GET /v1/models per round on the plain and the mTLS listener with keep-alive, a quarter of it with a new connection each (0: not measured)")
	flag.IntVar(&s.serverProcs, "server-procs", 1, "GOMAXPROCS of the Go servers (the emulator and the ceiling)")
	flag.BoolVar(&s.quietServers, "quiet-servers", false, "run the emulator and Prism with their request logs off (each at its best), not as a user starts them")
	flag.Parse()
	if err := s.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, s, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func (s settings) validate() error {
	switch {
	case s.emulator == "":
		return errors.New("-emulator is required")
	case s.prism != "" && s.spec == "":
		return errors.New("-spec is required with -prism")
	case s.conns < 1 || s.runs < 1 || s.serverProcs < 1 || s.duration < time.Second || s.warmup < 0 || s.gateRequests < 0:
		return errors.New("-conns, -runs and -server-procs must be positive, -gate-requests not negative, -duration at least 1s")
	}
	if _, err := exec.LookPath(s.wrk); err != nil {
		return fmt.Errorf("wrk not found (%v): install it, e.g. apt-get install wrk", err)
	}
	return nil
}

// run starts every server, measures them round by round and prints the report.
func run(ctx context.Context, s settings, out *os.File) error {
	targets := 5
	measurements := 1 + s.runs*2*(targets-1)
	ctx, cancel := context.WithTimeout(ctx, time.Duration(targets)*s.warmup+time.Duration(measurements)*(s.duration+wrkGrace)+2*time.Minute)
	defer cancel()

	// The ceiling is served from this process, which is idle while wrk runs.
	runtime.GOMAXPROCS(s.serverProcs)
	dir, err := os.MkdirTemp("", "certcontract-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	emu, err := startEmulator(ctx, s.emulator, dir, s.serverProcs, s.quietServers)
	if err != nil {
		return err
	}
	defer emu.stop()
	ceiling, err := startCeiling(emu.page)
	if err != nil {
		return err
	}
	defer ceiling.stop()
	list := []target{
		{role: roleCeiling, name: "ceiling: net/http, fixed body", request: "GET page of 20", addr: ceiling.addr, url: ceiling.url, cpu: selfCPU},
		{role: rolePage20, name: "emulator", request: "GET page of 20", addr: emu.addr, url: emu.listURL(20), cpu: emu.cpu},
		{role: rolePage1, name: "emulator", request: "GET page of 1", addr: emu.addr, url: emu.listURL(1), cpu: emu.cpu},
		{role: roleActivate, name: "emulator", request: "POST activate, 1 id", addr: emu.addr, url: emu.activateURL(), method: "POST", body: emu.activateBody(), cpu: emu.cpu},
	}
	if s.prism != "" {
		prism, err := startPrism(ctx, s.prism, s.spec, s.quietServers)
		if err != nil {
			return err
		}
		defer prism.stop()
		list = append(list, target{role: rolePrism, name: "prism mock", request: "GET its generated page", addr: prism.addr, url: prism.url, cpu: prism.cpu})
	}

	logs := "request logs on, as a user starts them"
	if s.quietServers {
		logs = "request logs off (-quiet-servers)"
	}
	fmt.Fprintf(out, "wrk: 1 thread, %d connections, %v per measurement, %d rounds, the ceiling measured before and after every other target; Go servers at GOMAXPROCS=%d; servers' %s; %d CPUs; load average %s\n",
		s.conns, s.duration, s.runs, s.serverProcs, logs, runtime.NumCPU(), loadAverage())
	g := generator{wrk: s.wrk, conns: s.conns}
	if s.warmup > 0 {
		for _, t := range list {
			if _, err := g.measure(ctx, t, s.warmup); err != nil {
				return fmt.Errorf("%s, %s, warm-up: %w", t.name, t.request, err)
			}
		}
	}
	rounds, err := measureRounds(ctx, list, s.runs, func(t target) (result, error) { return g.measure(ctx, t, s.duration) }, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "load average after the wrk rounds: %s\n\n", loadAverage())
	summarize(list, rounds).print(out)
	if s.gateRequests == 0 {
		return nil
	}
	fmt.Fprintf(out, "\nthe data plane, plain and through the mTLS gate:\n")
	start := time.Now()
	if err := measureGate(ctx, emu, s.gateRequests, s.conns, s.runs, out); err != nil {
		return err
	}
	// What it adds to make load, which .ci/run runs.
	fmt.Fprintf(out, "the data plane took %v; load average after the run: %s\n", time.Since(start).Round(100*time.Millisecond), loadAverage())
	return nil
}

// measureRounds measures every target runs times, each between two
// measurements of the ceiling (list[0]), so that each share compares
// figures taken moments apart: rounds[i][j] is list[j] in round i, its
// ceiling the mean of the two runs around it. A round's ceiling row is the
// mean of its ceiling runs.
func measureRounds(ctx context.Context, list []target, runs int, measure func(target) (result, error), out io.Writer) ([][]result, error) {
	ceilingRun := func(round int) (result, error) {
		r, err := measure(list[0])
		if err != nil {
			return r, fmt.Errorf("%s, %s, round %d: %w", list[0].name, list[0].request, round, err)
		}
		fmt.Fprintf(out, "  round %d  %-30s %-24s %s\n", round, list[0].name, list[0].request, r)
		return r, nil
	}
	before, err := ceilingRun(1)
	if err != nil {
		return nil, err
	}
	rounds := make([][]result, runs)
	for i := range rounds {
		ceilings := []result{before}
		rounds[i] = make([]result, len(list))
		for j, t := range list[1:] {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			r, err := measure(t)
			if err != nil {
				return nil, fmt.Errorf("%s, %s, round %d: %w", t.name, t.request, i+1, err)
			}
			fmt.Fprintf(out, "  round %d  %-30s %-24s %s\n", i+1, t.name, t.request, r)
			after, err := ceilingRun(i + 1)
			if err != nil {
				return nil, err
			}
			r.ceiling = (before.rps + after.rps) / 2
			fmt.Fprintf(out, "  round %d  %s, %s: %s of the ceiling around it\n", i+1, t.name, t.request, percent(r.rps/r.ceiling))
			rounds[i][j+1] = r
			ceilings = append(ceilings, after)
			before = after
		}
		c := ceilings[len(ceilings)-1]
		c.rps = 0
		for _, x := range ceilings {
			c.rps += x.rps / float64(len(ceilings))
		}
		c.ceiling = c.rps
		rounds[i][0] = c
	}
	return rounds, nil
}

// loadAverage tells how busy the machine was: figures from a shared machine
// compare only within one run.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	var one, five, fifteen string
	if _, err := fmt.Sscan(string(data), &one, &five, &fifteen); err != nil {
		return "unknown"
	}
	return one + " " + five + " " + fifteen
}
