package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer collects the command's log from its goroutines. The
// emulator's own tests keep the same one: a package of test helpers for
// fifteen lines would serve these two alone.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the command on a free loopback port and returns its base URL,
// its log, and a channel with run's result.
func start(t *testing.T, ctx context.Context, args []string, env map[string]string) (string, *syncBuffer, <-chan error) {
	t.Helper()
	logs := &syncBuffer{}
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, io.Discard, logs,
			func(a net.Addr) { addrs <- a })
	}()
	select {
	case a := <-addrs:
		return "http://" + a.String() + "/v1", logs, done
	case err := <-done:
		t.Fatalf("run ended before serving: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		t.Fatalf("not serving after 10s\n%s", logs)
	}
	return "", nil, nil
}

type curl struct {
	method, path, body string
	wantStatus         int
	wantParam          string
}

// The reference page's ten curl examples, verbatim but for the base URL.
var referenceCurls = []curl{
	{http.MethodGet, "/organization/certificates", "", 200, ""},
	{http.MethodPost, "/organization/certificates", `{
  "name": "My Example Certificate",
  "certificate": "-----BEGIN CERTIFICATE-----\\nMIIDeT...\\n-----END CERTIFICATE-----"
}`, 400, "certificate"},
	{http.MethodPost, "/organization/certificates/activate", `{
  "data": ["cert_abc", "cert_def"]
}`, 400, "certificate_ids"},
	{http.MethodPost, "/organization/certificates/deactivate", `{
  "data": ["cert_abc", "cert_def"]
}`, 400, "certificate_ids"},
	{http.MethodGet, "/organization/certificates/cert_abc?include[]=content", "", 404, "certificate_id"},
	{http.MethodPost, "/organization/certificates/cert_abc", `{
  "name": "Renamed Certificate"
}`, 404, "certificate_id"},
	{http.MethodDelete, "/organization/certificates/cert_abc", "", 404, "certificate_id"},
	{http.MethodGet, "/organization/projects/proj_abc/certificates", "", 200, ""},
	{http.MethodPost, "/organization/projects/proj_abc/certificates/activate", `{
  "data": ["cert_abc", "cert_def"]
}`, 400, "certificate_ids"},
	{http.MethodPost, "/organization/projects/proj_abc/certificates/deactivate", `{
  "data": ["cert_abc", "cert_def"]
}`, 400, "certificate_ids"},
}

func (c curl) send(t *testing.T, base, key string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, base+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data
}

