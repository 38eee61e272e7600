package emulator_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// The benchmarks measure the whole request path (key, validation against
// the fragment, state, JSON) without the network: the three requests make
// load measures, and make profile profiles.

// BenchmarkListPage is one list page of 20.
func BenchmarkListPage(b *testing.B) {
	emu, _ := seeded(b, emulator.Config{})
	benchmarkRequest(b, emu, http.MethodGet, "/organization/certificates?limit=20&order=desc", "")
}

// BenchmarkListPageLogged is the same page with a request line logged, as
// the emulator command serves it unless told -quiet; the line is thrown
// away, so this measures making it.
func BenchmarkListPageLogged(b *testing.B) {
	emu, _ := seeded(b, emulator.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	benchmarkRequest(b, emu, http.MethodGet, "/organization/certificates?limit=20&order=desc", "")
}

// BenchmarkListPageOfOne is a page of 1: the per-request cost with the
// least JSON.
func BenchmarkListPageOfOne(b *testing.B) {
	emu, _ := seeded(b, emulator.Config{})
	benchmarkRequest(b, emu, http.MethodGet, "/organization/certificates?limit=1", "")
}

// BenchmarkActivate activates one certificate that is already active: the
// whole work of an activation (body, lookup, answer) leaving the state as
// it was.
func BenchmarkActivate(b *testing.B) {
	emu, id := seeded(b, emulator.Config{})
	benchmarkRequest(b, emu, http.MethodPost, "/organization/certificates/activate", `{"certificate_ids":["`+id+`"]}`)
}

// seeded returns an emulator of cfg whose organization holds 30
// certificates, the first of them active, and that one's id.
func seeded(b *testing.B, cfg emulator.Config) (*emulator.Server, string) {
	emu, err := emulator.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	defer ts.Close()
	c := &apiClient{base: ts.URL + emulator.BasePath, key: testKey, http: ts.Client()}
	id := c.upload(b, "benchmark").Id
	for range 29 {
		c.upload(b, "benchmark")
	}
	var activated generated.OrganizationCertificateActivationResponse
	c.do(b, http.MethodPost, "/organization/certificates/activate", map[string][]string{"certificate_ids": {id}}).decode(b, http.StatusOK, &activated)
	return emu, id
}

func benchmarkRequest(b *testing.B, emu *emulator.Server, method, path, body string) {
	req := httptest.NewRequest(method, emulator.BasePath+path, nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	var rd bytes.Reader
	raw := []byte(body)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		if body != "" {
			// The server reads and may replace the body; every request
			// gets it anew, as from the network.
			rd.Reset(raw)
			req.Body, req.ContentLength = io.NopCloser(&rd), int64(len(raw))
		}
		clear(w.header)
		w.status = 0
		emu.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// discardWriter keeps the status and drops the body, so the benchmark
// measures the emulator rather than a recorder's buffer.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
