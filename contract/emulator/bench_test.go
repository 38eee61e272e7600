package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
)

// BenchmarkListPage measures the whole request path of one list page of 20
// (key, validation against the fragment, state, JSON), without the network.
func BenchmarkListPage(b *testing.B) {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	c := &apiClient{base: ts.URL + emulator.BasePath, key: testKey, http: ts.Client()}
	for range 30 {
		c.upload(b, "benchmark")
	}
	ts.Close()

	req := httptest.NewRequest(http.MethodGet, emulator.BasePath+"/organization/certificates?limit=20&order=desc", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	w := &discardWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
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
