// Package adminclient_test proves generated.AdminClient against the
// emulator, which enforces the API's rules, rather than against scripted
// servers. It lives outside package generated so that the emulator's
// dependencies (kin-openapi) never reach the go.sum of a module that
// requires the client.
package adminclient_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// startEmulator serves a fresh emulator that honours the fault header, under
// /v1 on 127.0.0.1, and returns its base URL.
func startEmulator(t *testing.T) string {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Faults: emulator.Faults{Header: true}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return ts.URL + emulator.BasePath
}

// newKey is an admin key of an organization nobody else uses.
func newKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "sk-admin-" + hex.EncodeToString(b)
}

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

// newClient is an AdminClient for a new organization of the emulator at
// base, sending through w; it waits for Retry-After as in production.
func newClient(t *testing.T, base string, w *wire, opts ...generated.Option) (*generated.AdminClient, string) {
	t.Helper()
	key := newKey(t)
	if w.next == nil {
		w.next = http.DefaultTransport
	}
	c, err := generated.New(append([]generated.Option{
		generated.WithBaseURL(base), generated.WithAdminKey(key), generated.WithHTTPClient(&http.Client{Transport: w}),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func newPEM(t *testing.T) string {
	t.Helper()
	c, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c.PEM
}
