// Package adminclient_test proves generated.AdminClient against the
// emulator, which enforces the API's rules, rather than against scripted
// servers; each test starts its emulator with package emulatortest, as a
// service testing its own code would. It lives outside package generated so that the emulator's
// dependencies (kin-openapi) never reach the go.sum of a module that
// requires the client.
package adminclient_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/emulator/emulatortest"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// wire sits between the client and the emulator: it counts what was sent,
// can force a fault on chosen attempts, and can lose an answer.
type wire struct {
	next     http.RoundTripper
	requests atomic.Int32
	// fault, when set, names the fault (429, 500, 503) the n-th request
	// (from 1) is answered with; "" lets it through.
	fault func(n int32) string
	// loseAnswer drops the answer to the n-th request after the emulator
	// has handled it, as a connection that breaks on the way back would.
	loseAnswer func(n int32) bool
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	n := w.requests.Add(1)
	if w.fault != nil {
		if f := w.fault(n); f != "" {
			r = r.Clone(r.Context())
			r.Header.Set(emulator.FaultHeader, f)
		}
	}
	rsp, err := w.next.RoundTrip(r)
	if err == nil && w.loseAnswer != nil && w.loseAnswer(n) {
		_ = rsp.Body.Close()
		return nil, errAnswerLost
	}
	return rsp, err
}

var errAnswerLost = errors.New("connection reset by peer while reading the answer")

// newClient is an AdminClient for the organization of a new emulator
// (package emulatortest) that honours the fault header, sending through w;
// it waits for Retry-After as in production.
func newClient(t *testing.T, w *wire, opts ...generated.Option) (*generated.AdminClient, *emulatortest.Emulator) {
	t.Helper()
	emu := emulatortest.Start(t, emulatortest.WithFaults(emulator.Faults{Header: true}))
	if w.next == nil {
		w.next = http.DefaultTransport
	}
	c, err := generated.New(append([]generated.Option{
		generated.WithBaseURL(emu.URL), generated.WithAdminKey(emu.AdminKey), generated.WithHTTPClient(&http.Client{Transport: w}),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, emu
}

// Each test package that needs one keeps this helper of its own: testcert,
// a library for programs too, returns errors and takes no *testing.T.
func newPEM(t *testing.T) string {
	t.Helper()
	c, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c.PEM
}
