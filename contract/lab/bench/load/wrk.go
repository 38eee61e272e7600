package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// wrkGrace is how long wrk may overrun its duration (connecting, joining
// its thread, printing) before it is killed.
const wrkGrace = 10 * time.Second

// target is one request to one server.
type target struct {
	role          role
	name, request string
	addr, url     string
	method, body  string // GET without a body when empty
	// cpu reads the CPU time the server has used so far; nil: unknown.
	cpu func() (time.Duration, error)
}

// generator runs wrk with one thread.
type generator struct {
	wrk   string
	conns int
}

// measure runs wrk against t for d and returns what it counted. A single
// answer of 400 or more fails the measurement: it would measure the wrong
// thing.
func (g generator) measure(ctx context.Context, t target, d time.Duration) (result, error) {
	script, err := os.CreateTemp("", "certcontract-load-*.lua")
	if err != nil {
		return result{}, err
	}
	defer os.Remove(script.Name())
	if _, err := script.WriteString(luaScript(t)); err != nil {
		script.Close()
		return result{}, err
	}
	if err := script.Close(); err != nil {
		return result{}, err
	}

	ctx, cancel := context.WithTimeout(ctx, d+wrkGrace)
	defer cancel()
	var cpuBefore time.Duration
	if t.cpu != nil {
		if cpuBefore, err = t.cpu(); err != nil {
			return result{}, err
		}
	}
	cmd := exec.CommandContext(ctx, g.wrk, "-t1", "-c"+strconv.Itoa(g.conns), "-d"+strconv.Itoa(int(d.Seconds()))+"s",
		"--timeout", "5s", "-s", script.Name(), t.url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("wrk: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	r, err := parseResult(stdout.Bytes())
	if err != nil {
		return result{}, fmt.Errorf("%w; wrk said:\n%s%s", err, stdout.String(), stderr.String())
	}
	if r.statusErrors > 0 {
		return r, fmt.Errorf("%d of %d answers were 400 or more", r.statusErrors, r.requests)
	}
	if t.cpu != nil {
		cpuAfter, err := t.cpu()
		if err != nil {
			return result{}, err
		}
		r.cpuPerAnswer = (cpuAfter - cpuBefore) / time.Duration(r.requests)
	}
	return r, nil
}

// resultPrefix starts the line the script's done() prints.
const resultPrefix = "certcontract-load:"

// luaScript sets the request once, so wrk sends the same bytes every time
// without calling Lua per request, and prints wrk's own figures on one line
// for parseResult.
func luaScript(t target) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.headers[\"Authorization\"] = %s\n", luaString("Bearer "+loadKey))
	fmt.Fprintf(&b, "wrk.headers[\"Accept\"] = \"application/json\"\n")
	if t.method != "" {
		fmt.Fprintf(&b, "wrk.method = %s\n", luaString(t.method))
	}
	if t.body != "" {
		fmt.Fprintf(&b, "wrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = %s\n", luaString(t.body))
	}
	b.WriteString(`function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("` + resultPrefix + ` requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
`)
	return b.String()
}

// luaString quotes s as a Lua long string, which takes every byte as is.
func luaString(s string) string {
	level := ""
	for strings.Contains(s, "]"+level+"]") {
		level += "="
	}
	return "[" + level + "[" + s + "]" + level + "]"
}

// result is one measurement, as wrk counted it.
type result struct {
	requests     int64
	elapsed      time.Duration
	bytes        int64 // whole answers, headers included
	p50, p99     time.Duration
	socketErrors int64 // connect, read, write and timeouts
	statusErrors int64 // answers of 400 or more
	rps          float64
	ceiling      float64 // the ceiling's rps around this measurement
	// cpuPerAnswer is the server's CPU time per answer (0: unknown). The
	// run's throughput moves with what else the machine does; this does
	// much less.
	cpuPerAnswer time.Duration
}

func (r result) String() string {
	s := fmt.Sprintf("%8.0f req/s  p50 %-8v p99 %-8v %5d B/answer  (%d requests in %v)",
		r.rps, r.p50, r.p99, r.bytesPerAnswer(), r.requests, r.elapsed.Round(time.Millisecond))
	if r.cpuPerAnswer > 0 {
		s += fmt.Sprintf(", server CPU %.1f µs/answer", float64(r.cpuPerAnswer)/float64(time.Microsecond))
	}
	if r.socketErrors > 0 {
		s += fmt.Sprintf(", %d socket errors", r.socketErrors)
	}
	return s
}

func (r result) bytesPerAnswer() int64 {
	if r.requests == 0 {
		return 0
	}
	return r.bytes / r.requests
}

// parseResult reads the line luaScript's done() prints.
func parseResult(out []byte) (result, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields, ok := strings.CutPrefix(sc.Text(), resultPrefix)
		if !ok {
			continue
		}
		v := map[string]int64{}
		for f := range strings.FieldsSeq(fields) {
			name, value, _ := strings.Cut(f, "=")
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				return result{}, fmt.Errorf("wrk's result %q: %w", f, err)
			}
			v[name] = n
		}
		for _, name := range []string{"requests", "duration_us", "bytes", "p50_us", "p99_us", "connect", "read", "write", "timeout", "status"} {
			if _, ok := v[name]; !ok {
				return result{}, fmt.Errorf("wrk's result lacks %s: %q", name, sc.Text())
			}
		}
		if v["requests"] == 0 || v["duration_us"] <= 0 {
			return result{}, errors.New("wrk completed no request")
		}
		r := result{
			requests:     v["requests"],
			elapsed:      time.Duration(v["duration_us"]) * time.Microsecond,
			bytes:        v["bytes"],
			p50:          time.Duration(v["p50_us"]) * time.Microsecond,
			p99:          time.Duration(v["p99_us"]) * time.Microsecond,
			socketErrors: v["connect"] + v["read"] + v["write"] + v["timeout"],
			statusErrors: v["status"],
		}
		r.rps = float64(r.requests) / r.elapsed.Seconds()
		return r, nil
	}
	return result{}, errors.New("wrk printed no result line")
}
