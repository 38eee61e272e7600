// Command load measures list throughput and latency of the emulator and of
// Prism side by side on loopback, in one run, and checks the emulator's
// targets: at least 15,000 list requests/s with p99 under 10 ms, and at least
// 15 times Prism's throughput.
//
// It builds the emulator command and starts it twice (as users start it,
// logging each request, and with -quiet), seeds each with 20 certificates,
// starts `prism mock` on the same fragment twice (as users start it, and with
// -v silent), all logs going to /dev/null. It then measures, alternating
// servers, the full default page of 20 and a page of one item (the size of
// Prism's generated page, so the ratio compares like with like), and
// reports the medians. Every measurement stops after -duration or
// -max-requests, whichever comes first, the whole run after a fixed budget,
// and every server is stopped at the end.
//
//	cd contract/emulator/load && npm ci && go run .
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
)

// Targets from the emulator's issue.
const (
	targetRPS   = 15000
	targetP99   = 10 * time.Millisecond
	targetRatio = 15
)

const loadKey = "sk-admin-load"

type settings struct {
	duration    time.Duration
	warmup      time.Duration
	conns       int
	runs        int
	maxRequests int
	prism       string
	spec        string
	check       bool
}

func main() {
	var s settings
	flag.DurationVar(&s.duration, "duration", 5*time.Second, "length of one measurement")
	flag.DurationVar(&s.warmup, "warmup", time.Second, "unmeasured load before the first measurement of each server")
	flag.IntVar(&s.conns, "conns", 16, "concurrent keep-alive connections")
	flag.IntVar(&s.runs, "runs", 3, "measurements of each server, alternating; medians are reported")
	flag.IntVar(&s.maxRequests, "max-requests", 200000, "upper bound of requests in one measurement")
	flag.StringVar(&s.prism, "prism", "node_modules/.bin/prism", "the prism command (npm ci installs it); empty: emulator only")
	flag.StringVar(&s.spec, "spec", "../../../openapi/certificates.yaml", "the fragment Prism mocks")
	flag.BoolVar(&s.check, "check", false, "exit 1 when a target is missed")
	flag.Parse()
	// One thread for the generator, like a single wrk thread: on a small
	// machine a second one would take CPU from the server it measures.
	runtime.GOMAXPROCS(1)
	if s.conns < 1 || s.runs < 1 || s.maxRequests < 1 || s.duration <= 0 {
		fmt.Fprintln(os.Stderr, "load: -conns, -runs, -max-requests and -duration must be positive")
		os.Exit(2)
	}
	ok, err := run(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	if s.check && !ok {
		os.Exit(1)
	}
}

// run measures both servers and reports; it returns whether every target was met.
func run(s settings) (bool, error) {
	// The whole run is bounded too, whatever the servers do.
	budget := time.Duration(s.runs+1)*6*(s.duration+s.warmup) + 3*time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()

	tmp, err := os.MkdirTemp("", "emulator-load-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "emulator")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/certcontract/certcontract/contract/cmd/emulator")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return false, fmt.Errorf("building the emulator: %w", err)
	}

	// Each server as users start it, logging every request (here to
	// /dev/null), and each with its request log off.
	emu, err := startEmulator(ctx, "emulator", bin)
	if err != nil {
		return false, err
	}
	defer emu.stop()
	emuQuiet, err := startEmulator(ctx, "emulator -quiet", bin, "-quiet")
	if err != nil {
		return false, err
	}
	defer emuQuiet.stop()
	// The full default page of 20, and a page of one item, the size of the
	// page Prism generates from the schema, so the ratio compares the same
	// request and about the same bytes.
	targets := []target{
		{emu, "?limit=20"}, {emuQuiet, "?limit=20"},
		{emu, "?limit=1"}, {emuQuiet, "?limit=1"},
	}
	if s.prism != "" {
		prism, err := startPrism(ctx, "prism", s.prism, s.spec)
		if err != nil {
			return false, err
		}
		defer prism.stop()
		prismSilent, err := startPrism(ctx, "prism -v silent", s.prism, s.spec, "-v", "silent")
		if err != nil {
			return false, err
		}
		defer prismSilent.stop()
		targets = append(targets, target{prism, "?limit=1"}, target{prismSilent, "?limit=1"})
	}

	fmt.Printf("GET a list page; %d connections, %v per measurement, %d runs, alternating; %d CPUs%s\n",
		s.conns, s.duration, s.runs, runtime.NumCPU(), loadAverage())
	for _, t := range targets {
		if _, err := measure(ctx, t, s.conns, s.warmup, s.maxRequests); err != nil {
			return false, fmt.Errorf("%s warm-up: %w", t, err)
		}
	}
	results := map[string][]result{}
	for i := range s.runs {
		for _, t := range targets {
			r, err := measure(ctx, t, s.conns, s.duration, s.maxRequests)
			if err != nil {
				return false, fmt.Errorf("%s run %d: %w", t, i+1, err)
			}
			results[t.String()] = append(results[t.String()], r)
			fmt.Printf("  run %d  %-27s %s\n", i+1, t, r)
		}
	}

	fmt.Println("medians:")
	med := map[string]result{}
	for _, t := range targets {
		med[t.String()] = median(results[t.String()])
		fmt.Printf("  %-27s %s\n", t, med[t.String()])
	}
	// The targets compare the servers as users start them; the figures with
	// request logs off are printed for comparison.
	full, one, prism := med["emulator ?limit=20"], med["emulator ?limit=1"], med["prism ?limit=1"]
	fmt.Println("targets:")
	ok := report(fmt.Sprintf("emulator, page of 20: >= %d req/s", targetRPS), full.rps >= targetRPS, fmt.Sprintf("%.0f", full.rps))
	ok = report(fmt.Sprintf("emulator, page of 20: p99 < %v", targetP99), full.p99 < targetP99, full.p99.Round(time.Microsecond).String()) && ok
	ok = report(fmt.Sprintf("emulator, page of 1: >= %d req/s", targetRPS), one.rps >= targetRPS, fmt.Sprintf("%.0f", one.rps)) && ok
	ok = report(fmt.Sprintf("emulator, page of 1: p99 < %v", targetP99), one.p99 < targetP99, one.p99.Round(time.Microsecond).String()) && ok
	if s.prism != "" {
		ratio := one.rps / prism.rps
		ok = report(fmt.Sprintf("emulator >= %dx prism, page of 1", targetRatio), ratio >= targetRatio, fmt.Sprintf("%.1fx", ratio)) && ok
		quiet := med["emulator -quiet ?limit=1"].rps / med["prism -v silent ?limit=1"].rps
		fmt.Printf("  (info)  emulator -quiet / prism -v silent, page of 1: %.1fx\n", quiet)
	}
	return ok, nil
}

