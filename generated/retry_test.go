package generated

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type callFunc func(ctx context.Context, c *AdminClient) error

var (
	listOrg = func(ctx context.Context, c *AdminClient) error {
		_, err := c.ListOrganizationCertificates(ctx, ListOptions{})
		return err
	}
	upload = func(ctx context.Context, c *AdminClient) error {
		_, err := c.UploadCertificate(ctx, "-----BEGIN CERTIFICATE-----", "")
		return err
	}
	activateOrg = func(ctx context.Context, c *AdminClient) error {
		_, err := c.ActivateOrganizationCertificates(ctx, "cert_1")
		return err
	}
	deactivateProject = func(ctx context.Context, c *AdminClient) error {
		_, err := c.DeactivateProjectCertificates(ctx, "proj_1", "cert_1")
		return err
	}
	modify = func(ctx context.Context, c *AdminClient) error {
		_, err := c.ModifyCertificate(ctx, "cert_1", "")
		return err
	}
	deleteCert = func(ctx context.Context, c *AdminClient) error {
		_, err := c.DeleteCertificate(ctx, "cert_1")
		return err
	}
)

// okFor answers 200 with a body the operation at path decodes.
func okFor(r *http.Request) reply {
	switch {
	case r.Method == http.MethodGet:
		return reply{status: 200, body: pageBody}
	case strings.HasSuffix(r.URL.Path, "activate"):
		object := map[string]string{
			"/organization/certificates/activate":                   "organization.certificate.activation",
			"/organization/certificates/deactivate":                 "organization.certificate.deactivation",
			"/organization/projects/proj_1/certificates/activate":   "organization.project.certificate.activation",
			"/organization/projects/proj_1/certificates/deactivate": "organization.project.certificate.deactivation",
		}[r.URL.Path]
		return reply{status: 200, body: `{"object":"` + object + `","data":[]}`}
	case r.Method == http.MethodDelete:
		return reply{status: 200, body: `{"object":"certificate.deleted","id":"cert_1"}`}
	}
	return reply{status: 200, body: `{"object":"certificate","id":"cert_1","name":null,"created_at":1,"certificate_details":{}}`}
}

func fail(status int, header map[string]string) func(n int, r *http.Request) reply {
	return func(n int, _ *http.Request) reply {
		return reply{status: status, header: header, body: errorBody("x", "", fmt.Sprintf("attempt %d", n))}
	}
}

// thenOK answers with first for the first k requests, then succeeds.
func thenOK(k int, first func(n int, r *http.Request) reply) func(n int, r *http.Request) reply {
	return func(n int, r *http.Request) reply {
		if n <= k {
			return first(n, r)
		}
		return okFor(r)
	}
}

