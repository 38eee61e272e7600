package store_test

import (
	"errors"
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
		{"a certificate that is not a CA", certPEM(t, testcert.Options{NotCA: true}), true, ""},
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
