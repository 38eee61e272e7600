package emulator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/certcontract/certcontract/generated"
)

// Faults make the emulator misbehave the way a loaded API does, for testing a
// client's retries. The zero value injects nothing.
type Faults struct {
	// Rate is the share of requests (0..1) answered with a fault.
	Rate float64
	// Statuses are the faults to choose from: 429, 500 and 503 (default all three).
	Statuses []int
	// Latency is added to every request.
	Latency time.Duration
	// RetryAfter is the Retry-After of a 429 or 503, in seconds (default 1).
	RetryAfter int
	// Header honours the request header X-Emulator-Fault: 429|500|503, which
	// forces that fault on that request whatever Rate says.
	Header bool
	// Seed seeds the choice of which requests fail; 0: a seed from the clock.
	// With the same seed and the same sequence of requests, the same requests fail.
	Seed uint64
}

// FaultHeader is the request header that forces a fault when Faults.Header is on.
const FaultHeader = "X-Emulator-Fault"

var faultStatuses = []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}

type faultInjector struct {
	Faults
	mu  sync.Mutex
	rnd *rand.Rand
}

func newFaultInjector(f Faults, clockSeed int64) (*faultInjector, error) {
	if f.Rate < 0 || f.Rate > 1 || math.IsNaN(f.Rate) {
		return nil, fmt.Errorf("emulator: fault rate %v is outside 0..1", f.Rate)
	}
	if f.Latency < 0 {
		return nil, fmt.Errorf("emulator: negative fault latency %v", f.Latency)
	}
	if f.RetryAfter < 0 {
		return nil, fmt.Errorf("emulator: negative Retry-After %d", f.RetryAfter)
	}
	if f.RetryAfter == 0 {
		f.RetryAfter = 1
	}
	if len(f.Statuses) == 0 {
		f.Statuses = faultStatuses
	}
	for _, st := range f.Statuses {
		if !slices.Contains(faultStatuses, st) {
			return nil, fmt.Errorf("emulator: fault status %d is not one of %v", st, faultStatuses)
		}
	}
	seed := f.Seed
	if seed == 0 {
		seed = uint64(clockSeed)
	}
	return &faultInjector{Faults: f, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}, nil
}

// apply waits the configured latency, then answers with a fault if the request
// asks for one or the dice say so. A fault is answered before validation and
// before any handler, so it changes nothing.
func (f *faultInjector) apply(r *http.Request) *apiError {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if f.Header {
		if v := r.Header.Get(FaultHeader); v != "" {
			st, err := strconv.Atoi(v)
			if err != nil || !slices.Contains(faultStatuses, st) {
				return badRequest(FaultHeader, "", fmt.Sprintf("%s must be one of 429, 500 or 503.", FaultHeader))
			}
			return f.fault(st)
		}
	}
	if f.Rate == 0 {
		return nil
	}
	f.mu.Lock()
	hit := f.rnd.Float64() < f.Rate
	st := f.Statuses[f.rnd.IntN(len(f.Statuses))]
	f.mu.Unlock()
	if !hit {
		return nil
	}
	return f.fault(st)
}

func (f *faultInjector) fault(status int) *apiError {
	switch status {
	case http.StatusTooManyRequests:
		return &apiError{status: status, typ: typeRateLimit, code: generated.ErrorCodeRateLimitExceeded, retryAfter: f.RetryAfter,
			message: "Rate limit reached for requests (injected by the emulator). Please try again later."}
	case http.StatusServiceUnavailable:
		return &apiError{status: status, typ: typeServer, retryAfter: f.RetryAfter,
			message: "The server is overloaded or not ready yet (injected by the emulator)."}
	default:
		return &apiError{status: status, typ: typeServer,
			message: "The server had an error while processing your request (injected by the emulator)."}
	}
}