func TestRetries(t *testing.T) {
	date := func() string { return time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat) }
	tests := []struct {
		name         string
		call         callFunc
		opts         []Option
		script       func(n int, r *http.Request) reply
		wantRequests int32
		// wantWaits are the waits asked for; a backoff wait may be up to
		// slack shorter because of jitter.
		wantWaits   []time.Duration
		slack       float64
		wantStatus  int    // 0: the call succeeds
		wantMessage string // of the APIError
	}{
		{name: "429 with Retry-After seconds is waited out", call: listOrg,
			script: thenOK(1, fail(429, map[string]string{"Retry-After": "3"})), wantRequests: 2, wantWaits: []time.Duration{3 * time.Second}},
		{name: "429 with retry-after-ms", call: listOrg,
			script: thenOK(1, fail(429, map[string]string{"Retry-After-Ms": "1500", "Retry-After": "9"})), wantRequests: 2, wantWaits: []time.Duration{1500 * time.Millisecond}},
		{name: "429 with Retry-After as an HTTP date", call: listOrg,
			script: thenOK(1, func(n int, _ *http.Request) reply {
				return reply{status: 429, header: map[string]string{"Retry-After": date()}, body: "{}"}
			}),
			wantRequests: 2, wantWaits: []time.Duration{10 * time.Second}, slack: 0.15},
		{name: "503 then success", call: listOrg,
			script: thenOK(1, fail(503, map[string]string{"Retry-After": "1"})), wantRequests: 2, wantWaits: []time.Duration{time.Second}},
		{name: "endless 500 gives up after 2 retries with the last error", call: listOrg,
			script: fail(500, nil), wantRequests: 3, wantWaits: []time.Duration{500 * time.Millisecond, time.Second}, slack: 0.25,
			wantStatus: 500, wantMessage: "attempt 3"},
		{name: "configured retries and backoff, capped", call: listOrg, opts: []Option{WithMaxRetries(4), WithBackoff(time.Second, 3*time.Second)},
			script: fail(502, nil), wantRequests: 5, wantWaits: []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}, slack: 0.25,
			wantStatus: 502, wantMessage: "attempt 5"},
		{name: "retries off", call: listOrg, opts: []Option{WithMaxRetries(0)},
			script: fail(503, nil), wantRequests: 1, wantStatus: 503},
		{name: "408 is retried", call: listOrg,
			script: thenOK(1, fail(408, nil)), wantRequests: 2, wantWaits: []time.Duration{500 * time.Millisecond}, slack: 0.25},
		{name: "409 is not retried", call: listOrg,
			script: fail(409, nil), wantRequests: 1, wantStatus: 409},
		{name: "400 is not retried", call: listOrg,
			script: fail(400, nil), wantRequests: 1, wantStatus: 400},
		{name: "Retry-After beyond the cap is not waited", call: listOrg,
			script: fail(429, map[string]string{"Retry-After": "120"}), wantRequests: 1, wantStatus: 429},
		{name: "Retry-After within a raised cap is waited", call: listOrg, opts: []Option{WithMaxRetryAfter(5 * time.Minute)},
			script: thenOK(1, fail(429, map[string]string{"Retry-After": "120"})), wantRequests: 2, wantWaits: []time.Duration{2 * time.Minute}},
		{name: "upload is not retried on 500", call: upload,
			script: fail(500, nil), wantRequests: 1, wantStatus: 500},
		{name: "upload is not retried on 503", call: upload,
			script: fail(503, map[string]string{"Retry-After": "1"}), wantRequests: 1, wantStatus: 503},
		{name: "upload is retried on 429", call: upload,
			script: thenOK(1, fail(429, map[string]string{"Retry-After": "2"})), wantRequests: 2, wantWaits: []time.Duration{2 * time.Second}},
		{name: "upload is retried on 500 when the caller opts in", call: upload, opts: []Option{WithUploadRetries()},
			script: fail(500, nil), wantRequests: 3, wantWaits: []time.Duration{500 * time.Millisecond, time.Second}, slack: 0.25, wantStatus: 500},
		{name: "organization activate is retried on 500", call: activateOrg,
			script: thenOK(2, fail(500, nil)), wantRequests: 3, wantWaits: []time.Duration{500 * time.Millisecond, time.Second}, slack: 0.25},
		{name: "project deactivate is retried on 503", call: deactivateProject,
			script: thenOK(1, fail(503, map[string]string{"Retry-After": "1"})), wantRequests: 2, wantWaits: []time.Duration{time.Second}},
		{name: "rename is retried on 500", call: modify,
			script: thenOK(1, fail(500, nil)), wantRequests: 2, wantWaits: []time.Duration{500 * time.Millisecond}, slack: 0.25},
		{name: "delete is retried on 500", call: deleteCert,
			script: thenOK(1, fail(500, nil)), wantRequests: 2, wantWaits: []time.Duration{500 * time.Millisecond}, slack: 0.25},
		{name: "x-should-retry: false stops the retry of a 503", call: listOrg,
			script: fail(503, map[string]string{"X-Should-Retry": "false"}), wantRequests: 1, wantStatus: 503},
		{name: "x-should-retry: false stops the retry of a 429", call: listOrg,
			script: fail(429, map[string]string{"X-Should-Retry": "false", "Retry-After": "1"}), wantRequests: 1, wantStatus: 429},
		{name: "x-should-retry: true retries a 400", call: listOrg,
			script: thenOK(1, fail(400, map[string]string{"X-Should-Retry": "true"})), wantRequests: 2, wantWaits: []time.Duration{500 * time.Millisecond}, slack: 0.25},
		{name: "x-should-retry: true retries a 409 after its Retry-After", call: modify,
			script: thenOK(1, fail(409, map[string]string{"X-Should-Retry": "true", "Retry-After": "2"})), wantRequests: 2, wantWaits: []time.Duration{2 * time.Second}},
		{name: "x-should-retry: true retries an upload after a 500", call: upload,
			script: thenOK(1, fail(500, map[string]string{"X-Should-Retry": "true"})), wantRequests: 2, wantWaits: []time.Duration{500 * time.Millisecond}, slack: 0.25},
		{name: "x-should-retry: true still respects the retry count", call: listOrg,
			script: fail(400, map[string]string{"X-Should-Retry": "true"}), wantRequests: 3, wantWaits: []time.Duration{500 * time.Millisecond, time.Second}, slack: 0.25, wantStatus: 400},
		{name: "another x-should-retry value leaves the status to decide", call: listOrg,
			script: fail(400, map[string]string{"X-Should-Retry": "yes"}), wantRequests: 1, wantStatus: 400},
		{name: "404 with an HTML body is not retried and keeps the page's text", call: listOrg,
			script: func(int, *http.Request) reply {
				return reply{status: 404, header: map[string]string{"Content-Type": "text/html"}, body: "<html>\n  <h1>Not Found</h1>\n</html>"}
			},
			wantRequests: 1, wantStatus: 404, wantMessage: "<html> <h1>Not Found</h1> </html>"},
		{name: "502 with a text body is retried, then reported", call: listOrg,
			script: func(int, *http.Request) reply {
				return reply{status: 502, header: map[string]string{"Content-Type": "text/plain"}, body: "upstream connect error"}
			},
			wantRequests: 3, wantWaits: []time.Duration{500 * time.Millisecond, time.Second}, slack: 0.25, wantStatus: 502, wantMessage: "upstream connect error"},
		{name: "500 with a JSON content type but a broken body", call: listOrg, opts: []Option{WithMaxRetries(0)},
			script:       func(int, *http.Request) reply { return reply{status: 500, body: `{"error": {"mess`} },
			wantRequests: 1, wantStatus: 500, wantMessage: `{"error": {"mess`},
		{name: "401 with an empty body", call: listOrg,
			script:       func(int, *http.Request) reply { return reply{status: 401} },
			wantRequests: 1, wantStatus: 401, wantMessage: "empty response body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, count := scriptServer(t, tt.script)
			c, w := newTestClient(t, ts, tt.opts...)
			err := tt.call(t.Context(), c)
			if got := count.Load(); got != tt.wantRequests {
				t.Errorf("requests = %d; want %d", got, tt.wantRequests)
			}
			got := w.get()
			if len(got) != len(tt.wantWaits) {
				t.Fatalf("waits = %v; want %v", got, tt.wantWaits)
			}
			for i, want := range tt.wantWaits {
				if lo := time.Duration(float64(want) * (1 - tt.slack)); got[i] < lo || got[i] > want {
					t.Errorf("wait %d = %v; want %v (at most %v shorter)", i, got[i], want, want-lo)
				}
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("error = %v; want none", err)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v; want an *APIError", err)
			}
			if apiErr.Status != tt.wantStatus || !strings.Contains(apiErr.Message, tt.wantMessage) {
				t.Errorf("APIError = %+v; want status %d, message containing %q", apiErr, tt.wantStatus, tt.wantMessage)
			}
		})
	}
}

