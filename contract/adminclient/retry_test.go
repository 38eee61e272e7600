package adminclient_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/certcontract/certcontract/generated"
)

// waits records the waits the client logs before each retry.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) Enabled(context.Context, slog.Level) bool { return true }
func (w *waits) WithAttrs([]slog.Attr) slog.Handler       { return w }
func (w *waits) WithGroup(string) slog.Handler            { return w }
func (w *waits) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "wait" {
			w.mu.Lock()
			w.d = append(w.d, a.Value.Duration())
			w.mu.Unlock()
		}
		return true
	})
	return nil
}

// count is how many certificates the organization holds.
func count(t *testing.T, c *generated.AdminClient) int {
	t.Helper()
	n := 0
	for _, err := range c.AllOrganizationCertificates(t.Context(), generated.ListOptions{Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// The emulator's 429 and 503 carry Retry-After: 1; the client waits that
// long, really, and the second attempt succeeds.
func TestRetryAfterIsWaitedOut(t *testing.T) {
	for _, fault := range []string{"429", "503"} {
		t.Run(fault, func(t *testing.T) {
			t.Parallel()
			w := &wire{fault: func(n int32) string {
				if n == 1 {
					return fault
				}
				return ""
			}}
			logged := &waits{}
			c, _ := newClient(t, w, generated.WithLogger(slog.New(logged)))
			if _, err := c.ListProjectCertificates(t.Context(), "proj_default", generated.ListOptions{}); err != nil {
				t.Fatal(err)
			}
			if w.requests.Load() != 2 || len(logged.d) != 1 || logged.d[0] != time.Second {
				t.Errorf("%d requests, waits %v; want 2 requests after one wait of 1s", w.requests.Load(), logged.d)
			}
		})
	}
	t.Run("429 on an upload, which was refused before any work", func(t *testing.T) {
		t.Parallel()
		w := &wire{fault: func(n int32) string {
			if n == 1 {
				return "429"
			}
			return ""
		}}
		c, _ := newClient(t, w)
		if _, err := c.UploadCertificate(t.Context(), newPEM(t), "after-429"); err != nil {
			t.Fatal(err)
		}
		if got := count(t, c); w.requests.Load() < 2 || got != 1 {
			t.Errorf("%d certificates stored; want exactly 1", got)
		}
	})
}

// An upload that may have reached the emulator is never sent again, so a
// certificate is never stored twice; every idempotent call recovers from the
// same failures.
func TestUploadIsNeverDuplicated(t *testing.T) {
	first := func(n int32) bool { return n == 1 }
	tests := []struct {
		name       string
		wire       *wire
		wantStored int
		wantCause  error // nil: an *APIError
	}{
		{name: "500", wire: &wire{fault: func(n int32) string { return map[bool]string{true: "500"}[n == 1] }}},
		{name: "503 with Retry-After", wire: &wire{fault: func(n int32) string { return map[bool]string{true: "503"}[n == 1] }}},
		{name: "stored, then the answer lost", wire: &wire{loseAnswer: first}, wantStored: 1, wantCause: errAnswerLost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newClient(t, tt.wire)
			_, err := c.UploadCertificate(t.Context(), newPEM(t), "once")
			var opErr *generated.OperationError
			if !errors.As(err, &opErr) || opErr.Attempts != 1 {
				t.Fatalf("error %v; want the upload's failure after 1 attempt", err)
			}
			var apiErr *generated.APIError
			if tt.wantCause != nil && !errors.Is(err, tt.wantCause) || tt.wantCause == nil && !errors.As(err, &apiErr) {
				t.Errorf("cause %v; want %v", err, tt.wantCause)
			}
			if got := count(t, c); got != tt.wantStored {
				t.Errorf("%d certificates stored; want %d", got, tt.wantStored)
			}
		})
	}

	t.Run("idempotent calls recover from a lost answer", func(t *testing.T) {
		w := &wire{}
		c, _ := newClient(t, w, generated.WithBackoff(10*time.Millisecond, 20*time.Millisecond))
		id := upload(t, c, 1, "recover")[0]
		for name, call := range map[string]func() error{
			"activate": func() error { _, err := c.ActivateOrganizationCertificates(t.Context(), id); return err },
			"rename":   func() error { _, err := c.ModifyCertificate(t.Context(), id, "renamed"); return err },
			"list": func() error {
				_, err := c.ListOrganizationCertificates(t.Context(), generated.ListOptions{})
				return err
			},
		} {
			lostAt := w.requests.Load() + 1
			w.loseAnswer = func(n int32) bool { return n == lostAt }
			if err := call(); err != nil {
				t.Errorf("%s after a lost answer: %v", name, err)
			}
			if sent := w.requests.Load() - lostAt + 1; sent != 2 {
				t.Errorf("%s: %d attempts; want 2", name, sent)
			}
		}
	})
}
