package emulator_test

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

func TestUploadAnswersTheStoredCertificate(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	notBefore := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	notAfter := time.Now().Add(90 * 24 * time.Hour).Truncate(time.Second)
	pemText := newCertPEM(t, testcert.Options{NotBefore: notBefore, NotAfter: notAfter})

	before := time.Now().Unix()
	r := c.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": pemText, "name": "My Example Certificate"})
	var raw map[string]any
	r.decode(t, http.StatusOK, &raw)
	var cert generated.Certificate
	r.decode(t, http.StatusOK, &cert)

	if cert.Object != "certificate" {
		t.Errorf("object %q, want certificate", cert.Object)
	}
	if _, ok := raw["active"]; ok {
		t.Errorf("upload answered active: %s", r.body)
	}
	if !strings.HasPrefix(cert.Id, "cert_") || len(cert.Id) <= len("cert_") {
		t.Errorf("id %q, want cert_ and a random part", cert.Id)
	}
	if cert.Name == nil || *cert.Name != "My Example Certificate" {
		t.Errorf("name %v", cert.Name)
	}
	if cert.CreatedAt < before || cert.CreatedAt > time.Now().Unix() {
		t.Errorf("created_at %d is not the upload time", cert.CreatedAt)
	}
	d := cert.CertificateDetails
	if d.ValidAt == nil || *d.ValidAt != notBefore.Unix() || d.ExpiresAt == nil || *d.ExpiresAt != notAfter.Unix() {
		t.Errorf("certificate_details %s, want valid_at %d expires_at %d", r.body, notBefore.Unix(), notAfter.Unix())
	}
	if d.Content != nil {
		t.Errorf("upload answered the content")
	}

	other := c.upload(t, "")
	if other.Id == cert.Id {
		t.Errorf("two uploads share id %s", cert.Id)
	}
	if other.Name != nil {
		t.Errorf("name %q without a name given, want null", *other.Name)
	}
}

func TestNothingIsActiveAfterUpload(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	c.upload(t, "")
	for _, path := range []string{"/organization/certificates", "/organization/projects/proj_default/certificates"} {
		for _, item := range c.listAll(t, path, 100, "asc") {
			if item.Active {
				t.Errorf("%s: %s is active after upload", path, item.Id)
			}
		}
	}
}

func TestUploadRefusesBadCertificates(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	valid := newCertPEM(t, testcert.Options{})
	withKey, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := withKey.PEM, withKey.KeyPEM
	oversized := newCertPEM(t, testcert.Options{Padding: 12500})
	if len(oversized) < 16<<10 || len(oversized) > 20<<10 {
		t.Fatalf("oversized PEM is %d bytes, want 16 to 20 KiB", len(oversized))
	}

	tests := []struct {
		name        string
		certificate string
	}{
		{"empty", ""},
		{"blank", " \n\t"},
		{"garbage", "not a certificate"},
		{"truncated reference page example", "-----BEGIN CERTIFICATE-----\nMIIDeT...\n-----END CERTIFICATE-----"},
		{"PEM with bytes that are no certificate", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("junk")}))},
		{"private key", keyPEM},
		{"certificate with its private key", certPEM + keyPEM},
		{"chain of two certificates", certPEM + valid},
		{"text before the block", "subject=CN=test\n" + valid},
		{"text after the block", valid + "trailing"},
		{"expired", newCertPEM(t, testcert.Options{NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-time.Hour)})},
		{"expires within one day", newCertPEM(t, testcert.Options{NotAfter: time.Now().Add(23 * time.Hour)})},
		{"16 KiB or more", oversized},
		{"a leaf", newCertPEM(t, testcert.Options{NotCA: true})},
		{"no Subject Key Identifier", newCertPEM(t, testcert.Options{NoSubjectKeyID: true})},
		{"no Authority Key Identifier", newCertPEM(t, testcert.Options{NoAuthorityKeyID: true})},
		{"no Certificate Sign", newCertPEM(t, testcert.Options{NoCertSign: true})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": tt.certificate}).
				wantError(t, apiErr{status: http.StatusBadRequest, param: "certificate"})
		})
	}
	if items := c.listAll(t, "/organization/certificates", 100, "asc"); len(items) != 0 {
		t.Fatalf("refused uploads stored %d certificates", len(items))
	}
}

// The edges of the rules: just over a day of validity left, just under 16 KiB,
// whitespace around the block. The content comes back byte for byte.
func TestUploadAcceptsCertificatesAtTheEdges(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	pemText := "\n" + newCertPEM(t, testcert.Options{NotAfter: time.Now().Add(25 * time.Hour), Padding: 11500}) + "\n\n"
	if len(pemText) >= 16<<10 || len(pemText) < 15<<10 {
		t.Fatalf("PEM is %d bytes, want just under 16 KiB", len(pemText))
	}
	var cert generated.Certificate
	c.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": pemText}).decode(t, http.StatusOK, &cert)
	var got generated.Certificate
	c.do(t, http.MethodGet, "/organization/certificates/"+cert.Id+"?include[]=content", nil).decode(t, http.StatusOK, &got)
	if got.CertificateDetails.Content == nil || *got.CertificateDetails.Content != pemText {
		t.Fatalf("content is not the PEM byte for byte")
	}
}

func TestUploadBodyRules(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	valid := newCertPEM(t, testcert.Options{})
	tests := []struct {
		name      string
		body      any
		wantParam string
	}{
		{"no certificate", map[string]any{"name": "n"}, "certificate"},
		{"certificate not a string", map[string]any{"certificate": 5}, "certificate"},
		{"name not a string", map[string]any{"certificate": valid, "name": 5}, "name"},
		{"name null", map[string]any{"certificate": valid, "name": nil}, "name"},
		{"2025 field name content", map[string]any{"content": valid}, "certificate"},
		{"unknown field beside the certificate", map[string]any{"certificate": valid, "nmae": "typo"}, "nmae"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.do(t, http.MethodPost, "/organization/certificates", tt.body).wantError(t, apiErr{status: http.StatusBadRequest, param: tt.wantParam})
		})
	}
	if items := c.listAll(t, "/organization/certificates", 100, "asc"); len(items) != 0 {
		t.Fatalf("refused uploads stored %d certificates", len(items))
	}
}

func TestFiftyFirstCertificateIsRefused(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	pemText := newCertPEM(t, testcert.Options{})
	body, _ := json.Marshal(map[string]any{"certificate": pemText})
	for range emulator.MaxCertificates {
		c.do(t, http.MethodPost, "/organization/certificates", body).decode(t, http.StatusOK, nil)
	}
	c.do(t, http.MethodPost, "/organization/certificates", body).
		wantError(t, apiErr{status: http.StatusBadRequest, code: generated.ErrorCodeCertificateLimitReached})
	if n := len(c.listAll(t, "/organization/certificates", 100, "desc")); n != emulator.MaxCertificates {
		t.Fatalf("%d certificates stored, want %d", n, emulator.MaxCertificates)
	}

	// Deleting one makes room for exactly one more.
	var page generated.ListCertificatesResponse
	c.do(t, http.MethodGet, "/organization/certificates?limit=1", nil).decode(t, http.StatusOK, &page)
	c.do(t, http.MethodDelete, "/organization/certificates/"+page.Data[0].Id, nil).decode(t, http.StatusOK, nil)
	c.do(t, http.MethodPost, "/organization/certificates", body).decode(t, http.StatusOK, nil)
	c.do(t, http.MethodPost, "/organization/certificates", body).
		wantError(t, apiErr{status: http.StatusBadRequest, code: generated.ErrorCodeCertificateLimitReached})
}
