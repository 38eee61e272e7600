package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/prebuilt"
	"github.com/certcontract/certcontract/contract/testcert"
)

// exampleFixtures is the fixture file the repository shows.
const exampleFixtures = "../../../_examples/fixtures/fixtures.yaml"

// The example fixture starts the command, from EMULATOR_FIXTURES as the
// image takes it, and its organization answers reset and export there.
func TestExampleFixturesFromTheEnvironment(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, _, done := start(t, ctx, []string{"-quiet"}, map[string]string{"EMULATOR_FIXTURES": exampleFixtures})
	get := func(method, path string) (int, []byte) {
		req, _ := http.NewRequest(method, path, nil)
		req.Header.Set("Authorization", "Bearer sk-admin-rotation")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, body := get(http.MethodGet, base+"/organization/projects/proj_payments/certificates?order=asc")
	var page struct {
		Data []struct {
			ID     string `json:"id"`
			Active bool   `json:"active"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &page); status != http.StatusOK || err != nil || len(page.Data) != 3 ||
		page.Data[0].ID != "cert_prod_2025" || !page.Data[0].Active || !page.Data[1].Active || page.Data[2].Active {
		t.Fatalf("proj_payments of the example: %d %s", status, body)
	}
	root := strings.TrimSuffix(base, emulator.BasePath)
	status, exported := get(http.MethodGet, root+emulator.ControlPath+"export")
	if status != http.StatusOK || !strings.Contains(string(exported), `"id": "cert_partner"`) {
		t.Fatalf("export: %d %s", status, exported)
	}
	if status, body := get(http.MethodDelete, base+"/organization/certificates/cert_staging"); status != http.StatusOK {
		t.Fatalf("delete: %d %s", status, body)
	}
	if status, reset := get(http.MethodPost, root+emulator.ControlPath+"reset"); status != http.StatusOK || string(reset) != string(exported) {
		t.Errorf("reset: %d %s\nwant the export before the delete", status, reset)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A bad fixture file stops the command before it serves: exit status 2 and
// one line naming the file, the entry and the field.
func TestBadFixturesFileExitsWithOneLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := prebuilt.Emulator(t)
	dir := t.TempDir()
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), []byte(ca.KeyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, body, want string }{
		{"unknown field", "organizations:\n  - admin_key: sk-admin-a\n    colour: blue\n",
			":3: organizations[0]: colour: unknown field (known: admin_key, projects, certificates, project_keys)"},
		{"bad PEM", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - name: broken\n        pem: \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"\n",
			": organizations[0].certificates[0]: pem: The certificate could not be parsed"},
		{"missing PEM file", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - pem_file: nowhere.pem\n",
			": organizations[0].certificates[0]: pem_file: open "},
		{"PEM file holding a key", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - pem_file: key.pem\n",
			": organizations[0].certificates[0]: pem_file: The PEM block is a EC PRIVATE KEY, not a CERTIFICATE."},
		{"unknown project", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - active: {projects: [proj_nope]}\n",
			": organizations[0].certificates[0]: active.projects: No project with id proj_nope in this organization."},
		{"over 50", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n" + strings.Repeat("      - {}\n", 51),
			": organizations[0]: certificates: 51 certificates; an organization holds at most 50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := prebuilt.Command(t.Context(), prebuilt.Environ(nil), bin, "-addr", "127.0.0.1:0", "-fixtures", path)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 2 {
				t.Fatalf("ended with %v; want exit status 2\n%s", err, stderr.String())
			}
			line := stderr.String()
			if strings.Count(line, "\n") != 1 || !strings.HasPrefix(line, "emulator: "+path) || !strings.Contains(line, tc.want) {
				t.Errorf("said %q; want one line naming %s and %q", line, path, tc.want)
			}
		})
	}
}