func TestAnswersTheReferenceCurlsAndStopsOnSignal(t *testing.T) {
	const key = "sk-admin-reference-page"
	base, logs, done := start(t, context.Background(), []string{"-projects", "proj_abc,proj_default"}, nil)

	for _, c := range referenceCurls {
		resp, body := c.send(t, base, key, nil)
		if resp.StatusCode != c.wantStatus {
			t.Fatalf("%s %s: %d, want %d: %s", c.method, c.path, resp.StatusCode, c.wantStatus, body)
		}
		if c.wantParam != "" {
			var e struct {
				Error struct{ Param *string }
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Param == nil || *e.Error.Param != c.wantParam {
				t.Fatalf("%s %s: %s, want param %s", c.method, c.path, body, c.wantParam)
			}
		}
	}

	// SIGTERM, as a process manager or `docker stop` sends it.
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("still running 15s after SIGTERM")
	}
	if _, err := http.Get(base + "/organization/certificates"); err == nil {
		t.Fatal("still answering after shutdown")
	}

	out := logs.String()
	if strings.Contains(out, "reference-page") || strings.Contains(out, "sk-admin") {
		t.Fatalf("the log shows the key:\n%s", out)
	}
	if n := strings.Count(out, "msg=request"); n != len(referenceCurls) {
		t.Fatalf("%d request lines for %d requests:\n%s", n, len(referenceCurls), out)
	}
	if !strings.Contains(out, "shutting down") {
		t.Fatalf("no shutdown line:\n%s", out)
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{
		"EMULATOR_KEYS":           "sk-admin-from-env",
		"EMULATOR_FAULT_RATE":     "1",
		"EMULATOR_FAULT_STATUSES": "429",
		"EMULATOR_QUIET":          "true",
	}
	// The command line wins over the environment: 503 rather than 429.
	base, logs, done := start(t, ctx, []string{"-fault-statuses", "503", "-fault-retry-after", "4"}, env)
	list := curl{method: http.MethodGet, path: "/organization/certificates"}

	resp, body := list.send(t, base, "sk-admin-from-env", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "4" {
		t.Fatalf("%d Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, _ := list.send(t, base, "sk-admin-other", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a key outside EMULATOR_KEYS got %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if strings.Contains(logs.String(), "msg=request") {
		t.Fatalf("EMULATOR_QUIET still logged requests:\n%s", logs)
	}
}

func TestFaultHeaderAndMutationFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, done := start(t, ctx, []string{"-quiet", "-fault-header", "-mutations", "found-unknown-id"}, nil)
	get := curl{method: http.MethodGet, path: "/organization/certificates/cert_abc"}
	if resp, body := get.send(t, base, "sk-admin-x", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("found-unknown-id: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get.send(t, base, "sk-admin-x", http.Header{"X-Emulator-Fault": {"500"}}); resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("fault header: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, base+get.path, nil)
	req.Header.Set("Authorization", "Bearer sk-admin-x")
	req.Header.Set("X-Emulator-Fault", "reset")
	if resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a reset answered %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

// A shared-looking organization from the environment and the command line:
// foreign certificates at once, the other client's appearing as it works,
// and a clean shutdown with it running.
func TestSharedOrganizationSettings(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, done := start(t, ctx, []string{"-quiet", "-actor-rate", "100", "-actor-slots", "2"}, map[string]string{"EMULATOR_FOREIGN": "12"})
	list := curl{method: http.MethodGet, path: "/organization/certificates?limit=100"}
	others := func() (foreign, actor int) {
		resp, body := list.send(t, base, "sk-admin-x", nil)
		var page struct {
			Data []struct {
				Name *string `json:"name"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &page); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("list: %d %s", resp.StatusCode, body)
		}
		for _, c := range page.Data {
			if c.Name != nil && strings.HasPrefix(*c.Name, "other-actor-") {
				actor++
			} else {
				foreign++
			}
		}
		return foreign, actor
	}
	foreign, _ := others()
	if foreign != 12 {
		t.Fatalf("%d foreign certificates, want 12", foreign)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, actor := others(); actor > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other client uploaded nothing in 5s")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestRefusedSettings(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"all interfaces", []string{"-addr", ":8080"}, nil},
		{"a public address", []string{"-addr", "0.0.0.0:8080"}, nil},
		{"a host name", []string{"-addr", "example.com:8080"}, nil},
		{"no port", []string{"-addr", "127.0.0.1"}, nil},
		{"unknown mutation", []string{"-addr", "127.0.0.1:0", "-mutations", "be-nice"}, nil},
		{"fault status not a number", []string{"-addr", "127.0.0.1:0", "-fault-statuses", "many"}, nil},
		{"fault status not a fault", []string{"-addr", "127.0.0.1:0", "-fault-statuses", "404"}, nil},
		{"unknown connection fault", []string{"-addr", "127.0.0.1:0", "-fault-connections", "hang-up"}, nil},
		{"rate out of range", []string{"-addr", "127.0.0.1:0", "-fault-rate", "2"}, nil},
		{"bad environment value", []string{"-addr", "127.0.0.1:0"}, map[string]string{"EMULATOR_FAULT_RATE": "often"}},
		{"foreign certificates filling the organization", []string{"-addr", "127.0.0.1:0", "-foreign", "60"}, nil},
		{"another client holding many certificates", []string{"-addr", "127.0.0.1:0", "-actor-rate", "1", "-actor-slots", "9"}, nil},
		{"stray argument", []string{"-addr", "127.0.0.1:0", "serve"}, nil},
		{"unknown flag", []string{"-port", "8080"}, nil},
		{"no connections", []string{"-addr", "127.0.0.1:0", "-max-connections", "0"}, nil},
		{"negative organization cap", []string{"-addr", "127.0.0.1:0", "-max-organizations", "-1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs syncBuffer
			err := run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, io.Discard, &logs, func(net.Addr) {
				t.Error("started serving")
			})
			if err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "localhost:8080", "[::1]:8080", "127.0.0.2:80"} {
		if err := requireLoopback("-addr", addr); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if _, err := parseOptions([]string{"-addr", "0.0.0.0:8080", "-allow-remote"}, func(string) string { return "" }, io.Discard); err != nil {
		t.Errorf("-allow-remote: %v", err)
	}
}
