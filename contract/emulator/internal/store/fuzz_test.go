package store_test

import (
	"bytes"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// FuzzCertificatePEM uploads any text as a certificate. What is accepted
// keeps every published rule and the decisions in pem.go, and passes the
// client's generated.CheckCACertificate; what is refused is
// refused as ErrInvalidCertificate with a message, and stores nothing.
func FuzzCertificatePEM(f *testing.F) {
	now := time.Now()
	for _, opts := range []testcert.Options{
		{},
		{NotCA: true},
		{NoSubjectKeyID: true},
		{NoAuthorityKeyID: true},
		{NoCertSign: true},
		{NotBefore: now.Add(48 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)},
		{NotBefore: now.Add(90 * 24 * time.Hour), NotAfter: now.Add(48 * time.Hour)},
		{NotAfter: now.Add(23 * time.Hour)},
	} {
		c, err := testcert.New(opts)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c.PEM)
	}
	f.Fuzz(func(t *testing.T, content string) {
		org := store.NewOrganization(nil)
		c, err := org.Add(content, nil, now)
		if err != nil {
			var refusal *store.Error
			if !errors.Is(err, store.ErrInvalidCertificate) || !errors.As(err, &refusal) || refusal.Message == "" {
				t.Fatalf("refused with %#v, want an ErrInvalidCertificate with a message", err)
			}
			if page, _ := org.List(store.Scope{}, store.ListQuery{Limit: 1}); len(page.Items) != 0 {
				t.Fatal("a refused upload was stored")
			}
			return
		}
		if len(content) >= 16<<10 {
			t.Fatalf("accepted %d bytes", len(content))
		}
		// Whitespace around the block is not text around it.
		block, rest := pem.Decode(bytes.TrimSpace([]byte(content)))
		if block == nil || block.Type != "CERTIFICATE" || len(block.Headers) > 0 || len(bytes.TrimSpace(rest)) > 0 {
			t.Fatalf("accepted what is not one CERTIFICATE block without headers: %q", content)
		}
		if c.ValidAt > c.ExpiresAt || c.ExpiresAt < now.Add(24*time.Hour).Unix() {
			t.Fatalf("accepted validity %d..%d at %d", c.ValidAt, c.ExpiresAt, now.Unix())
		}
		if c.Content != content {
			t.Fatal("stored content differs from the upload")
		}
		// The client's local check, written apart, agrees it meets every
		// published requirement.
		if err := generated.CheckCACertificate(content); err != nil {
			t.Fatalf("accepted what the client's check refuses: %v", err)
		}
	})
}
