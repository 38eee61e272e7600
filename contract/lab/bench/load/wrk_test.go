package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseResult(t *testing.T) {
	line := resultPrefix + " requests=1000 duration_us=2000000 bytes=430000 p50_us=250 p99_us=1200 connect=0 read=1 write=0 timeout=2 status=3\n"
	for _, tc := range []struct {
		name, out string
		want      result
		err       string
	}{
		{
			name: "wrk's report, then the line",
			out:  "Running 2s test @ http://127.0.0.1:1/\n  1 threads and 16 connections\nRequests/sec: 500.00\n" + line,
			want: result{requests: 1000, elapsed: 2 * time.Second, bytes: 430000, p50: 250 * time.Microsecond, p99: 1200 * time.Microsecond,
				socketErrors: 3, statusErrors: 3, rps: 500},
		},
		{name: "no line", out: "Running 2s test\n", err: "no result line"},
		{name: "a figure missing", out: strings.Replace(line, " p99_us=1200", "", 1), err: "lacks p99_us"},
		{name: "not a number", out: strings.Replace(line, "bytes=430000", "bytes=4.3e5", 1), err: `"bytes=4.3e5"`},
		{name: "nothing completed", out: strings.Replace(line, "requests=1000", "requests=0", 1), err: "no request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseResult([]byte(tc.out))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestLuaStringKeepsEveryByte(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"certificate_ids":["cert_1"]}`, `[[{"certificate_ids":["cert_1"]}]]`},
		{`a]]b`, `[=[a]]b]=]`},
		{`a]]b]=]c`, `[==[a]]b]=]c]==]`},
	} {
		if got := luaString(tc.in); got != tc.want {
			t.Errorf("luaString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestWrkSendsTheTargetsRequest runs wrk for a second against a server that
// checks every request, so a script that sent the wrong method, header or
// body, or a result line read wrongly, fails here rather than in a run's
// figures. It measures nothing.
func TestWrkSendsTheTargetsRequest(t *testing.T) {
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Skip("wrk is not installed (make load needs it; apt-get install wrk)")
	}
	const body = `{"certificate_ids":["cert_1"]}`
	var served, wrong atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := io.ReadAll(r.Body)
		served.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/organization/certificates/activate" ||
			r.Header.Get("Authorization") != "Bearer "+loadKey || r.Header.Get("Content-Type") != "application/json" || string(got) != body {
			wrong.Add(1)
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, `{"object":"list"}`)
	}))
	defer ts.Close()

	g := generator{wrk: "wrk", conns: 2}
	r, err := g.measure(context.Background(), target{name: "test", url: ts.URL + "/v1/organization/certificates/activate", method: "POST", body: body}, time.Second)
	if err != nil {
		t.Fatalf("measure: %v (%d of %d requests were wrong)", err, wrong.Load(), served.Load())
	}
	// wrk may have sent a request or two it did not wait for at the end.
	if r.requests == 0 || r.requests > served.Load() {
		t.Errorf("wrk counted %d answers, the server served %d", r.requests, served.Load())
	}
}
