package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/fidelity"
	"github.com/certcontract/certcontract/contract/fidelity/har"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// recording writes a recording of an upload and a get, made against an
// emulator with the given mutations, and returns its path.
func recording(t *testing.T, mutations ...string) string {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Mutations: mutations})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	rec := fidelity.NewRecorder(fidelity.NewRedactor("cc00000000"))
	c, err := generated.NewClientWithResponses(srv.URL+emulator.BasePath,
		generated.WithHTTPClient(&http.Client{Transport: rec}),
		generated.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer sk-admin-cc00000000-1")
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.UploadCertificateWithResponse(t.Context(), generated.UploadCertificateRequest{Certificate: cert.PEM})
	if err != nil || up.JSON200 == nil {
		t.Fatalf("upload: %v", err)
	}
	if _, err := c.GetCertificateWithResponse(t.Context(), up.JSON200.Id, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "run.har")
	if err := har.WriteFile(path, rec.File(har.RunInfo{ID: "cc00000000", BaseURL: srv.URL + emulator.BasePath})); err != nil {
		t.Fatal(err)
	}
	return path
}

func replay(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append([]string{"-allowlist", filepath.Join("..", "..", "fidelity", "allowlist.yaml")}, args...)
	code = run(t.Context(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitStatus(t *testing.T) {
	clean := recording(t)
	mutated := recording(t, mutation.WrongObject)
	truncated := filepath.Join(t.TempDir(), "cut.har")
	b, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, b[:len(b)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	badAllow := filepath.Join(t.TempDir(), "allow.yaml")
	if err := os.WriteFile(badAllow, []byte("entries:\n  - {name: a, reason: '', checks: [status]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		args        []string
		code        int
		out, errOut string
	}{
		{"a matching replay", []string{"-har", clean}, 0, "OK: no divergence; 2 exchanges replayed", ""},
		{"a divergence", []string{"-har", mutated, "-format", "markdown"}, 1, "| `getCertificate` | `object` | value | 1 | 1 of 1 (everywhere) | `entry 2 GET /organization/certificates/", ""},
		{"a truncated recording", []string{"-har", truncated}, 2, "", "entry 2 (after entry 1, POST /v1/organization/certificates): the file ends here: it is truncated"},
		{"no recording", nil, 2, "", "give the recording with -har FILE"},
		{"an allow-list without a reason", []string{"-har", clean, "-allowlist", badAllow}, 2, "", "no reason"},
		{"a project map that is not one", []string{"-har", clean, "-project", "proj_a"}, 2, "", "want RECORDED=TARGET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := replay(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.out) || !strings.Contains(errOut, tt.errOut) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q / %q", code, tt.code, out, errOut, tt.out, tt.errOut)
			}
		})
	}
}

// The replayer's own key goes to the target, and never into the report, even
// where the target echoes it.
func TestTheReplayKeyStaysOutOfTheReport(t *testing.T) {
	const key = "sk-admin-the-replayers-own"
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"message":"` + r.Header.Get("Authorization") + `","type":"x","param":null,"code":null}}`))
	}))
	defer echo.Close()
	code, out, errOut := replay(t, map[string]string{envKey: key}, "-har", recording(t), "-target", echo.URL+"/v1", "-verbose")
	if code != 1 || strings.Contains(out, "the-replayers-own") || !strings.Contains(out, fidelity.KeyPlaceholderPrefix) {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
