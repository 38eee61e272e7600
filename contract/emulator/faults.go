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
	// Statuses are the status faults to choose from: 429, 500 and 503.
	// With Connection, the dice choose among both lists; with neither, among
	// all three statuses.
	Statuses []int
	// Connection are the connection faults to choose from (none by default).
	Connection []ConnectionFault
	// Latency is added to every request.
	Latency time.Duration
	// RetryAfter is the Retry-After of a 429 or 503, in seconds (default 1).
	RetryAfter int
	// Header honours the request header X-Emulator-Fault, which forces that
	// fault on that request whatever Rate says: 429, 500 or 503, or one of
	// the connection faults (reset, truncate, lost).
	Header bool
	// Seed seeds the choice of which requests fail; 0: a seed from the clock.
	// With the same seed and the same sequence of requests, the same requests fail.
	Seed uint64
}

// FaultHeader is the request header that forces a fault when Faults.Header is on.
const FaultHeader = "X-Emulator-Fault"

// ConnectionFault breaks the exchange itself rather than answering with an
// error status, as a network or a crashing server does. A client cannot
// tell the three apart; only the emulator's state can.
type ConnectionFault string

const (
	// FaultReset resets the connection before the request is served.
	FaultReset ConnectionFault = "reset"
	// FaultTruncate serves the request, then sends the answer's headers and
	// half its body and closes the connection.
	FaultTruncate ConnectionFault = "truncate"
	// FaultLost serves the request (an upload is stored), then resets the
	// connection before any of the answer is sent.
	FaultLost ConnectionFault = "lost"
)

var (
	faultStatuses    = []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}
	connectionFaults = []ConnectionFault{FaultReset, FaultTruncate, FaultLost}
)

// fault is what the dice or the header chose for one request: a status to
// answer with, or a connection fault to play.
type fault struct {
	answer     *apiError
	connection ConnectionFault
}

type faultInjector struct {
	Faults
	choices []fault // status faults first, then connection faults
	mu      sync.Mutex
	rnd     *rand.Rand
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
	if len(f.Statuses) == 0 && len(f.Connection) == 0 {
		f.Statuses = faultStatuses
	}
	inj := &faultInjector{Faults: f}
	for _, st := range f.Statuses {
		if !slices.Contains(faultStatuses, st) {
			return nil, fmt.Errorf("emulator: fault status %d is not one of %v", st, faultStatuses)
		}
		inj.choices = append(inj.choices, fault{answer: inj.status(st)})
	}
	for _, c := range f.Connection {
		if !slices.Contains(connectionFaults, c) {
			return nil, fmt.Errorf("emulator: connection fault %q is not one of %v", c, connectionFaults)
		}
		inj.choices = append(inj.choices, fault{connection: c})
	}
	seed := f.Seed
	if seed == 0 {
		seed = uint64(clockSeed)
	}
	inj.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return inj, nil
}

// apply waits the configured latency, then chooses the request's fault, if
// it asks for one or the dice say so. A status fault and a reset are played
// before validation and before any handler, so they change nothing.
func (f *faultInjector) apply(r *http.Request) fault {
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
			if c := ConnectionFault(v); slices.Contains(connectionFaults, c) {
				return fault{connection: c}
			}
			st, err := strconv.Atoi(v)
			if err != nil || !slices.Contains(faultStatuses, st) {
				return fault{answer: badRequest(FaultHeader, "", fmt.Sprintf("%s must be one of 429, 500, 503, reset, truncate or lost.", FaultHeader))}
			}
			return fault{answer: f.status(st)}
		}
	}
	if f.Rate == 0 {
		return fault{}
	}
	f.mu.Lock()
	hit := f.rnd.Float64() < f.Rate
	chosen := f.choices[f.rnd.IntN(len(f.choices))]
	f.mu.Unlock()
	if !hit {
		return fault{}
	}
	return chosen
}

func (f *faultInjector) status(status int) *apiError {
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
