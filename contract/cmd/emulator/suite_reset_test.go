package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/prebuilt"
)

// The contract suite runs against an organization of a fixture, as a live
// target (it holds certificates the suite did not upload); reset then
// brings it back to the fixture's state byte for byte, and neither the run
// nor the reset touches another organization of the same fixture.
func TestResetAfterTheContractSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles and runs the contract suite")
	}
	dir := t.TempDir()
	suite := prebuilt.Suite(t)
	fixtures := filepath.Join(dir, "fixtures.yaml")
	if err := os.WriteFile(fixtures, []byte(`organizations:
  - admin_key: sk-admin-suite
    projects: [proj_default, proj_other]
    certificates:
      - id: cert_prod
        name: prod-ca
        created_at: 2025-01-31T12:00:00Z
        active: {organization: true, projects: [proj_default]}
      - name: partner-ca
        active: {projects: [proj_other]}
      - created_at: 1700000000
  - admin_key: sk-admin-bystander
    certificates:
      - id: cert_bystander
        name: bystander-ca
`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, _, done := start(t, ctx, []string{"-quiet", "-fault-header", "-fixtures", fixtures}, nil)
	root := strings.TrimSuffix(base, emulator.BasePath) + emulator.ControlPath
	call := func(method, endpoint, key string) string {
		t.Helper()
		resp, b := curl{method: method, path: endpoint}.send(t, root, key, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, endpoint, resp.StatusCode, b)
		}
		return string(b)
	}
	before := call(http.MethodGet, "export", "sk-admin-suite")
	bystander := call(http.MethodGet, "export", "sk-admin-bystander")

	run := prebuilt.Command(t.Context(), append(prebuilt.Environ(nil), "CONTRACT_BASE_URL="+base, "OPENAI_ADMIN_KEY=sk-admin-suite",
		"CONTRACT_PROJECT_ID=proj_default", "CONTRACT_FAULT_HEADER=1", "CONTRACT_EXCLUSIVE=", "CONTRACT_RECORD="), suite, "-test.count=1")
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("the suite failed against the fixture's organization: %v\n%s", err, out)
	}
	if journal := call(http.MethodGet, "journal", "sk-admin-suite"); !strings.Contains(journal, `"uploadCertificate"`) {
		t.Fatalf("the suite's run is not in the organization's journal: %.500s", journal)
	}

	if after := call(http.MethodPost, "reset", "sk-admin-suite"); after != before {
		t.Errorf("after the suite and a reset:\n%s\nwant the fixture's state:\n%s", after, before)
	}
	if journal := call(http.MethodGet, "journal", "sk-admin-suite"); strings.TrimSpace(journal) != `{"object":"list","data":[]}` {
		t.Errorf("the journal after reset: %.300s", journal)
	}
	if again := call(http.MethodGet, "export", "sk-admin-suite"); again != before {
		t.Errorf("export after reset differs from the fixture's state")
	}
	if got := call(http.MethodGet, "export", "sk-admin-bystander"); got != bystander {
		t.Errorf("the other organization changed:\n%s\nwant\n%s", got, bystander)
	}
	if strings.Contains(before, "cert_bystander") || strings.Contains(bystander, "cert_prod") {
		t.Error("one key's export holds another key's certificates")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
