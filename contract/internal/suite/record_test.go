package suite

import (
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/fidelity/har"
)

func TestNoRecordingUnlessAsked(t *testing.T) {
	r := NewRecording(Config{}, "cc00000000", 1, "http://127.0.0.1/v1")
	if r != nil || r.Layers() != nil || r.WritePart() != nil || r.Merge(2) != nil {
		t.Fatal("a recording nobody asked for")
	}
}

// Two processes record through the suite's transport chain; the merged file
// holds both, numbered per process, with the target's projects and no key.
func TestRecordingThroughTheTransportChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.har")
	cfg := Config{FaultHeader: true, Record: path}
	baseURL := startEmulator(t, cfg)
	for process := 1; process <= 2; process++ {
		rec := NewRecording(cfg, "cc00000000", process, baseURL)
		transport, err := Transport(cfg, baseURL, nil, rec.Layers()...)
		if err != nil {
			t.Fatal(err)
		}
		for range process {
			req, _ := http.NewRequest(http.MethodGet, baseURL+"/organization/certificates", nil)
			req.Header.Set("Authorization", "Bearer sk-admin-cc00000000-secret")
			resp, err := transport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
		}
		if err := rec.WritePart(); err != nil {
			t.Fatal(err)
		}
	}
	if err := NewRecording(cfg, "cc00000000", 1, baseURL).Merge(2); err != nil {
		t.Fatal(err)
	}
	f, err := har.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, e := range f.Log.Entries {
		got = append(got, e.Process*10+e.Sequence)
		if v, _ := har.Header(e.Request.Headers, "Authorization"); v == "Bearer sk-admin-cc00000000-secret" {
			t.Fatal("the key is in the recording")
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{11, 21, 22}) || f.Log.Run.ID != "cc00000000" || !slices.Equal(f.Log.Run.Projects, emulator.DefaultProjects) {
		t.Fatalf("entries %v, run %+v", got, f.Log.Run)
	}
}
