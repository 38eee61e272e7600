package store_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
	"github.com/certcontract/certcontract/contract/testcert"
)

func certPEM(t *testing.T, opts testcert.Options) string {
	t.Helper()
	c, err := testcert.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c.PEM
}

// withHeaders adds RFC 1421 headers to a PEM block, which RFC 7468 no longer
// allows in a certificate.
func withHeaders(pemText, headers string) string {
	begin, body, _ := strings.Cut(pemText, "\n")
	return begin + "\n" + headers + "\n" + body
}

// Each published requirement of a CA certificate, broken alone, and all of
// them at once, each named in the refusal.
func TestRequirements(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name    string
		opts    testcert.Options
		missing []store.Requirement
	}{
		{"a leaf", testcert.Options{NotCA: true}, []store.Requirement{store.RequireCA}},
		{"no Subject Key Identifier", testcert.Options{NoSubjectKeyID: true}, []store.Requirement{store.RequireSubjectKeyID}},
		{"no Authority Key Identifier", testcert.Options{NoAuthorityKeyID: true}, []store.Requirement{store.RequireAuthorityKeyID}},
		{"no Certificate Sign", testcert.Options{NoCertSign: true}, []store.Requirement{store.RequireCertSign}},
		{"a leaf made without any", testcert.Options{NotCA: true, NoAuthorityKeyID: true, NoCertSign: true}, []store.Requirement{store.RequireCA, store.RequireAuthorityKeyID, store.RequireCertSign}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := store.NewOrganization(projects)
			_, err := org.Add(certPEM(t, tt.opts), nil, now)
			if !errors.Is(err, store.ErrInvalidCertificate) {
				t.Fatalf("error %v, want ErrInvalidCertificate", err)
			}
			for _, r := range store.Requirements {
				if named := strings.Contains(err.Error(), string(r)); named != slices.Contains(tt.missing, r) {
					t.Errorf("%q names %q: %v, want %v", err, r, named, !named)
				}
			}
			if page, _ := org.List(store.Scope{}, store.ListQuery{Limit: 1}); len(page.Items) > 0 {
				t.Errorf("a refused certificate is stored")
			}
			// Checking the other requirements only, the store accepts it:
			// what a mutation forgetting them does.
			rest := slices.DeleteFunc(slices.Clone(store.Requirements), func(r store.Requirement) bool { return slices.Contains(tt.missing, r) })
			if _, err := org.AddMeeting(rest, certPEM(t, tt.opts), nil, now); err != nil {
				t.Errorf("refused with %q waived: %v", tt.missing, err)
			}
		})
	}
}

// The PEM rules where the published requirements leave room; docs/decisions.md's
// table of decisions gives the reasons.
func TestPEMDecisions(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name   string
		pem    string
		accept bool
		saying string // in the refusal's message
	}{
		{"a certificate not valid yet", certPEM(t, testcert.Options{NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)}), true, ""},
		{"regression: an inverted validity window was stored, valid_at after expires_at", certPEM(t, testcert.Options{NotBefore: now.Add(100 * 24 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)}), false, "before it"},
		{"a PEM block with headers", withHeaders(certPEM(t, testcert.Options{}), "Comment: uploaded by hand\n"), false, "headers"},
		{"a PEM block with encryption headers", withHeaders(certPEM(t, testcert.Options{}), "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n"), false, "headers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := store.NewOrganization(projects)
			c, err := org.Add(tt.pem, nil, now)
			if tt.accept {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if c.ValidAt > c.ExpiresAt {
					t.Fatalf("valid_at %d after expires_at %d", c.ValidAt, c.ExpiresAt)
				}
				return
			}
			if !errors.Is(err, store.ErrInvalidCertificate) || !strings.Contains(err.Error(), tt.saying) {
				t.Fatalf("error %v, want ErrInvalidCertificate saying %q", err, tt.saying)
			}
		})
	}
}
