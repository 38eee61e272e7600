// Command load measures, in one run on loopback, how many requests per second
// the emulator answers next to a ceiling and next to Prism, with wrk as the
// load generator.
//
// The ceiling is a bare net/http server answering the very bytes and headers
// of the emulator's page of 20, so whatever the emulator answers below it is
// the cost of its own work (key, validation against the fragment, state,
// JSON). The emulator is measured on a page of 20, a page of 1 and an
// activate; Prism (`prism mock` on the same fragment) on its list. All
// servers run with their request logs off, Prism included, so the
// comparison gives each its best case.
//
// wrk runs one thread; the Go servers run with GOMAXPROCS=1 (-server-procs),
// so on a two-core machine the generator and the server under load each have
// a core, and Prism, whose Node event loop is one thread, is on the same
// footing. Measurements alternate between servers, -runs times; the report
// gives medians, and each ratio is the median of the ratios within a round,
// so a shared machine's changing load moves both sides of a ratio alike.
//
// Each measurement lasts -duration (wrk's -d), and wrk is killed if it
// overruns it; the whole run has a fixed budget. wrk has no request cap that
// keeps its rate right (thread:stop leaves its clock running), so the
// request count is bounded by time: 16 connections, one request in flight
// on each.
//
//	make load    # builds the emulator, installs Prism with npm ci, runs this
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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
}

func main() {
	var s settings
	flag.StringVar(&s.emulator, "emulator", "", "the built emulator command (required)")
	flag.StringVar(&s.prism, "prism", "", "the prism command; empty: no Prism comparison")
	flag.StringVar(&s.spec, "spec", "", "the fragment Prism mocks (required with -prism)")
	flag.StringVar(&s.wrk, "wrk", "wrk", "the wrk command")
	flag.DurationVar(&s.duration, "duration", 4*time.Second, "length of one measurement")
	flag.DurationVar(&s.warmup, "warmup", time.Second, "unmeasured load on each target before the first round")
	flag.IntVar(&s.conns, "conns", 16, "keep-alive connections of wrk's one thread")
	flag.IntVar(&s.runs, "runs", 3, "rounds over every target; medians are reported")
	flag.IntVar(&s.serverProcs, "server-procs", 1, "GOMAXPROCS of the Go servers (the emulator and the ceiling)")
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
	case s.conns < 1 || s.runs < 1 || s.serverProcs < 1 || s.duration < time.Second || s.warmup < 0:
		return errors.New("-conns, -runs and -server-procs must be positive, -duration at least 1s")
	}
	if _, err := exec.LookPath(s.wrk); err != nil {
		return fmt.Errorf("wrk not found (%v): install it, e.g. apt-get install wrk", err)
	}
	return nil
}

// run starts every server, measures them round by round and prints the report.
func run(ctx context.Context, s settings, out *os.File) error {
	targets := 5
	perTarget := s.warmup + time.Duration(s.runs)*s.duration + time.Duration(s.runs+1)*wrkGrace
	ctx, cancel := context.WithTimeout(ctx, time.Duration(targets)*perTarget+2*time.Minute)
	defer cancel()

	// The ceiling is served from this process, which is idle while wrk runs.
	runtime.GOMAXPROCS(s.serverProcs)
	emu, err := startEmulator(ctx, s.emulator, s.serverProcs)
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
		{role: roleCeiling, name: "ceiling: net/http, fixed body", request: "GET page of 20", addr: ceiling.addr, url: ceiling.url},
		{role: rolePage20, name: "emulator", request: "GET page of 20", addr: emu.addr, url: emu.listURL(20)},
		{role: rolePage1, name: "emulator", request: "GET page of 1", addr: emu.addr, url: emu.listURL(1)},
		{role: roleActivate, name: "emulator", request: "POST activate, 1 id", addr: emu.addr, url: emu.activateURL(), method: "POST", body: emu.activateBody()},
	}
	if s.prism != "" {
		prism, err := startPrism(ctx, s.prism, s.spec)
		if err != nil {
			return err
		}
		defer prism.stop()
		list = append(list, target{role: rolePrism, name: "prism mock", request: "GET its generated page", addr: prism.addr, url: prism.url})
	}

	fmt.Fprintf(out, "wrk: 1 thread, %d connections, %v per measurement, %d rounds; Go servers at GOMAXPROCS=%d; %d CPUs; load average %s\n",
		s.conns, s.duration, s.runs, s.serverProcs, runtime.NumCPU(), loadAverage())
	g := generator{wrk: s.wrk, conns: s.conns}
	if s.warmup > 0 {
		for _, t := range list {
			if _, err := g.measure(ctx, t, s.warmup); err != nil {
				return fmt.Errorf("%s, %s, warm-up: %w", t.name, t.request, err)
			}
		}
	}
	rounds := make([][]result, s.runs)
	for i := range rounds {
		for _, t := range list {
			r, err := g.measure(ctx, t, s.duration)
			if err != nil {
				return fmt.Errorf("%s, %s, round %d: %w", t.name, t.request, i+1, err)
			}
			fmt.Fprintf(out, "  round %d  %-30s %-24s %s\n", i+1, t.name, t.request, r)
			rounds[i] = append(rounds[i], r)
		}
	}
	fmt.Fprintf(out, "load average after the run: %s\n\n", loadAverage())
	summarize(list, rounds).print(out)
	return nil
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