func TestRetriedBodyIsSentAgain(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	ts, _ := scriptServer(t, func(n int, r *http.Request) reply {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		if n < 3 {
			return fail(503, nil)(n, r)
		}
		return okFor(r)
	})
	c, _ := newTestClient(t, ts)
	if err := activateOrg(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	want := `{"certificate_ids":["cert_1"]}`
	if len(bodies) != 3 || bodies[0] != want || bodies[1] != want || bodies[2] != want {
		t.Errorf("bodies = %q; want %q three times", bodies, want)
	}
}

// A body without GetBody is gone after the first attempt; sending the
// request again would send an empty or partial body.
func TestBodyThatCannotBeReplayedIsNotRetried(t *testing.T) {
	ts, count := scriptServer(t, fail(503, nil))
	d := &retryDoer{next: http.DefaultClient, policy: defaultRetryPolicy, sleep: func(context.Context, time.Duration) error { return nil }}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, ts.URL+"/v1/x", io.NopCloser(strings.NewReader("{}")))
	if err != nil {
		t.Fatal(err)
	}
	rsp, err := d.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = rsp.Body.Close()
	if rsp.StatusCode != 503 || count.Load() != 1 {
		t.Errorf("status %d after %d requests; want 503 after 1", rsp.StatusCode, count.Load())
	}
}

// deadDoer sends the first fail attempts to a port nobody listens on, so they
// fail to connect for real, then lets requests through.
type deadDoer struct {
	dead     string
	fail     int32
	attempts atomic.Int32
}

func (d *deadDoer) Do(req *http.Request) (*http.Response, error) {
	if d.attempts.Add(1) <= d.fail {
		req = req.Clone(req.Context())
		req.URL.Host = d.dead
	}
	return http.DefaultClient.Do(req)
}

