package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// heldCeiling is the longest docs/reliability.md lets a stalled request hold its
// connection.
const heldCeiling = 45 * time.Second

// dial opens a raw connection to the command serving base.
func dial(t *testing.T, base string) net.Conn {
	t.Helper()
	host := strings.TrimPrefix(strings.TrimSuffix(base, "/v1"), "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// held sends head and nothing more, then returns how long the server keeps
// the connection and the status line it answers with, if any.
func held(t *testing.T, conn net.Conn, head string) (time.Duration, string) {
	t.Helper()
	start := time.Now()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(start.Add(heldCeiling))
	r := bufio.NewReader(conn)
	status, _ := r.ReadString('\n')
	if _, err := io.Copy(io.Discard, r); err != nil {
		t.Fatalf("still open after %v (status line %q): %v", time.Since(start).Round(time.Millisecond), status, err)
	}
	return time.Since(start), strings.TrimSpace(status)
}

// A request that announced a body and never sent it held its connection, and
// a goroutine, for as long as the client liked: the server had no read
// timeout. Both stalls are now given up within seconds (figures in the
// docs/reliability.md, measured by this test with -v).
func TestRegressionStalledRequestsHeldTheirConnection(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	base, _, done := start(t, ctx, []string{"-quiet"}, nil)
	// After the parallel subtests, which run once this function returns.
	t.Cleanup(func() { cancel(); <-done })

	for _, tt := range []struct {
		name, head, want string
	}{
		{"a body that never arrives",
			"POST /v1/organization/certificates HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer sk-admin-stalled\r\n" +
				"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"certificate\":",
			"HTTP/1.1 400 Bad Request"},
		{"headers that never end", "GET /v1/organization/certificates HTTP/1.1\r\nHost: emulator\r\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			took, status := held(t, dial(t, base), tt.head)
			t.Logf("%s: held %v, answered %q", tt.name, took.Round(100*time.Millisecond), status)
			if status != tt.want {
				t.Errorf("answered %q, want %q", status, tt.want)
			}
		})
	}
}

// Any header up to net/http's default of 1 MB was read and kept while the
// request lasted; headers over maxHeaderBytes are now refused before the
// emulator sees them.
func TestRegressionHeadersOfAnySizeWereRead(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, done := start(t, ctx, []string{"-quiet"}, nil)
	list := curl{method: http.MethodGet, path: "/organization/certificates"}

	// net/http closes the connection 0.5 s after its 431, with the rest of
	// the headers unread, which resets it; a client slower than that to
	// read sees the reset instead, which refuses the request as well.
	conn := dial(t, base)
	if _, err := io.WriteString(conn, "GET /v1/organization/certificates HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer sk-admin-"+
		strings.Repeat("k", 32<<10)+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err == nil && !strings.HasPrefix(status, "HTTP/1.1 431 ") || err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("32 KiB of key: %q %v, want 431 or a reset", status, err)
	}
	// Every header a real client sends fits.
	resp, body := list.send(t, base, "sk-admin-"+strings.Repeat("k", 200), http.Header{
		"User-Agent":                  {"OpenAI/Go 3.0.0"},
		"X-Stainless-Arch":            {"x64"},
		"X-Stainless-Lang":            {"go"},
		"X-Stainless-Os":              {"Linux"},
		"X-Stainless-Package-Version": {"3.0.0"},
		"X-Stainless-Retry-Count":     {"0"},
		"X-Stainless-Runtime":         {"go"},
		"X-Stainless-Runtime-Version": {"go1.26"},
		"Traceparent":                 {"00-" + strings.Repeat("a", 32) + "-" + strings.Repeat("b", 16) + "-01"},
		"Cookie":                      {strings.Repeat("c", 4<<10)},
	})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a real client's headers: %d %s", resp.StatusCode, body)
	}
	cancel()
	<-done
}

// Connections were accepted without bound, each with its goroutine and
// buffers; past -max-connections they now wait in the kernel's queue until
// one closes.
func TestRegressionConnectionsWereUnbounded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	base, _, done := start(t, ctx, []string{"-quiet", "-max-connections", "2"}, nil)
	t.Cleanup(func() { cancel(); <-done })

	first := dial(t, base)
	dial(t, base)
	get := func(timeout time.Duration) error {
		client := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
		req, _ := http.NewRequest(http.MethodGet, base+"/organization/certificates", nil)
		req.Header.Set("Authorization", "Bearer sk-admin-third")
		resp, err := client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		return err
	}
	if err := get(time.Second); err == nil {
		t.Fatal("a third connection was served while two were open")
	}
	_ = first.Close()
	if err := get(10 * time.Second); err != nil {
		t.Fatalf("not served once a connection closed: %v", err)
	}
}
