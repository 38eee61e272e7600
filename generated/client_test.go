package generated

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testKey = "sk-admin-0123456789abcdefSECRET"

// reply is one scripted answer of a test server.
type reply struct {
	status int
	header map[string]string
	body   string
}

const pageBody = `{"object":"list","data":[{"object":"organization.certificate","id":"cert_1","name":null,"active":false,"created_at":1,"certificate_details":{"valid_at":1,"expires_at":2}}],"first_id":"cert_1","last_id":"cert_1","has_more":false}`

// scriptServer answers the n-th request (from 1) with script(n, r) and counts
// requests. It serves only under /v1, as the real API does, so a client that
// drops the base path gets a 404 instead of a pass.
func scriptServer(t *testing.T, script func(n int, r *http.Request) reply) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var count atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rp := script(int(count.Add(1)), r)
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(rp.status)
		_, _ = w.Write([]byte(rp.body))
	})
	mux := http.NewServeMux()
	mux.Handle("/v1/", http.StripPrefix("/v1", h))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, &count
}

// waits records the backoff waits instead of sleeping them, so retry tests
// take milliseconds.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) option() Option {
	return optionFunc(func(s *settings) error {
		s.sleep = func(ctx context.Context, d time.Duration) error {
			w.mu.Lock()
			w.d = append(w.d, d)
			w.mu.Unlock()
			return ctx.Err()
		}
		return nil
	})
}

func (w *waits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.d)
}

func newTestClient(t *testing.T, ts *httptest.Server, opts ...Option) (*AdminClient, *waits) {
	t.Helper()
	return newTestClientAt(t, ts.URL+"/v1", opts...)
}

func newTestClientAt(t *testing.T, baseURL string, opts ...Option) (*AdminClient, *waits) {
	t.Helper()
	w := &waits{}
	c, err := New(append([]Option{WithBaseURL(baseURL), WithAdminKey(testKey), w.option()}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, w
}

func errorBody(code, param, message string) string {
	return fmt.Sprintf(`{"error":{"message":%q,"type":"invalid_request_error","param":%q,"code":%q}}`, message, param, code)
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		opts    []Option
		wantErr string // substring; empty means New succeeds
	}{
		{name: "key and base URL from options", opts: []Option{WithAdminKey(testKey), WithBaseURL("https://example.test/v1")}},
		{name: "key from OPENAI_ADMIN_KEY", env: map[string]string{"OPENAI_ADMIN_KEY": testKey}},
		{name: "no key anywhere", wantErr: "pass WithAdminKey or set OPENAI_ADMIN_KEY"},
		{name: "key with a line break", opts: []Option{WithAdminKey("sk-admin-a\r\nX: y")}, wantErr: "whitespace or control characters"},
		{name: "base URL from OPENAI_BASE_URL refused when plain http to a remote host", env: map[string]string{"OPENAI_ADMIN_KEY": testKey, "OPENAI_BASE_URL": "http://api.example.test/v1"}, wantErr: "refusing plain http"},
		{name: "plain http to a remote host allowed explicitly", opts: []Option{WithAdminKey(testKey), WithBaseURL("http://api.example.test/v1"), WithInsecurePlainHTTP()}},
		{name: "plain http to 127.0.0.1", opts: []Option{WithAdminKey(testKey), WithBaseURL("http://127.0.0.1:8080/v1")}},
		{name: "plain http to [::1]", opts: []Option{WithAdminKey(testKey), WithBaseURL("http://[::1]:8080/v1")}},
		{name: "plain http to localhost", opts: []Option{WithAdminKey(testKey), WithBaseURL("http://localhost:8080/v1")}},
		{name: "user information in the base URL", opts: []Option{WithAdminKey(testKey), WithBaseURL("https://u:p@example.test/v1")}, wantErr: "user information"},
		{name: "scheme other than http(s)", opts: []Option{WithAdminKey(testKey), WithBaseURL("ftp://example.test/v1")}, wantErr: "scheme must be"},
		{name: "no /v1", opts: []Option{WithAdminKey(testKey), WithBaseURL("http://127.0.0.1:8080")}, wantErr: `has no path: the API's routes are under /v1, as in https://api.openai.com/v1 (use http://127.0.0.1:8080/v1)`},
		{name: "no /v1 from OPENAI_BASE_URL", env: map[string]string{"OPENAI_ADMIN_KEY": testKey, "OPENAI_BASE_URL": "http://localhost:8080/"}, wantErr: "use http://localhost:8080/v1"},
		{name: "no host", opts: []Option{WithAdminKey(testKey), WithBaseURL("https:///v1")}, wantErr: "no host"},
		{name: "negative retries", opts: []Option{WithAdminKey(testKey), WithMaxRetries(-1)}, wantErr: "negative count"},
		{name: "backoff max below initial", opts: []Option{WithAdminKey(testKey), WithBackoff(time.Second, time.Millisecond)}, wantErr: "initial <= max"},
		{name: "nil *http.Client", opts: []Option{WithAdminKey(testKey), WithHTTPClient((*http.Client)(nil))}, wantErr: "nil *http.Client"},
		{name: "nil option", opts: []Option{WithAdminKey(testKey), nil}, wantErr: "nil option"},
		{name: "generated option failing", opts: []Option{WithAdminKey(testKey), WithBaseURL("https://example.test/%zz")}, wantErr: "invalid URL escape"},
		{name: "zero response limit", opts: []Option{WithAdminKey(testKey), WithMaxResponseBytes(0)}, wantErr: "positive size"},
		{name: "product with a line break", opts: []Option{WithAdminKey(testKey), WithUserAgent("app/1\r\nX-Injected: y")}, wantErr: "line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OPENAI_ADMIN_KEY", "")
			t.Setenv("OPENAI_BASE_URL", "")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := New(tt.opts...)
			if tt.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New() = %v, %v; want a client", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New() error = %v; want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "sk-admin") {
				t.Errorf("New() error %q quotes the key", err)
			}
		})
	}
}

