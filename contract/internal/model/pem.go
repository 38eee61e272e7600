package model

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"strings"
	"time"
)

// readPEM applies the published requirements for an uploaded CA certificate:
// PEM, under 16 KB, a single certificate, not expiring within one day, and
// what caExtensions reads. It returns the validity the API must report, or
// why the upload is refused.
func readPEM(content string, now time.Time) (validAt, expiresAt int64, refused string) {
	if len(content) >= MaxPEMBytes {
		return 0, 0, "16 KB or larger"
	}
	data := bytes.TrimSpace([]byte(content))
	block, rest := pem.Decode(data)
	switch {
	case block == nil:
		return 0, 0, "not PEM"
	case !bytes.HasPrefix(data, []byte("-----BEGIN ")):
		return 0, 0, "text before the PEM block"
	case block.Type != "CERTIFICATE":
		return 0, 0, "a " + block.Type + " block, not a CERTIFICATE"
	case len(bytes.TrimSpace(rest)) > 0:
		return 0, 0, "more than one certificate"
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return 0, 0, "not a certificate x509 can read"
	}
	if !c.NotAfter.After(now.Add(MinRemaining)) {
		return 0, 0, "expired or expiring within a day"
	}
	if why := caExtensions(c.Extensions); why != "" {
		return 0, 0, why
	}
	return c.NotBefore.Unix(), c.NotAfter.Unix(), ""
}

// The extensions the published requirements name (RFC 5280, 4.2.1).
var (
	oidSubjectKeyID     = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidAuthorityKeyID   = asn1.ObjectIdentifier{2, 5, 29, 35}
)

// caExtensions reads, from the certificate's raw extensions rather than
// x509's reading of them, what the mutual TLS program requires of a CA: the
// CA flag of basic constraints, a Subject Key Identifier, an Authority Key
// Identifier carrying a keyIdentifier, and key usage keyCertSign and
// cRLSign. It says what is missing, or "".
func caExtensions(exts []pkix.Extension) string {
	var missing []string
	// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, ... }
	var bc struct {
		CA      bool `asn1:"optional"`
		PathLen int  `asn1:"optional"`
	}
	if v := extension(exts, oidBasicConstraints); v == nil || mustRead(v, &bc) != nil || !bc.CA {
		missing = append(missing, "no CA")
	}
	missing = append(missing, keyIdentifiers(exts)...)
	if !keyUsage(exts, 5, 6) { // keyCertSign, cRLSign
		missing = append(missing, "without keyCertSign and cRLSign")
	}
	return strings.Join(missing, ", ")
}

// extension is the value of the extension oid, nil when there is none.
func extension(exts []pkix.Extension, oid asn1.ObjectIdentifier) []byte {
	for _, e := range exts {
		if e.Id.Equal(oid) {
			return e.Value
		}
	}
	return nil
}

// keyIdentifiers says which of the two key identifiers is missing: a
// SubjectKeyIdentifier (an OCTET STRING), and an AuthorityKeyIdentifier
// holding its keyIdentifier ([0] IMPLICIT OCTET STRING, the form the program
// requires; the issuer name and serial number alone do not count).
func keyIdentifiers(exts []pkix.Extension) []string {
	var missing []string
	var ski []byte
	if v := extension(exts, oidSubjectKeyID); v == nil || mustRead(v, &ski) != nil || len(ski) == 0 {
		missing = append(missing, "without a subject key identifier")
	}
	var aki struct {
		KeyID  []byte        `asn1:"optional,tag:0"`
		Issuer asn1.RawValue `asn1:"optional"`
		Serial asn1.RawValue `asn1:"optional"`
	}
	if v := extension(exts, oidAuthorityKeyID); v == nil || mustRead(v, &aki) != nil || len(aki.KeyID) == 0 {
		missing = append(missing, "without an authority key identifier")
	}
	return missing
}

// keyUsage says whether the KeyUsage BIT STRING sets every one of bits.
func keyUsage(exts []pkix.Extension, bits ...int) bool {
	var ku asn1.BitString
	if v := extension(exts, oidKeyUsage); v == nil || mustRead(v, &ku) != nil {
		return false
	}
	for _, b := range bits {
		if ku.At(b) == 0 {
			return false
		}
	}
	return true
}

// mustRead reads der into v, refusing bytes left over.
func mustRead(der []byte, v any) error {
	rest, err := asn1.Unmarshal(der, v)
	if err == nil && len(rest) > 0 {
		err = errors.New("trailing data")
	}
	return err
}
