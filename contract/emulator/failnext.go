package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
)

// Failure is how FailNext fails a call: with Connection when it is set,
// else with Status, 429 or one from 500 to 599 (429 and 503 carry
// Retry-After, as Faults' do).
type Failure struct {
	Status     int
	Connection ConnectionFault
}

// script holds an organization's failures to come, by operation.
type script struct {
	mu     sync.Mutex
	queued map[string][]fault
}

// take returns the failure the next call of operation gets, if any.
func (sc *script) take(operation string) (fault, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	q := sc.queued[operation]
	if len(q) == 0 {
		return fault{}, false
	}
	sc.queued[operation] = q[1:]
	return q[0], true
}

// FailNext answers the next n calls of operation (an operationId such as
// "uploadCertificate") in key's organization with f instead of serving
// them, whatever Faults says; a connection fault other than reset serves
// the call before breaking it, as Faults' do. Calls queue: a second
// FailNext for the same operation applies after the first's n.
func (s *Server) FailNext(key, operation string, n int, f Failure) error {
	if !slices.Contains(operationIDs(), operation) {
		return fmt.Errorf("emulator: FailNext: unknown operation %q (known: %v)", operation, operationIDs())
	}
	if n < 1 {
		return fmt.Errorf("emulator: FailNext: %d calls; want at least 1", n)
	}
	var chosen fault
	switch {
	case f.Connection != "":
		if !slices.Contains(connectionFaults, f.Connection) {
			return fmt.Errorf("emulator: FailNext: connection fault %q is not one of %v", f.Connection, connectionFaults)
		}
		chosen.connection = f.Connection
	case f.Status == http.StatusTooManyRequests || f.Status >= 500 && f.Status <= 599:
		chosen.answer = s.faults.status(f.Status)
	default:
		return fmt.Errorf("emulator: FailNext: status %d; want 429 or 500 to 599", f.Status)
	}
	t, apiErr := (&orgKey{s: s, key: key}).keep()
	if apiErr != nil {
		return fmt.Errorf("emulator: FailNext: %s", apiErr.message)
	}
	t.script.mu.Lock()
	defer t.script.mu.Unlock()
	if t.script.queued == nil {
		t.script.queued = make(map[string][]fault)
	}
	for range n {
		t.script.queued[operation] = append(t.script.queued[operation], chosen)
	}
	return nil
}

// operationIDs are the fragment's operations, in the fragment's order.
func operationIDs() []string {
	v, err := sharedRequestValidator()
	if err != nil {
		return nil
	}
	return v.operations
}
