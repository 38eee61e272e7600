package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/openapi/drift"
	"github.com/certcontract/certcontract/openapi/drift/internal/workflowtest"
)

// The upstream documents are not part of the repository. They are found in
// $CERTCONTRACT_REFERENCE_DIR, or else in shared/reference beside the
// repository's checkout.
const referenceEnv = "CERTCONTRACT_REFERENCE_DIR"

// repoRoot walks up from the test's directory to the main module.
func repoRoot(t *testing.T) string {
	t.Helper()
	return workflowtest.RepoRoot(t)
}

// upstreamDocument returns the path of a reference document, or skips.
func upstreamDocument(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv(referenceEnv)
	if dir == "" {
		dir = filepath.Join(repoRoot(t), "..", "shared", "reference")
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("upstream document %s not available (set %s to the folder holding it): %v", name, referenceEnv, err)
	}
	return path
}

func fragmentPath(t *testing.T) string {
	return filepath.Join(repoRoot(t), "openapi", "certificates.yaml")
}

func allowListPath(t *testing.T) string {
	return filepath.Join(repoRoot(t), "openapi", "drift", "allowlist.yaml")
}

func runCheck(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"-fragment", fragmentPath(t), "-allowlist", allowListPath(t)}, args...), &stdout, &stderr)
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	return code, stdout.String()
}

func TestCurrentUpstreamDiffersOnlyAsAllowListed(t *testing.T) {
	up := upstreamDocument(t, "openai-openapi-2026.yaml")
	code, out := runCheck(t, "-upstream", up)
	if code != 0 {
		t.Fatalf("exit %d, want 0:\n%s", code, out)
	}
	for _, want := range []string{"OK:", "1. Upstream differs in ways that break or change our client (0)", "2. Upstream has things our fragment lacks (0)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "matched no difference") {
		t.Errorf("stale allow-list entries:\n%s", out)
	}
}

func TestOlderUpstreamIsReported(t *testing.T) {
	up := upstreamDocument(t, "openai-openapi-2025-04-29.yaml")
	code, out := runCheck(t, "-upstream", up)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	want := []string{
		"FAIL:",
		// The get operation names its path parameter cert_id.
		"added the new path request parameter `cert_id`",
		// Upload sends the PEM as content, not certificate.
		"added the new required request property `content`",
		"removed the request property `certificate`",
		// Toggles and the project list return ListCertificatesResponse.
		"changed from `OrganizationCertificateActivationResponse` to `ListCertificatesResponse`",
		"changed from `OrganizationCertificateDeactivationResponse` to `ListCertificatesResponse`",
		"changed from `OrganizationProjectCertificateActivationResponse` to `ListCertificatesResponse`",
		"changed from `OrganizationProjectCertificateDeactivationResponse` to `ListCertificatesResponse`",
		"changed from `ListProjectCertificatesResponse` to `ListCertificatesResponse`",
		// No 429 was declared.
		"removed the non-success response with the status `429`",
	}
	// The text report wraps long lines.
	flat := strings.Join(strings.Fields(out), " ")
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("report lacks %q", w)
		}
	}
	// No operation carried its own security, so the admin key is gone from
	// all ten.
	if n := strings.Count(flat, "the endpoint scheme security `AdminApiKeyAuth` was removed"); n != 10 {
		t.Errorf("missing per-operation security reported %d times, want 10", n)
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
}

func TestOlderUpstreamAsMarkdownAndJSON(t *testing.T) {
	up := upstreamDocument(t, "openai-openapi-2025-04-29.yaml")
	tests := []struct {
		format, want string
	}{
		{"markdown", "| `GET /organization/certificates/{certificate_id}` | breaking | added the new path request parameter `cert_id` |"},
		{"json", `"ok": false`},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			code, out := runCheck(t, "-upstream", up, "-format", tt.format)
			if code != 1 || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, output lacks %q:\n%s", code, tt.want, out)
			}
		})
	}
}

// Every allow-list entry must be load-bearing: without it the current
// upstream fails the check, and the report names what the entry explained.
func TestRemovingAnAllowListEntryFailsAndNamesTheDifference(t *testing.T) {
	up := upstreamDocument(t, "openai-openapi-2026.yaml")
	upstream, err := drift.LoadDocument(up)
	if err != nil {
		t.Fatal(err)
	}
	fragment, err := drift.LoadDocument(fragmentPath(t))
	if err != nil {
		t.Fatal(err)
	}
	allow, err := drift.LoadAllowList(allowListPath(t))
	if err != nil {
		t.Fatal(err)
	}
	full, err := drift.Compare(upstream, fragment, allow, "upstream", "fragment")
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range allow.Entries {
		t.Run(entry.Name, func(t *testing.T) {
			report, err := drift.Compare(upstream, fragment, allow.Without(entry.Name), "upstream", "fragment")
			if err != nil {
				t.Fatal(err)
			}
			if report.OK() {
				t.Fatal("the check passes without the entry")
			}
			var text bytes.Buffer
			if err := report.Write(&text, drift.FormatText); err != nil {
				t.Fatal(err)
			}
			explained := 0
			for _, f := range full.Findings {
				if f.Entry != entry.Name {
					continue
				}
				explained++
				if !strings.Contains(strings.Join(strings.Fields(text.String()), " "), f.Text) {
					t.Errorf("report without the entry does not name %q", f.Text)
				}
			}
			if explained == 0 {
				t.Error("the entry explains no difference of the current upstream")
			}
		})
	}
}
