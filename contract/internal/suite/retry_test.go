package suite

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
)

// serve answers with statuses in turn, then keeps repeating the last one.
// A retry that lost the body shows up as a 400 nobody asked for.
func serve(t *testing.T, statuses ...int) (url string, hits *atomic.Int32) {
	t.Helper()
	hits = &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(hits.Add(1))
		if body, _ := io.ReadAll(r.Body); string(body) != `{"x":1}` {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(statuses[min(n, len(statuses))-1])
	}))
	t.Cleanup(srv.Close)
	return srv.URL, hits
}

func TestRetryRetries429And503OnlyWhileItMay(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		forced   bool
		want     int
		wantHits int32
	}{
		{"a 429 then success", []int{429, 200}, false, 200, 2},
		{"a 503 then success", []int{503, 200}, false, 200, 2},
		{"a 500 is final", []int{500, 200}, false, 500, 1},
		{"429 until attempts run out", []int{429}, false, 429, 3},
		{"a fault forced on purpose", []int{429, 200}, true, 429, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, hits := serve(t, tc.statuses...)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(`{"x":1}`))
			if err != nil {
				t.Fatal(err)
			}
			if tc.forced {
				req.Header.Set(emulator.FaultHeader, "429")
			}
			resp, err := Retry{Next: http.DefaultTransport, Attempts: 3, MaxWait: time.Millisecond}.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != tc.want || hits.Load() != tc.wantHits {
				t.Fatalf("status %d after %d requests, want %d after %d", resp.StatusCode, hits.Load(), tc.want, tc.wantHits)
			}
		})
	}
}

// A body that cannot be read again is not resent: the caller gets the 429.
func TestRetryKeepsAnAnswerItCannotResend(t *testing.T) {
	url, hits := serve(t, 429, 200)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, io.NopCloser(strings.NewReader(`{"x":1}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := Retry{Next: http.DefaultTransport, Attempts: 3, MaxWait: time.Millisecond}.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 429 || hits.Load() != 1 {
		t.Fatalf("status %d after %d requests, want 429 after 1", resp.StatusCode, hits.Load())
	}
}

// An interrupted run stops waiting at once instead of sitting out a Retry-After.
func TestRetryStopsWaitingWhenTheContextEnds(t *testing.T) {
	url, _ := serve(t, 429)
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"x":1}`))
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(10*time.Millisecond, cancel)
	_, err = Retry{Next: http.DefaultTransport, Attempts: 3, MaxWait: time.Hour}.RoundTrip(req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RoundTrip() error = %v, want context.Canceled", err)
	}
}

// A refused connection is answered at once: the retry is for rate limits,
// and waiting on an address nothing listens on only delays the one line
// the preflight prints.
func TestRetryGivesUpOnAConnectionError(t *testing.T) {
	var calls int
	refused := roundTripFunc(func(*http.Request) (*http.Response, error) {
		calls++
		return nil, errors.New("connect: connection refused")
	})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://127.0.0.1:1/v1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (Retry{Next: refused, Attempts: 4, MaxWait: time.Hour}).RoundTrip(req); err == nil || calls != 1 {
		t.Fatalf("RoundTrip() error = %v after %d attempts, want the error after 1", err, calls)
	}
}
