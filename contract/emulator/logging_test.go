package emulator_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// syncBuffer is a log sink the server's goroutines may share.
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

// newLoggedEmulator serves an emulator that logs JSON lines into the
// returned buffer.
func newLoggedEmulator(t *testing.T) (*httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	emu, err := emulator.New(emulator.Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return ts, logs
}

func TestOneLogLinePerRequestWithoutTheKey(t *testing.T) {
	ts, logs := newLoggedEmulator(t)
	c := &apiClient{base: ts.URL + emulator.BasePath, key: "sk-admin-secret-value", http: ts.Client()}

	c.do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, nil)
	c.do(t, http.MethodGet, "/organization/certificates?limit=0", nil).wantError(t, apiErr{status: 400, param: "limit"})
	c.as("sk-admin-other-secret").do(t, http.MethodGet, "/organization/certificates/cert_x", nil).wantError(t, apiErr{status: 404, param: "certificate_id", code: generated.ErrorCodeNotFound})
	c.as("").do(t, http.MethodDelete, "/organization/certificates/cert_x", nil).wantError(t, apiErr{status: 401, code: generated.ErrorCodeInvalidAPIKey})

	out := logs.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d log lines for 4 requests:\n%s", len(lines), out)
	}
	for _, secret := range []string{"secret", "sk-admin"} {
		if strings.Contains(out, secret) {
			t.Fatalf("the log shows %q:\n%s", secret, out)
		}
	}
	for i, want := range []string{`"status":200`, `"status":400`, `"status":404`, `"status":401`} {
		if !strings.Contains(lines[i], want) || !strings.Contains(lines[i], `"path":"/v1/organization/certificates`) {
			t.Errorf("line %d lacks %s or the path: %s", i, want, lines[i])
		}
	}
	org := func(line string) string {
		_, after, _ := strings.Cut(line, `"org":"`)
		v, _, _ := strings.Cut(after, `"`)
		return v
	}
	if org(lines[0]) == "" || org(lines[0]) != org(lines[1]) || org(lines[0]) == org(lines[2]) || org(lines[3]) != "-" {
		t.Errorf("org hashes do not tell organizations apart: %q %q %q %q", org(lines[0]), org(lines[1]), org(lines[2]), org(lines[3]))
	}
}

// A client's error report carries x-request-id (the generated client's
// APIError.RequestID); the emulator must send one on every answer, errors
// included, and log it, so the two can be matched.
func TestEveryAnswerCarriesARequestID(t *testing.T) {
	ts, logs := newLoggedEmulator(t)

	tests := []struct {
		name string
		key  string
		path string
		want int
	}{
		{name: "success", key: testKey, path: "/organization/certificates", want: http.StatusOK},
		{name: "refused key", key: "", path: "/organization/certificates", want: http.StatusUnauthorized},
		{name: "unknown id", key: testKey, path: "/organization/certificates/cert_none", want: http.StatusNotFound},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+emulator.BasePath+tt.path, nil)
			if tt.key != "" {
				req.Header.Set("Authorization", "Bearer "+tt.key)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			id := resp.Header.Get("X-Request-Id")
			if !strings.HasPrefix(id, "req_") || seen[id] {
				t.Fatalf("X-Request-Id %q: want a fresh req_ id", id)
			}
			seen[id] = true
			if !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
				t.Errorf("no log line names %s:\n%s", id, logs.String())
			}
		})
	}
}

// A logger set above Info gets no request lines, and the answers are the
// same: the request path then skips the line's work altogether.
func TestALoggerAboveInfoGetsNoRequestLines(t *testing.T) {
	logs := &syncBuffer{}
	emu, err := emulator.New(emulator.Config{Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	c := &apiClient{base: ts.URL + emulator.BasePath, key: testKey, http: ts.Client()}
	c.do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, nil)
	c.as("").do(t, http.MethodGet, "/organization/certificates", nil).wantError(t, apiErr{status: 401, code: generated.ErrorCodeInvalidAPIKey})
	if out := logs.String(); out != "" {
		t.Errorf("a Warn logger got request lines:\n%s", out)
	}
}

// Request ids once had as many hex digits as a random number happened to
// need, so they varied in length; the live API's are req_ and 32 hex digits.
// One id in sixteen had a shorter number, so a few hundred answers show it.
func TestRequestIDsHaveAFixedLength(t *testing.T) {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		t.Fatal(err)
	}
	shape := regexp.MustCompile(`^req_[0-9a-f]{32}$`)
	for range 500 {
		w := httptest.NewRecorder()
		emu.ServeHTTP(w, httptest.NewRequest(http.MethodGet, emulator.BasePath+"/organization/certificates", nil))
		if id := w.Header().Get("X-Request-Id"); !shape.MatchString(id) {
			t.Fatalf("X-Request-Id %q, want req_ and 32 hex digits", id)
		}
	}
}