func deadAddress(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func TestConnectionErrors(t *testing.T) {
	tests := []struct {
		name         string
		call         callFunc
		refused      int32 // attempts that cannot connect
		hangUp       bool  // the server reads the request, then closes the connection
		wantAttempts int32
		wantRequests int32 // that reached the server
		wantErr      bool
	}{
		{name: "list is retried after connection refused", call: listOrg, refused: 2, wantAttempts: 3, wantRequests: 1},
		{name: "upload is retried after connection refused: it never left", call: upload, refused: 1, wantAttempts: 2, wantRequests: 1},
		{name: "connection refused every time gives up", call: listOrg, refused: 3, wantAttempts: 3, wantRequests: 0, wantErr: true},
		{name: "list is retried after the server hangs up", call: listOrg, hangUp: true, wantAttempts: 3, wantRequests: 3, wantErr: true},
		{name: "upload is not retried after the server hangs up: it may be stored", call: upload, hangUp: true, wantAttempts: 1, wantRequests: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, count := scriptServer(t, func(n int, r *http.Request) reply { return okFor(r) })
			if tt.hangUp {
				ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					count.Add(1)
					_, _ = io.ReadAll(r.Body)
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						_ = conn.Close()
					}
				})
			}
			d := &deadDoer{dead: deadAddress(t), fail: tt.refused}
			c, _ := newTestClient(t, ts, WithHTTPClient(d))
			err := tt.call(t.Context(), c)
			if (err != nil) != tt.wantErr {
				t.Errorf("error = %v; want error: %v", err, tt.wantErr)
			}
			if d.attempts.Load() != tt.wantAttempts || count.Load() != tt.wantRequests {
				t.Errorf("attempts = %d, requests = %d; want %d and %d", d.attempts.Load(), count.Load(), tt.wantAttempts, tt.wantRequests)
			}
		})
	}
}

// A certificate the client does not trust fails the same way on every
// attempt, so retrying it would only delay the error.
func TestCertificateVerificationErrorIsNotRetried(t *testing.T) {
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // keeps the refused handshakes out of the test output
	ts.StartTLS()
	t.Cleanup(ts.Close)
	d := &deadDoer{} // fail 0: passes every request on to a client that does not trust the test certificate
	c, w := newTestClient(t, ts, WithHTTPClient(d))
	err := listOrg(t.Context(), c)
	var verify *tls.CertificateVerificationError
	if !errors.As(err, &verify) {
		t.Errorf("error = %v; want a *tls.CertificateVerificationError", err)
	}
	if d.attempts.Load() != 1 || len(w.get()) != 0 {
		t.Errorf("attempts = %d, waits = %v; want 1 and none", d.attempts.Load(), w.get())
	}
}

