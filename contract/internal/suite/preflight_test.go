package suite

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

const goodKey = "sk-admin-preflight"

// emulatorTarget is a standalone-like emulator accepting goodKey only,
// holding held certificates.
func emulatorTarget(t *testing.T, held int) string {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Keys: []string{goodKey}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	base := srv.URL + emulator.BasePath
	c, err := generated.NewClientWithResponses(base, generated.WithRequestEditorFn(bearer(goodKey)))
	if err != nil {
		t.Fatal(err)
	}
	for range held {
		pem, err := testcert.New(testcert.Options{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.UploadCertificateWithResponse(t.Context(), generated.UploadCertificateRequest{Certificate: pem.PEM})
		if err != nil || res.StatusCode() != http.StatusOK {
			t.Fatalf("upload: %v %v", err, res.Status())
		}
	}
	return base
}

// refusedURL is a loopback address nothing listens on any more.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr + "/v1"
}

func remote(base, key, project string) Config {
	return Config{BaseURL: base, AdminKey: key, ProjectID: project}
}

var quickRetry = Retry{Next: http.DefaultTransport, Attempts: 4, MaxWait: time.Millisecond}

// Each way a remote target can be wrong stops the run with one line naming
// the setting to change.
func TestPreflightStopsWithOneLineSayingWhatToSet(t *testing.T) {
	base := emulatorTarget(t, 0)
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"a refused connection", remote(refusedURL(t), goodKey, "proj_default"),
			[]string{"cannot reach " + EnvBaseURL, "connection is refused", "set " + EnvBaseURL}},
		{"a refused key", remote(base, "sk-admin-someone-else", "proj_default"),
			[]string{EnvAdminKey + " is refused", "401", "invalid_api_key", "set " + EnvAdminKey}},
		{"an unknown project", remote(base, goodKey, "proj_nope"),
			[]string{EnvProjectID + "=proj_nope is not a project", "404", "set " + EnvProjectID}},
		{"a base URL without /v1", remote(strings.TrimSuffix(base, "/v1"), goodKey, "proj_default"),
			[]string{"has no /organization/certificates", "404", "set " + EnvBaseURL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Preflight(t.Context(), tc.cfg, quickRetry)
			if err == nil {
				t.Fatal("Preflight() passed")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("more than one line:\n%s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q\nlacks %q", msg, w)
				}
			}
		})
	}
}

func TestPreflightCountsWhatTheOrganizationHolds(t *testing.T) {
	held, err := Preflight(t.Context(), remote(emulatorTarget(t, 3), goodKey, "proj_alpha"), quickRetry)
	if err != nil || held != 3 {
		t.Fatalf("Preflight() = %d, %v; want 3 certificates", held, err)
	}
}

// A rate limit at the start of a run is ridden out, not reported as a
// broken target; and a key the server echoes back never reaches the line.
func TestPreflightRidesOutRateLimitsAndRedactsTheKey(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":{"message":"slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}`))
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"message":"Incorrect API key provided: ` + goodKey + `","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`))
	}))
	defer srv.Close()
	_, err := Preflight(t.Context(), remote(srv.URL, goodKey, "proj_x"), quickRetry)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("Preflight() error = %v, want the 401 after the 429", err)
	}
	if strings.Contains(err.Error(), goodKey) {
		t.Fatalf("the key leaks: %v", err)
	}
}

func TestRoomSaysWhatTheRunNeedsAndWhatIsFree(t *testing.T) {
	if err := Room(emulator.MaxCertificates-2*SlotsPerSpec, 2); err != nil {
		t.Fatalf("exactly enough room refused: %v", err)
	}
	err := Room(38, 2)
	if err == nil {
		t.Fatal("12 free slots accepted for 2 processes")
	}
	for _, w := range []string{"needs 20 free certificate slots", "has 12 free", "holds 38 of 50", "delete 8", "--procs=1"} {
		if !strings.Contains(err.Error(), w) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q\nlacks %q or is more than one line", err, w)
		}
	}
	if err := Room(49, 1); err == nil || strings.Contains(err.Error(), "--procs") {
		t.Errorf("one free slot: %v; fewer processes cannot help", err)
	}
}

func bearer(key string) generated.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+key)
		return nil
	}
}
