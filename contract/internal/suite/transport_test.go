package suite

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/validator"
)

func startEmulator(t *testing.T, cfg Config) string {
	t.Helper()
	baseURL, stop, err := StartEmulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return baseURL
}

// seen records, in order, what each layer and the observer saw.
type seen struct {
	mu     sync.Mutex
	events []string
}

func (s *seen) add(e string) {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
}

func (s *seen) layer(name string) Layer {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			s.add(name + " sends")
			resp, err := next.RoundTrip(req)
			if err == nil {
				s.add(name + " gets " + resp.Status)
			}
			return resp, err
		})
	}
}

func (s *seen) observe(_ context.Context, o validator.Observation) {
	s.add("observed " + o.OperationID + " " + http.StatusText(o.Status))
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func list(t *testing.T, rt http.RoundTripper, baseURL string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, baseURL+"/organization/certificates", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer sk-admin-transport")
	resp, err := rt.RoundTrip(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	return resp, err
}

func TestTransportRunsLayersInOrderBelowTheValidator(t *testing.T) {
	cfg := Config{FaultHeader: true}
	baseURL := startEmulator(t, cfg)
	var s seen
	rt, err := Transport(cfg, baseURL, s.observe, s.layer("first"), s.layer("second"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := list(t, rt, baseURL); err != nil {
		t.Fatal(err)
	}
	want := []string{"first sends", "second sends", "second gets 200 OK", "first gets 200 OK", "observed listOrganizationCertificates OK"}
	if !slices.Equal(s.events, want) {
		t.Fatalf("events %q, want %q", s.events, want)
	}
}

// A layer sees the exchanges the validator refuses too, so whatever records
// exchanges has the failing one.
func TestTransportLayersSeeExchangesTheValidatorRefuses(t *testing.T) {
	cfg := Config{FaultHeader: true}
	baseURL := startEmulator(t, cfg)
	var s seen
	teapot := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(req)
			if err == nil {
				resp.StatusCode, resp.Status = http.StatusTeapot, "418 I'm a teapot"
			}
			return resp, err
		})
	}
	rt, err := Transport(cfg, baseURL, s.observe, s.layer("recorder"), teapot)
	if err != nil {
		t.Fatal(err)
	}
	_, err = list(t, rt, baseURL)
	if verr := (*validator.Error)(nil); !errors.As(err, &verr) {
		t.Fatalf("an undocumented 418 passed validation: %v", err)
	}
	want := []string{"recorder sends", "recorder gets 418 I'm a teapot"}
	if !slices.Equal(s.events, want) {
		t.Fatalf("events %q, want %q", s.events, want)
	}
}

// Against a remote target a rate limit is ridden out below the layers: they
// and the validator see only the final answer.
func TestTransportRetriesRateLimitsOfRemoteTargetsBelowTheLayers(t *testing.T) {
	emu := startEmulator(t, Config{FaultHeader: true})
	u, err := url.Parse(emu)
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			r.Header.Set(emulator.FaultHeader, "429") // the emulator answers a well-formed 429
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	baseURL := front.URL + emulator.BasePath

	cfg := Config{BaseURL: baseURL, AdminKey: "sk-admin-transport", ProjectID: "proj_default"}
	var s seen
	rt, err := Transport(cfg, baseURL, s.observe, s.layer("recorder"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := list(t, rt, baseURL); err != nil {
		t.Fatal(err)
	}
	want := []string{"recorder sends", "recorder gets 200 OK", "observed listOrganizationCertificates OK"}
	if !slices.Equal(s.events, want) || hits.Load() != 2 {
		t.Fatalf("events %q after %d requests, want %q after 2", s.events, hits.Load(), want)
	}
}
