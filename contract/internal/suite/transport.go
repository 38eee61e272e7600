package suite

import (
	"context"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/validator"
)

// Layer wraps the part of the transport chain below it.
type Layer func(next http.RoundTripper) http.RoundTripper

// Transport builds the one chain every request of the suite goes through,
// for the target at baseURL. From the spec down to the wire:
//
//   - the validator checks both directions of each exchange against the
//     fragment, redacts the admin key from its findings and hands each valid
//     (operation, status) to observe;
//   - layers, the first given outermost: each sees every exchange once, with
//     the answer the validator gets (after any retry), including the
//     exchanges the validator then refuses; this is where something that
//     records exchanges belongs;
//   - against a remote target, Retry rides out rate limits;
//   - a connection pool, sized for a parallel process's specs.
func Transport(cfg Config, baseURL string, observe func(context.Context, validator.Observation), layers ...Layer) (http.RoundTripper, error) {
	pool := http.DefaultTransport.(*http.Transport).Clone()
	pool.MaxIdleConnsPerHost = 16
	var next http.RoundTripper = pool
	if cfg.Remote() {
		next = RemoteRetry(next)
	}
	for i := len(layers) - 1; i >= 0; i-- {
		next = layers[i](next)
	}
	return validator.New(baseURL,
		validator.WithNext(next),
		validator.WithObserver(observe),
		validator.WithSecrets(cfg.AdminKey),
	)
}

// RemoteRetry is the retry every request to a remote target goes through:
// four attempts, waiting at most 10 s for each.
func RemoteRetry(next http.RoundTripper) Retry {
	return Retry{Next: next, Attempts: 4, MaxWait: 10 * time.Second}
}

// InProcessOrganizations is how many organizations the in-process emulator
// keeps: the specs' own, and the stateful phase's thousands while it
// shrinks a failure. Most hold a few certificates, so even all of them are
// a few hundred megabytes at most.
const InProcessOrganizations = 50_000

// StartEmulator serves an in-process emulator for cfg on 127.0.0.1 at a free
// port. It always honours the fault header, so every documented fault
// status can be provoked.
func StartEmulator(cfg Config) (baseURL string, stop func(), err error) {
	emu, err := emulator.New(emulator.Config{
		Faults:    emulator.Faults{Header: true},
		Mutations: cfg.Mutations,
		// Every sequence of the stateful phase, and every attempt rapid
		// makes at a shorter one, is an organization of its own.
		MaxOrganizations: InProcessOrganizations,
	})
	if err != nil {
		return "", nil, err
	}
	srv := httptest.NewServer(emu)
	return srv.URL + emulator.BasePath, srv.Close, nil
}
