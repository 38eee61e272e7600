package emulator_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
)

// newServed is newEmulator that also returns the Server, for counting its
// organizations.
func newServed(t testing.TB, cfg emulator.Config) (*emulator.Server, *apiClient) {
	t.Helper()
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return emu, &apiClient{base: ts.URL + emulator.BasePath, key: testKey, http: ts.Client()}
}

func wantOrganizations(t *testing.T, emu *emulator.Server, want int) {
	t.Helper()
	if got := emu.Organizations(); got != want {
		t.Fatalf("%d organizations, want %d", got, want)
	}
}

// Any sk-admin- key was an organization from its first request on, so a
// 1 MB key, a refused request or a mere read each kept memory forever.
func TestRegressionRefusedRequestsAndReadsCreatedOrganizations(t *testing.T) {
	emu, c := newServed(t, emulator.Config{})
	for i, ep := range endpoints {
		t.Run(ep.name, func(t *testing.T) {
			r := c.as(fmt.Sprintf("sk-admin-new-%d", i)).do(t, ep.method, ep.path, ep.body)
			if r.status != http.StatusOK && r.apiError(t).typ != "invalid_request_error" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			wantOrganizations(t, emu, 0)
		})
	}
	t.Run("an upload refused for its PEM", func(t *testing.T) {
		c.as("sk-admin-bad-pem").do(t, http.MethodPost, "/organization/certificates",
			map[string]any{"certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}).
			wantError(t, apiErr{status: http.StatusBadRequest, param: "certificate"})
		wantOrganizations(t, emu, 0)
	})
	t.Run("a key longer than any admin key", func(t *testing.T) {
		c.as("sk-admin-"+strings.Repeat("k", 1<<20)).do(t, http.MethodGet, "/organization/certificates", nil).
			wantError(t, apiErr{status: http.StatusUnauthorized, code: "invalid_api_key"})
		wantOrganizations(t, emu, 0)
	})
	t.Run("an upload that is stored", func(t *testing.T) {
		c.as("sk-admin-stores").upload(t, "")
		wantOrganizations(t, emu, 1)
		// Its organization is the one later requests see.
		if n := len(c.as("sk-admin-stores").listAll(t, "/organization/certificates", 100, "asc")); n != 1 {
			t.Fatalf("%d certificates after one upload", n)
		}
	})
}

func TestKeyLengthBound(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	longest := "sk-admin-" + strings.Repeat("k", emulator.MaxAdminKeyBytes-len("sk-admin-"))
	c.as(longest).do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, nil)
	c.as(longest+"k").do(t, http.MethodGet, "/organization/certificates", nil).
		wantError(t, apiErr{status: http.StatusUnauthorized, code: "invalid_api_key"})
	if _, err := emulator.New(emulator.Config{Keys: []string{longest + "k"}}); err == nil {
		t.Fatal("New accepted a key no request could carry")
	}
}

func TestOrganizationLimit(t *testing.T) {
	emu, c := newServed(t, emulator.Config{MaxOrganizations: 2})
	c.as("sk-admin-first").upload(t, "")
	c.as("sk-admin-second").upload(t, "")

	full := c.as("sk-admin-third").do(t, http.MethodPost, "/organization/certificates",
		map[string]any{"certificate": newCertPEM(t, testcert.Options{})})
	full.wantError(t, apiErr{status: http.StatusBadRequest, code: "organization_limit_reached"})
	if !strings.Contains(string(full.body), "-max-organizations") {
		t.Errorf("the refusal does not say how to lift the limit: %s", full.body)
	}
	wantOrganizations(t, emu, 2)

	// Organizations that exist keep working, and a new key can still read.
	c.as("sk-admin-first").upload(t, "")
	c.as("sk-admin-third").do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, nil)
	if _, err := emulator.New(emulator.Config{MaxOrganizations: -1}); err == nil {
		t.Fatal("New accepted a negative limit")
	}
}

// retained is the heap still in use after work, once garbage is collected.
func retained(work func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	work()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// floodCeiling is what docs/reliability.md promises a flood may cost at most.
const floodCeiling = 32 << 20

// The floods of docs/reliability.md's table, straight into ServeHTTP so
// that only the emulator's own memory is measured. 100 requests with 1 MB
// keys kept 166 MB before keys were bounded.
func TestRegressionFloodsKeptMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 requests")
	}
	floods := []struct {
		name     string
		requests int
		key      func(i int) string
		want     int
	}{
		{"100 requests with 1 MB keys", 100, func(i int) string {
			return fmt.Sprintf("sk-admin-%d-%s", i, strings.Repeat("k", 1<<20))
		}, http.StatusUnauthorized},
		{"50,000 new keys that only read", 50_000, func(i int) string { return fmt.Sprintf("sk-admin-reader-%d", i) }, http.StatusOK},
	}
	for _, f := range floods {
		if raceDetector {
			f.requests /= 10
		}
		t.Run(f.name, func(t *testing.T) {
			emu, err := emulator.New(emulator.Config{})
			if err != nil {
				t.Fatal(err)
			}
			statuses := map[int]int{}
			grew := retained(func() {
				for i := range f.requests {
					req := httptest.NewRequest(http.MethodGet, emulator.BasePath+"/organization/certificates", nil)
					req.Header.Set("Authorization", "Bearer "+f.key(i))
					rec := httptest.NewRecorder()
					emu.ServeHTTP(rec, req)
					statuses[rec.Code]++
				}
			})
			runtime.KeepAlive(emu)
			t.Logf("%s: statuses %v, heap kept %d KiB (ceiling %d MiB), %d organizations", f.name, statuses, grew>>10, floodCeiling>>20, emu.Organizations())
			if statuses[f.want] != f.requests {
				t.Errorf("statuses %v, want %d × %d", statuses, f.requests, f.want)
			}
			if n := emu.Organizations(); n != 0 {
				t.Errorf("the flood made %d organizations", n)
			}
			if grew > floodCeiling {
				t.Errorf("the flood kept %.1f MB, more than %d MB", float64(grew)/(1<<20), floodCeiling>>20)
			}
		})
	}
}

// With Config.Shared a key's organization is someone else's, busy one: it is
// kept from the first valid request, so that every request sees the same
// foreign certificates; a request refused before that still keeps nothing,
// and the cap holds.
func TestSharedOrganizationsAreKeptOnSight(t *testing.T) {
	emu, c := newServed(t, emulator.Config{Shared: emulator.Shared{Foreign: 3}, MaxOrganizations: 1})
	c.do(t, http.MethodGet, "/organization/certificates?limit=0", nil).wantError(t, apiErr{status: http.StatusBadRequest, param: "limit"})
	wantOrganizations(t, emu, 0)

	first := c.listAll(t, "/organization/certificates", 100, "asc")
	wantOrganizations(t, emu, 1)
	if again := c.listAll(t, "/organization/certificates", 100, "asc"); len(first) != 3 || len(again) != 3 || first[0].Id != again[0].Id {
		t.Fatalf("the organization shows %d, then %d foreign certificates, want the same 3", len(first), len(again))
	}
	c.as("sk-admin-second").do(t, http.MethodGet, "/organization/certificates", nil).
		wantError(t, apiErr{status: http.StatusBadRequest, code: "organization_limit_reached"})
	wantOrganizations(t, emu, 1)
}
