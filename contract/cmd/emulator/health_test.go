package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestHealthAnswersWithoutAKeyOutsideTheAPI(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Restricted keys and faults on every request: neither reaches the health answer.
	base, logs, done := start(t, ctx, []string{"-keys", "sk-admin-only", "-fault-rate", "1"}, nil)
	root := strings.TrimSuffix(base, "/v1")

	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, healthPath, http.StatusOK},
		{http.MethodHead, healthPath, http.StatusOK},
		{http.MethodPost, healthPath, http.StatusMethodNotAllowed},
		// Only the exact path: the API's own space still asks for a key.
		{http.MethodGet, "/v1" + healthPath, http.StatusUnauthorized},
		{http.MethodGet, healthPath + "/", http.StatusUnauthorized},
		{http.MethodGet, "/v1/organization/certificates", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, root+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Fatalf("%s %s: %d, want %d: %s", tt.method, tt.path, resp.StatusCode, tt.want, body)
		}
		if tt.method == http.MethodGet && tt.want == http.StatusOK {
			var h health
			if err := json.Unmarshal(body, &h); err != nil || h.Status != "ok" || h.Version != buildVersion() {
				t.Fatalf("health answer %s, want status ok and version %s", body, buildVersion())
			}
		}
	}

	addr := strings.TrimPrefix(root, "http://")
	_, port, _ := net.SplitHostPort(addr)
	// As the image's HEALTHCHECK runs it: the serving address from the
	// environment, all interfaces, asked on loopback.
	for _, a := range []string{addr, ":" + port, "0.0.0.0:" + port} {
		err := run(ctx, []string{"-health-check"}, func(k string) string {
			return map[string]string{"EMULATOR_ADDR": a}[k]
		}, io.Discard, io.Discard, nil)
		if err != nil {
			t.Errorf("-health-check with EMULATOR_ADDR=%s: %v", a, err)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if strings.Contains(logs.String(), "path="+healthPath+" ") {
		t.Fatalf("health requests were logged:\n%s", logs)
	}
	if err := checkHealth(context.Background(), addr); err == nil {
		t.Fatal("a stopped emulator is healthy")
	}
}

func TestHealthCheckFailsOnAnotherServer(t *testing.T) {
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	other := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "starting", http.StatusServiceUnavailable)
	})}
	go func() { _ = other.Serve(ln) }()
	defer other.Close()
	if err := checkHealth(ctx, ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("a 503 passed the health check: %v", err)
	}
	if err := checkHealth(ctx, "127.0.0.1"); err == nil {
		t.Fatal("an address without a port passed")
	}
}

func TestVersionAndActionsStayOutOfTheEnvironment(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-version"}, func(string) string { return "" }, &out, io.Discard, nil); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "emulator "+buildVersion()+" (go") {
		t.Fatalf("-version printed %q", got)
	}

	// A CI that keeps its image tag in EMULATOR_VERSION, or anything in
	// EMULATOR_HEALTH_CHECK, still gets a serving emulator.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"EMULATOR_VERSION": "v9.9.9", "EMULATOR_HEALTH_CHECK": "yes please", "EMULATOR_QUIET": "true"}
	base, logs, done := start(t, ctx, nil, env)
	resp, err := http.Get(strings.TrimSuffix(base, "/v1") + healthPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(logs.String(), "version="+buildVersion()) {
		t.Fatalf("the first log line does not name the version:\n%s", logs)
	}
}

func TestVersionFromTheLinker(t *testing.T) {
	saved := version
	defer func() { version = saved }()
	version = "v1.2.3"
	if got := buildVersion(); got != "v1.2.3" {
		t.Fatalf("buildVersion() = %q with -X main.version=v1.2.3", got)
	}
	version = ""
	if got := buildVersion(); got == "" || got == "(devel)" {
		t.Fatalf("buildVersion() = %q without -X", got)
	}
}