// slowServer answers its first slow requests only after the client has gone.
func slowServer(t *testing.T, slow int) (*httptest.Server, *atomic.Int32) {
	return scriptServer(t, func(n int, r *http.Request) reply {
		if n <= slow {
			// Reading the body first lets the server notice the client
			// hanging up.
			_, _ = io.ReadAll(r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
		return okFor(r)
	})
}

func TestTimeouts(t *testing.T) {
	t.Run("a response slower than the caller's deadline ends the call without retrying", func(t *testing.T) {
		ts, count := slowServer(t, 100)
		c, _ := newTestClient(t, ts)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		err := listOrg(ctx, c)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v; want context.DeadlineExceeded", err)
		}
		if count.Load() != 1 {
			t.Errorf("requests = %d; want 1", count.Load())
		}
	})
	t.Run("an attempt past its timeout is retried", func(t *testing.T) {
		ts, count := slowServer(t, 1)
		c, _ := newTestClient(t, ts, WithAttemptTimeout(100*time.Millisecond))
		if err := listOrg(t.Context(), c); err != nil {
			t.Fatal(err)
		}
		if count.Load() != 2 {
			t.Errorf("requests = %d; want 2", count.Load())
		}
	})
	t.Run("an upload past its attempt timeout is not retried", func(t *testing.T) {
		ts, count := slowServer(t, 1)
		c, _ := newTestClient(t, ts, WithAttemptTimeout(100*time.Millisecond))
		if err := upload(t.Context(), c); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v; want context.DeadlineExceeded", err)
		}
		if count.Load() != 1 {
			t.Errorf("requests = %d; want 1", count.Load())
		}
	})
	t.Run("a wait that would outlive the caller's deadline is not started", func(t *testing.T) {
		ts, count := scriptServer(t, fail(429, map[string]string{"Retry-After": "30"}))
		c, w := newTestClient(t, ts)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		if err := listOrg(ctx, c); !IsRateLimited(err) {
			t.Errorf("error = %v; want the 429", err)
		}
		if count.Load() != 1 || len(w.get()) != 0 {
			t.Errorf("requests = %d, waits = %v; want 1 and none", count.Load(), w.get())
		}
	})
	t.Run("cancelling during the wait stops at once", func(t *testing.T) {
		ts, count := scriptServer(t, fail(503, nil))
		ctx, cancel := context.WithCancel(t.Context())
		c, _ := newTestClient(t, ts, optionFunc(func(s *settings) error {
			s.sleep = func(ctx context.Context, d time.Duration) error {
				cancel()
				return sleepContext(ctx, time.Hour)
			}
			return nil
		}))
		err := listOrg(ctx, c)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "status 503") {
			t.Errorf("error = %v; want context.Canceled mentioning the 503", err)
		}
		if count.Load() != 1 {
			t.Errorf("requests = %d; want 1", count.Load())
		}
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{name: "none", want: 0},
		{name: "seconds", header: map[string]string{"Retry-After": "2"}, want: 2 * time.Second},
		{name: "fractional seconds", header: map[string]string{"Retry-After": "0.5"}, want: 500 * time.Millisecond},
		{name: "milliseconds win over seconds", header: map[string]string{"Retry-After-Ms": "250", "Retry-After": "2"}, want: 250 * time.Millisecond},
		{name: "HTTP date", header: map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, want: 90 * time.Second},
		{name: "HTTP date in the past", header: map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, want: 0},
		{name: "zero", header: map[string]string{"Retry-After": "0"}, want: 0},
		{name: "negative", header: map[string]string{"Retry-After": "-3"}, want: 0},
		{name: "garbage", header: map[string]string{"Retry-After": "soon", "Retry-After-Ms": "later"}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := retryAfter(h, now); got != tt.want {
				t.Errorf("retryAfter = %v; want %v", got, tt.want)
			}
		})
	}
}

// A refused connection came back as a bare "dial tcp ...: connection
// refused" after 1.2 s of silent retries, without the operation or the
// attempt count.
func TestFailedCallNamesOperationAttemptsAndCause(t *testing.T) {
	c, w := newTestClientAt(t, "http://"+deadAddress(t)+"/v1")
	_, err := c.GetCertificate(t.Context(), "cert_1", true)
	var opErr *OperationError
	var netErr *net.OpError
	if !errors.As(err, &opErr) || !errors.As(err, &netErr) {
		t.Fatalf("error = %#v; want an *OperationError around the *net.OpError", err)
	}
	if opErr.Operation != "getCertificate" || opErr.Attempts != 3 || len(w.get()) != 2 {
		t.Errorf("operation %q, attempts %d, waits %v; want getCertificate, 3, two waits", opErr.Operation, opErr.Attempts, w.get())
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "certcontract: getCertificate failed after 3 attempts: ") || !strings.Contains(msg, "connection refused") {
		t.Errorf("error text %q; want the operation, the attempts and the cause", msg)
	}
}

// An answer cut short (its connection closed before the body's end) was read
// only after the retries were over, so an idempotent call failed on it
// instead of trying again. An upload still is not sent again: it was stored.
func TestRegressionTruncatedAnswerWasNotRetried(t *testing.T) {
	for _, tt := range []struct {
		name         string
		call         callFunc
		wantRequests int32
		wantErr      bool
	}{
		{"list is retried", listOrg, 2, false},
		{"rename is retried", modify, 2, false},
		{"upload is not retried: it was stored", upload, 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var count atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.ReadAll(r.Body)
				ok := okFor(r)
				w.Header().Set("Content-Type", "application/json")
				if count.Add(1) > 1 {
					w.WriteHeader(ok.status)
					_, _ = io.WriteString(w, ok.body)
					return
				}
				w.Header().Set("Content-Length", fmt.Sprint(len(ok.body)))
				w.WriteHeader(ok.status)
				_, _ = io.WriteString(w, ok.body[:len(ok.body)/2])
				_ = http.NewResponseController(w).Flush()
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					_ = conn.Close()
				}
			}))
			t.Cleanup(ts.Close)
			c, _ := newTestClient(t, ts)
			err := tt.call(t.Context(), c)
			if (err != nil) != tt.wantErr || count.Load() != tt.wantRequests {
				t.Errorf("error %v after %d requests; want error %v after %d", err, count.Load(), tt.wantErr, tt.wantRequests)
			}
			if tt.wantErr && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %v; want it to say the answer ended early", err)
			}
		})
	}
}
