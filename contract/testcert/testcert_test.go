package testcert_test

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
)

func TestNew(t *testing.T) {
	notBefore := time.Now().Add(-48 * time.Hour)
	notAfter := time.Now().Add(12 * time.Hour)
	tests := []struct {
		name       string
		opts       testcert.Options
		wantBefore time.Time
		wantAfter  time.Time
		wantMinLen int
	}{
		{name: "defaults", wantBefore: time.Now().Add(-time.Hour), wantAfter: time.Now().Add(90 * 24 * time.Hour)},
		{name: "chosen validity", opts: testcert.Options{NotBefore: notBefore, NotAfter: notAfter}, wantBefore: notBefore, wantAfter: notAfter},
		{name: "padded past 16 KiB", opts: testcert.Options{Padding: 13 << 10}, wantBefore: time.Now().Add(-time.Hour), wantAfter: time.Now().Add(90 * 24 * time.Hour), wantMinLen: 16 << 10},
		{name: "not a CA", opts: testcert.Options{NotCA: true}, wantBefore: time.Now().Add(-time.Hour), wantAfter: time.Now().Add(90 * 24 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := testcert.New(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(c.PEM, "-----BEGIN "); n != 1 {
				t.Fatalf("PEM has %d blocks, want 1", n)
			}
			block, rest := pem.Decode([]byte(c.PEM))
			if block == nil || block.Type != "CERTIFICATE" || len(rest) != 0 {
				t.Fatalf("PEM is not exactly one CERTIFICATE block")
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if cert.IsCA == tt.opts.NotCA || !cert.BasicConstraintsValid {
				t.Errorf("basic constraints say CA %v, want %v", cert.IsCA, !tt.opts.NotCA)
			}
			if err := cert.CheckSignatureFrom(cert); err != nil && !tt.opts.NotCA {
				t.Errorf("not self-signed: %v", err)
			}
			if !cert.NotBefore.Equal(c.NotBefore) || !cert.NotAfter.Equal(c.NotAfter) {
				t.Errorf("reported validity %v..%v, certificate says %v..%v", c.NotBefore, c.NotAfter, cert.NotBefore, cert.NotAfter)
			}
			if d := cert.NotBefore.Sub(tt.wantBefore); d > time.Minute || d < -time.Minute {
				t.Errorf("NotBefore %v, want about %v", cert.NotBefore, tt.wantBefore)
			}
			if d := cert.NotAfter.Sub(tt.wantAfter); d > time.Minute || d < -time.Minute {
				t.Errorf("NotAfter %v, want about %v", cert.NotAfter, tt.wantAfter)
			}
			if len(c.PEM) < tt.wantMinLen {
				t.Errorf("PEM is %d bytes, want at least %d", len(c.PEM), tt.wantMinLen)
			}
			if key, _ := pem.Decode([]byte(c.KeyPEM)); key == nil || key.Type != "EC PRIVATE KEY" {
				t.Errorf("KeyPEM is not an EC PRIVATE KEY block")
			}
		})
	}
}

func TestEachCertificateIsNew(t *testing.T) {
	a, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.PEM == b.PEM || a.KeyPEM == b.KeyPEM {
		t.Fatal("two calls gave the same certificate or key")
	}
}
