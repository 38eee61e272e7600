package suite

import (
	"net/http"
	"strconv"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
)

// Retry rides out a real API's rate limiting: a 429 or 503 is retried after
// its Retry-After, a few times, so a busy live organization does not fail
// specs that have nothing to do with rate limits. It sits below the
// validator, which therefore sees only the final answer, and leaves alone the
// faults a spec forces on purpose.
type Retry struct {
	Next     http.RoundTripper
	Attempts int           // in all, the first one included
	MaxWait  time.Duration // caps a Retry-After
}

func (t Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := t.Next.RoundTrip(req)
		if err != nil || attempt >= t.Attempts || req.Header.Get(emulator.FaultHeader) != "" ||
			(resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
			return resp, err
		}
		wait := time.Second
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		if req.GetBody == nil && req.Body != nil && req.Body != http.NoBody {
			return resp, nil // the body is spent; let the spec see the answer
		}
		_ = resp.Body.Close()
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(min(wait, t.MaxWait)):
		}
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
}
