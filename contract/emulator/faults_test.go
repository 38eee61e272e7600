package emulator_test

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

func TestNoFaultsByDefault(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	for range 200 {
		c.send(t, http.MethodGet, "/organization/certificates", nil, func(r *http.Request) {
			r.Header.Set(emulator.FaultHeader, "500")
		}).decode(t, http.StatusOK, nil)
	}
}

func TestFaultRateAndStatuses(t *testing.T) {
	tests := []struct {
		name     string
		faults   emulator.Faults
		want     int
		wantType string
		wantCode generated.ErrorCode
	}{
		{"429", emulator.Faults{Rate: 1, Statuses: []int{429}, RetryAfter: 3}, 429, "requests", generated.ErrorCodeRateLimitExceeded},
		{"500", emulator.Faults{Rate: 1, Statuses: []int{500}}, 500, "server_error", ""},
		{"503", emulator.Faults{Rate: 1, Statuses: []int{503}}, 503, "server_error", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newEmulator(t, emulator.Config{Faults: tt.faults})
			for _, ep := range endpoints {
				r := c.do(t, ep.method, ep.path, ep.body)
				r.wantError(t, apiErr{status: tt.want, typ: tt.wantType, code: tt.wantCode})
				wantRetry := ""
				if r.status != http.StatusInternalServerError {
					wantRetry = strconv.Itoa(max(tt.faults.RetryAfter, 1))
				}
				if got := r.header.Get("Retry-After"); got != wantRetry {
					t.Fatalf("%s: Retry-After %q, want %q", ep.name, got, wantRetry)
				}
			}
		})
	}
}

// A fault is answered before anything changes: an upload that drew a fault
// stored nothing.
func TestFaultChangesNothing(t *testing.T) {
	emu := newEmulator(t, emulator.Config{Faults: emulator.Faults{Header: true}})
	emu.send(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": newCertPEM(t, testcert.Options{})}, func(r *http.Request) {
		r.Header.Set(emulator.FaultHeader, "503")
	}).wantError(t, apiErr{status: 503, typ: "server_error"})
	if n := len(emu.listAll(t, "/organization/certificates", 100, "asc")); n != 0 {
		t.Fatalf("%d certificates stored by a faulted upload", n)
	}
}

func TestFaultRateIsAShare(t *testing.T) {
	c := newEmulator(t, emulator.Config{Faults: emulator.Faults{Rate: 0.3, Seed: 42}})
	const n = 1000
	seen := map[int]int{}
	for range n {
		seen[c.do(t, http.MethodGet, "/organization/certificates", nil).status]++
	}
	faulted := n - seen[http.StatusOK]
	// 0.3 of 1000 with a fixed seed; the bounds only guard against a rate
	// that is ignored or inverted.
	if faulted < 200 || faulted > 400 {
		t.Fatalf("%d of %d requests faulted at rate 0.3: %v", faulted, n, seen)
	}
	for _, st := range []int{429, 500, 503} {
		if seen[st] == 0 {
			t.Fatalf("status %d never chosen: %v", st, seen)
		}
	}
}

func TestFaultSeedRepeats(t *testing.T) {
	run := func() []int {
		c := newEmulator(t, emulator.Config{Faults: emulator.Faults{Rate: 0.5, Seed: 7}})
		var got []int
		for range 50 {
			got = append(got, c.do(t, http.MethodGet, "/organization/certificates", nil).status)
		}
		return got
	}
	if a, b := run(), run(); !slices.Equal(a, b) {
		t.Fatalf("same seed, different faults:\n%v\n%v", a, b)
	}
}

func TestFaultHeader(t *testing.T) {
	c := newEmulator(t, emulator.Config{Faults: emulator.Faults{Header: true, RetryAfter: 2}})
	for _, tt := range []struct {
		value string
		want  apiErr
	}{
		{"429", apiErr{status: 429, typ: "requests", code: generated.ErrorCodeRateLimitExceeded}},
		{"500", apiErr{status: 500, typ: "server_error"}},
		{"503", apiErr{status: 503, typ: "server_error"}},
		{"404", apiErr{status: 400, param: emulator.FaultHeader}},
		{"boom", apiErr{status: 400, param: emulator.FaultHeader}},
	} {
		t.Run(tt.value, func(t *testing.T) {
			c.send(t, http.MethodGet, "/organization/certificates", nil, func(r *http.Request) {
				r.Header.Set(emulator.FaultHeader, tt.value)
			}).wantError(t, tt.want)
		})
	}
	// Without the header, nothing is injected.
	c.do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, nil)
	// A bad key still comes first.
	c.as("").send(t, http.MethodGet, "/organization/certificates", nil, func(r *http.Request) {
		r.Header.Set(emulator.FaultHeader, "500")
	}).wantError(t, apiErr{status: 401, code: generated.ErrorCodeInvalidAPIKey})
}

func TestFaultLatency(t *testing.T) {
	const latency = 80 * time.Millisecond
	c := newEmulator(t, emulator.Config{Faults: emulator.Faults{Latency: latency}})
	start := time.Now()
	c.do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, nil)
	if took := time.Since(start); took < latency {
		t.Fatalf("answered in %v, before the %v latency", took, latency)
	}
}

func TestConfigIsChecked(t *testing.T) {
	tests := []struct {
		name string
		cfg  emulator.Config
	}{
		{"rate above 1", emulator.Config{Faults: emulator.Faults{Rate: 1.5}}},
		{"negative rate", emulator.Config{Faults: emulator.Faults{Rate: -0.1}}},
		{"rate not a number", emulator.Config{Faults: emulator.Faults{Rate: math.NaN()}}},
		{"status not a fault", emulator.Config{Faults: emulator.Faults{Rate: 0.1, Statuses: []int{404}}}},
		{"negative latency", emulator.Config{Faults: emulator.Faults{Latency: -time.Second}}},
		{"negative Retry-After", emulator.Config{Faults: emulator.Faults{RetryAfter: -1}}},
		{"unknown mutation", emulator.Config{Mutations: []string{"be-nice"}}},
		{"empty key", emulator.Config{Keys: []string{"sk-admin-a", ""}}},
		{"empty project", emulator.Config{Projects: []string{""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := emulator.New(tt.cfg); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