// loadAverage tells how busy the machine was, where Linux says: figures
// from a shared machine are only comparable within one run.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return ""
	}
	return ", load average " + strings.Join(fields[:3], " ")
}

// target is one request to one server.
type target struct {
	*server
	query string
}

func (t target) String() string { return t.name + " " + t.query }

func report(target string, met bool, got string) bool {
	verdict := "met"
	if !met {
		verdict = "MISSED"
	}
	fmt.Printf("  %-7s %s (%s)\n", verdict, target, got)
	return met
}

// server is one process under load.
type server struct {
	name   string
	addr   string // host:port
	url    string // the organization list
	cmd    *exec.Cmd
	exited <-chan error
}

func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// request is the raw HTTP/1.1 request of a target, written as is.
func (t target) request() []byte {
	u, _ := url.Parse(t.url + t.query)
	return []byte("GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + t.addr + "\r\nAuthorization: Bearer " + loadKey + "\r\nAccept: application/json\r\n\r\n")
}

// startEmulator starts the built command on a free loopback port, its log
// to /dev/null, and seeds its organization.
func startEmulator(ctx context.Context, name, bin string, extra ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &server{name: name, addr: "127.0.0.1:" + strconv.Itoa(port)}
	s.cmd = exec.CommandContext(ctx, bin, append([]string{"-addr", s.addr}, extra...)...)
	s.url = "http://" + s.addr + "/v1/organization/certificates"
	if err := s.start(); err != nil {
		return nil, err
	}
	if err := seed(s.url); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// startPrism starts `prism mock` on a free loopback port, its log to
// /dev/null. Prism serves the fragment's paths without the /v1 prefix.
func startPrism(ctx context.Context, name, prism, spec string, extra ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &server{name: name, addr: "127.0.0.1:" + strconv.Itoa(port)}
	s.cmd = exec.CommandContext(ctx, prism, append([]string{"mock", spec, "-h", "127.0.0.1", "-p", strconv.Itoa(port)}, extra...)...)
	s.url = "http://" + s.addr + "/organization/certificates"
	if err := s.start(); err != nil {
		return nil, fmt.Errorf("%w (for prism, run npm ci first)", err)
	}
	return s, nil
}

// start runs the command and waits until it answers the list.
func (s *server) start() error {
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	s.exited = exited
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			s.cmd = nil
			return fmt.Errorf("%s exited before answering: %v", s.name, err)
		default:
		}
		req, _ := http.NewRequest(http.MethodGet, s.url, nil)
		req.Header.Set("Authorization", "Bearer "+loadKey)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.stop()
	return fmt.Errorf("%s not answering after 60s", s.name)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// seed uploads 20 certificates, so a list page is a full default page.
func seed(url string) error {
	for i := range 20 {
		cert, err := testcert.New(testcert.Options{})
		if err != nil {
			return err
		}
		body, _ := json.Marshal(map[string]string{"certificate": cert.PEM, "name": "load " + strconv.Itoa(i)})
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+loadKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("seeding: upload answered %d", resp.StatusCode)
		}
	}
	return nil
}

// result is one measurement.
type result struct {
	requests int
	failed   int // not 200
	elapsed  time.Duration
	rps      float64
	p50, p99 time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("%8.0f req/s  p50 %-9v p99 %-9v (%d requests, %d not 200, %v)",
		r.rps, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.requests, r.failed, r.elapsed.Round(time.Millisecond))
}

// median takes the median of each figure on its own.
func median(rs []result) result {
	pick := func(f func(result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return result{
		requests: int(pick(func(r result) float64 { return float64(r.requests) })),
		failed:   int(pick(func(r result) float64 { return float64(r.failed) })),
		elapsed:  time.Duration(pick(func(r result) float64 { return float64(r.elapsed) })),
		rps:      pick(func(r result) float64 { return r.rps }),
		p50:      time.Duration(pick(func(r result) float64 { return float64(r.p50) })),
		p99:      time.Duration(pick(func(r result) float64 { return float64(r.p99) })),
	}
}

// measure sends the list request on conns keep-alive connections, one at a
// time on each, until the duration is over or maxRequests were sent.
func measure(ctx context.Context, t target, conns int, duration time.Duration, maxRequests int) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	var (
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, min(maxRequests, 1<<20))
		failed    int
		firstErr  error
		budget    atomic.Int64
	)
	budget.Store(int64(maxRequests))
	request := t.request()
	start := time.Now()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			own, bad, err := worker(ctx, t.addr, request, &budget)
			mu.Lock()
			defer mu.Unlock()
			latencies = append(latencies, own...)
			failed += bad
			if err != nil && firstErr == nil {
				firstErr = err
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return result{}, firstErr
	}
	if len(latencies) == 0 {
		return result{}, errors.New("no request completed")
	}
	slices.Sort(latencies)
	at := func(q float64) time.Duration { return latencies[min(len(latencies)-1, int(q*float64(len(latencies))))] }
	return result{
		requests: len(latencies),
		failed:   failed,
		elapsed:  elapsed,
		rps:      float64(len(latencies)) / elapsed.Seconds(),
		p50:      at(0.50),
		p99:      at(0.99),
	}, nil
}

// worker runs one connection: a request, its whole response, the next.
func worker(ctx context.Context, addr string, request []byte, budget *atomic.Int64) ([]time.Duration, int, error) {
	var (
		latencies []time.Duration
		failed    int
		conn      net.Conn
		rd        *bufio.Reader
	)
	defer func() {
		if conn != nil {
			_ = conn.Close()
		}
	}()
	for ctx.Err() == nil {
		if budget.Add(-1) < 0 {
			break
		}
		if conn == nil {
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				return latencies, failed, err
			}
			conn, rd = c, bufio.NewReaderSize(c, 64<<10)
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		t0 := time.Now()
		if _, err := conn.Write(request); err != nil {
			return latencies, failed, err
		}
		status, keepAlive, err := readResponse(rd)
		if err != nil {
			return latencies, failed, err
		}
		latencies = append(latencies, time.Since(t0))
		if status != http.StatusOK {
			failed++
		}
		if !keepAlive {
			_ = conn.Close()
			conn = nil
		}
	}
	return latencies, failed, nil
}

// readResponse reads one HTTP/1.1 response, Content-Length or chunked, and
// discards its body. It is all the client the measurement needs, so the
// load generator spends its share of the two cores on sending, not parsing.
func readResponse(rd *bufio.Reader) (status int, keepAlive bool, err error) {
	line, err := rd.ReadSlice('\n')
	if err != nil {
		return 0, false, err
	}
	fields := bytes.Fields(line)
	if len(fields) < 2 {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	if status, err = strconv.Atoi(string(fields[1])); err != nil {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	keepAlive = true
	length, chunked := -1, false
	for {
		h, err := rd.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keepAlive = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		for {
			sizeLine, err := rd.ReadSlice('\n')
			if err != nil {
				return 0, false, err
			}
			sizeText, _, _ := bytes.Cut(bytes.TrimSpace(sizeLine), []byte(";"))
			size, err := strconv.ParseInt(string(sizeText), 16, 64)
			if err != nil {
				return 0, false, fmt.Errorf("bad chunk size %q", sizeLine)
			}
			if _, err := rd.Discard(int(size) + 2); err != nil { // the chunk and its CRLF
				return 0, false, err
			}
			if size == 0 {
				return status, keepAlive, nil
			}
		}
	case length >= 0:
		_, err = rd.Discard(length)
		return status, keepAlive, err
	default:
		return 0, false, errors.New("response without a length")
	}
}