func TestDefaultBaseURL(t *testing.T) {
	t.Setenv("OPENAI_BASE_URL", "")
	c, err := New(WithAdminKey(testKey))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.api.ClientInterface.(*Client).Server; got != DefaultBaseURL+"/" {
		t.Errorf("server = %q; want %q", got, DefaultBaseURL+"/")
	}
}

func TestRequestHeaders(t *testing.T) {
	var auth, ua string
	ts, count := scriptServer(t, func(_ int, r *http.Request) reply {
		auth, ua = r.Header.Get("Authorization"), r.Header.Get("User-Agent")
		return reply{status: 200, body: pageBody}
	})
	c, _ := newTestClient(t, ts, WithUserAgent("billing-sync/1.4"))
	if _, err := c.ListOrganizationCertificates(t.Context(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if count.Load() != 1 {
		t.Errorf("requests = %d; want 1", count.Load())
	}
	if want := "Bearer " + testKey; auth != want {
		t.Errorf("Authorization = %q; want %q", auth, want)
	}
	if !strings.HasPrefix(ua, "billing-sync/1.4 certcontract/") {
		t.Errorf("User-Agent = %q; want billing-sync/1.4 certcontract/<version>", ua)
	}
}

// failingDoer stands for a caller's doer whose errors quote the request,
// headers included.
type failingDoer struct{}

func (failingDoer) Do(req *http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("proxy said no to %v", req.Header)
}

// The key echoed back in an error's param, code, type or X-Request-Id
// showed verbatim in err.Error(): only message was redacted.
func TestAdminKeyNeverShown(t *testing.T) {
	// The server echoes the key back, as a careless proxy or API might, in
	// every field and header that reaches an error.
	ts, _ := scriptServer(t, func(n int, r *http.Request) reply {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch r.URL.Path {
		case "/organization/certificates/cert_message":
			return reply{status: 401, body: errorBody("invalid_api_key", "", "Incorrect API key provided: "+r.Header.Get("Authorization"))}
		case "/organization/certificates/cert_fields":
			return reply{status: 400, header: map[string]string{"X-Request-Id": "req_" + key},
				body: fmt.Sprintf(`{"error":{"message":"no","type":%q,"param":%q,"code":%q}}`, key, key, key)}
		case "/organization/certificates/cert_text":
			return reply{status: 403, header: map[string]string{"Content-Type": "text/plain"}, body: "forbidden for " + r.Header.Get("Authorization")}
		case "/organization/certificates/cert_redirect":
			return reply{status: 302, header: map[string]string{"Location": "https://elsewhere.test/?k=" + key}}
		case "/organization/certificates/cert_object":
			return reply{status: 200, body: fmt.Sprintf(`{"object":%q,"id":"cert_object","name":null,"created_at":1,"certificate_details":{}}`, key)}
		case "/organization/certificates":
			return reply{status: 200, body: fmt.Sprintf(`{"object":"list","data":[],"has_more":true,"first_id":null,"last_id":%q}`, key)}
		}
		return reply{status: 500, body: errorBody("server_error", "", "key "+r.Header.Get("Authorization"))}
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, ts, WithLogger(logger))
	viaDoer, _ := newTestClient(t, ts, WithHTTPClient(failingDoer{}), WithLogger(logger))

	get := func(id string) error { _, err := c.GetCertificate(t.Context(), id, false); return err }
	var shown []string
	for _, err := range []error{
		get("cert_message"), get("cert_fields"), get("cert_text"), get("cert_redirect"), get("cert_object"),
		func() error { _, err := c.DeleteCertificate(t.Context(), "cert_500"); return err }(),
		func() error { _, err := viaDoer.DeleteCertificate(t.Context(), "cert_x"); return err }(),
		func() error {
			_, err := ids(c.AllOrganizationCertificates(t.Context(), ListOptions{}), func(c OrganizationCertificate) string { return c.Id })
			return err
		}(),
	} {
		if err == nil {
			t.Fatal("call succeeded; want an error")
		}
		shown = append(shown, err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err))
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			shown = append(shown, fmt.Sprintf("%v %+v %#v", apiErr, *apiErr, apiErr))
		}
	}
	logger.Info("client", "client", c)
	shown = append(shown, logs.String(), fmt.Sprintf("%v %+v %#v", c, c, c), fmt.Sprintf("%+v", *c))
	if n := strings.Count(logs.String(), "certcontract: retrying"); n != 4 {
		t.Errorf("%d retries logged; want 4 (2 after a 500, 2 after a doer error): %s", n, logs.String())
	}
	for _, s := range shown {
		if strings.Contains(s, "SECRET") {
			t.Errorf("admin key shown in %q", s)
		}
	}
}

// The generated client's options configure New as they configure
// NewClientWithResponses, so the obvious name works with either.
func TestGeneratedOptionsConfigureNew(t *testing.T) {
	var seenHeader string
	ts, _ := scriptServer(t, func(_ int, r *http.Request) reply {
		seenHeader = r.Header.Get("X-Team")
		return reply{status: 200, body: pageBody}
	})
	var sent atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c, err := New(WithAdminKey(testKey), WithBaseURL(ts.URL+"/v1"), WithHTTPClient(hc),
		WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("X-Team", "pki")
			r.Header.Set("Authorization", "Bearer not-the-key") // the client's own key wins
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListOrganizationCertificates(t.Context(), ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if sent.Load() != 1 || seenHeader != "pki" {
		t.Errorf("requests through the given client = %d, X-Team = %q; want 1 and pki", sent.Load(), seenHeader)
	}
	if hc.CheckRedirect != nil {
		t.Error("New changed the caller's *http.Client")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// followingDoer follows redirects itself, as a caller's own doer may.
type followingDoer struct{}

func (followingDoer) Do(req *http.Request) (*http.Response, error) { return http.DefaultClient.Do(req) }

// A server answering 302 to another origin (same host, another port) once
// received the admin key: net/http forwards Authorization to the same host
// whatever the port.
func TestRedirectToAnotherOriginNeverCarriesTheKey(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), testKey) {
			leaked.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, pageBody)
	}))
	t.Cleanup(other.Close)
	ts, count := scriptServer(t, func(_ int, r *http.Request) reply {
		return reply{status: http.StatusFound, header: map[string]string{"Location": other.URL + "/v1" + r.URL.Path}}
	})
	tests := []struct {
		name       string
		opts       []Option
		wantStatus int  // the 3xx comes back as an *APIError; 0: another error
		wantLeak   bool // a doer of the caller's own that follows redirects
	}{
		{name: "default client", wantStatus: http.StatusFound},
		{name: "caller's *http.Client", opts: []Option{WithHTTPClient(&http.Client{})}, wantStatus: http.StatusFound},
		{name: "caller's *http.Client with its own CheckRedirect", opts: []Option{WithHTTPClient(&http.Client{
			CheckRedirect: func(*http.Request, []*http.Request) error { return nil }})}, wantStatus: http.StatusFound},
		{name: "caller's doer that follows redirects: the answer is not used", opts: []Option{WithHTTPClient(followingDoer{})}, wantLeak: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaked.Store(0)
			count.Store(0)
			c, w := newTestClient(t, ts, tt.opts...)
			page, err := c.ListOrganizationCertificates(t.Context(), ListOptions{})
			if page != nil || err == nil {
				t.Fatalf("got %v, %v; want an error", page, err)
			}
			if got := leaked.Load() > 0; got != tt.wantLeak {
				t.Errorf("key reached the other origin: %v; want %v", got, tt.wantLeak)
			}
			var apiErr *APIError
			if tt.wantStatus != 0 {
				if !errors.As(err, &apiErr) || apiErr.Status != tt.wantStatus || !strings.Contains(apiErr.Message, "not followed") {
					t.Errorf("error = %v; want a %d *APIError saying the redirect was not followed", err, tt.wantStatus)
				}
			} else if !errors.Is(err, errForeignOrigin) {
				t.Errorf("error = %v; want errForeignOrigin", err)
			}
			if count.Load() != 1 || len(w.get()) != 0 {
				t.Errorf("requests = %d, waits = %v; want 1 and none", count.Load(), w.get())
			}
		})
	}
}
