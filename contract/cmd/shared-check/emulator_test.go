package main

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/prebuilt"
)

// Regression: a version field added to the emulator's listening line, between
// base_url and projects, made every make contract-shared wait 30 s and fail.
// The line is read from the real command, built from this tree.
func TestStartEmulatorFindsTheCommandsListeningLine(t *testing.T) {
	bin := prebuilt.Emulator(t)
	e, err := startEmulator([]string{bin, "-quiet", "-addr", "127.0.0.1:0", "-projects", "proj_a,proj_b"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer e.stop()
	if !strings.HasPrefix(e.baseURL, "http://127.0.0.1:") || !strings.HasSuffix(e.baseURL, "/v1") {
		t.Errorf("base URL %q", e.baseURL)
	}
	if !slices.Equal(e.projects, []string{"proj_a", "proj_b"}) {
		t.Errorf("projects %q", e.projects)
	}
}

func TestListeningAtReadsFieldsByKey(t *testing.T) {
	for _, tc := range []struct {
		line, url, projects string
		ok                  bool
	}{
		{`time=x level=INFO msg=listening base_url=http://127.0.0.1:1/v1 projects=p1,p2`, "http://127.0.0.1:1/v1", "p1,p2", true},
		{`time=x level=INFO msg=listening base_url=http://127.0.0.1:1/v1 version=v1.2.3 projects=p1 faults=false`, "http://127.0.0.1:1/v1", "p1", true},
		{`time=x level=INFO msg=listening projects=p1`, "", "", false},
		{`time=x level=INFO msg=listening_later base_url=u projects=p`, "", "", false},
		{`time=x level=INFO msg=request base_url=u projects=p`, "", "", false},
	} {
		u, p, ok := listeningAt(tc.line)
		if ok != tc.ok || u != tc.url || strings.Join(p, ",") != tc.projects {
			t.Errorf("listeningAt(%q) = %q, %q, %v; want %q, %q, %v", tc.line, u, p, ok, tc.url, tc.projects, tc.ok)
		}
	}
}
