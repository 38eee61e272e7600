package testcert_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
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
			if err := generated.CheckCACertificate(c.PEM); err != nil && tt.wantMinLen == 0 && !tt.opts.NotAfter.Equal(notAfter) {
				t.Errorf("misses a published requirement: %v", err)
			}
			if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
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

// Each option breaks exactly its one requirement.
func TestEachOptionMissesOneRequirement(t *testing.T) {
	tests := []struct {
		opts testcert.Options
		want generated.CARequirement
	}{
		{testcert.Options{NotCA: true}, generated.RequireCA},
		{testcert.Options{NoSubjectKeyID: true}, generated.RequireSubjectKeyID},
		{testcert.Options{NoAuthorityKeyID: true}, generated.RequireAuthorityKeyID},
		{testcert.Options{NoCertSign: true}, generated.RequireCertSign},
	}
	for _, tt := range tests {
		t.Run(string(tt.want), func(t *testing.T) {
			c, err := testcert.New(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var missing *generated.CARequirementsError
			if err := generated.CheckCACertificate(c.PEM); !errors.As(err, &missing) || len(missing.Missing) != 1 || missing.Missing[0] != tt.want {
				t.Fatalf("CheckCACertificate = %v, want only %q missing", err, tt.want)
			}
		})
	}
}

// A client certificate verifies against its CA for client authentication
// as crypto/tls verifies one, with every published requirement met, and each
// option breaks its own.
func TestNewClient(t *testing.T) {
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(ca.PEM))
	parse := func(t *testing.T, c testcert.Certificate) *x509.Certificate {
		t.Helper()
		block, _ := pem.Decode([]byte(c.PEM))
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return cert
	}
	caCert := parse(t, ca)
	tests := []struct {
		name  string
		opts  testcert.ClientOptions
		check func(*x509.Certificate) bool // true when what the option removes is there
	}{
		{"Subject Key Identifier", testcert.ClientOptions{NoSubjectKeyID: true}, func(c *x509.Certificate) bool { return len(c.SubjectKeyId) > 0 }},
		{"Authority Key Identifier", testcert.ClientOptions{NoAuthorityKeyID: true}, func(c *x509.Certificate) bool { return bytes.Equal(c.AuthorityKeyId, caCert.SubjectKeyId) }},
		{"Key Encipherment", testcert.ClientOptions{NoKeyEncipherment: true}, func(c *x509.Certificate) bool {
			return c.KeyUsage == x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment
		}},
		{"client authentication", testcert.ClientOptions{NoClientAuth: true}, func(c *x509.Certificate) bool {
			return slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth})
		}},
	}
	client, err := testcert.NewClient(ca.PEM, ca.KeyPEM, testcert.ClientOptions{CommonName: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	cert := parse(t, client)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("does not verify against its CA: %v", err)
	}
	if cert.IsCA || cert.Subject.CommonName != "svc" {
		t.Errorf("a CA, or named %q", cert.Subject.CommonName)
	}
	if _, err := client.TLS(); err != nil {
		t.Errorf("TLS: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.check(cert) {
				t.Fatalf("the default client certificate lacks it")
			}
			broken, err := testcert.NewClient(ca.PEM, ca.KeyPEM, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.check(parse(t, broken)) {
				t.Fatalf("the option leaves it in")
			}
		})
	}
	t.Run("a CA key openssl writes (PKCS #8)", func(t *testing.T) {
		block, _ := pem.Decode([]byte(ca.KeyPEM))
		key, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := testcert.NewClient(ca.PEM, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), testcert.ClientOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refuses what is no CA and key", func(t *testing.T) {
		for _, args := range [][2]string{{"", ca.KeyPEM}, {ca.PEM, ""}, {ca.PEM, ca.PEM}, {ca.KeyPEM, ca.KeyPEM}} {
			if _, err := testcert.NewClient(args[0], args[1], testcert.ClientOptions{}); err == nil {
				t.Errorf("NewClient(%.20q, %.20q) made a certificate", args[0], args[1])
			}
		}
	})
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
