package store

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"time"
)

// Published limits of an uploaded CA certificate.
const (
	maxPEMBytes     = 16 << 10
	minRemainingTTL = 24 * time.Hour
)

// parseCertificatePEM accepts exactly one CERTIFICATE block without headers
// that x509 can parse, under 16 KiB, whose validity ends after it starts and
// a day from now at the earliest. Anything else is refused with
// ErrInvalidCertificate and a message saying what was wrong.
//
// The published requirements of what the certificate is (a CA, its key
// identifiers and key usage) are checked after it parses: see
// requirements.go. Where the published requirements are silent: a
// certificate not valid yet is accepted (the API reports valid_at, when it
// becomes valid); a block with headers is refused (RFC 7468 allows none in a certificate, and
// RFC 1421's Proc-Type headers mean an encrypted body, never a certificate).
func parseCertificatePEM(content string, now time.Time) (*x509.Certificate, error) {
	refuse := func(message string) (*x509.Certificate, error) {
		return nil, &Error{Rule: ErrInvalidCertificate, Message: message}
	}
	if len(content) >= maxPEMBytes {
		return refuse("The certificate must be smaller than 16 KB.")
	}
	data := bytes.TrimSpace([]byte(content))
	if len(data) == 0 {
		return refuse("The certificate is empty; send one PEM-encoded certificate.")
	}
	block, rest := pem.Decode(data)
	if block == nil || !bytes.HasPrefix(data, []byte("-----BEGIN ")) {
		return refuse("The certificate is not PEM-encoded; send one -----BEGIN CERTIFICATE----- block.")
	}
	if block.Type != "CERTIFICATE" {
		return refuse("The PEM block is a " + block.Type + ", not a CERTIFICATE.")
	}
	if len(block.Headers) > 0 {
		return refuse("The PEM block has headers; a certificate's PEM has none (RFC 7468).")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return refuse("Send exactly one certificate: chains and extra PEM blocks or text are not accepted.")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return refuse("The certificate could not be parsed: " + err.Error() + ".")
	}
	if cert.NotAfter.Before(cert.NotBefore) {
		return refuse("The certificate's validity ends before it begins: its notAfter is before its notBefore.")
	}
	if cert.NotAfter.Before(now.Add(minRemainingTTL)) {
		return refuse("The certificate has expired or expires within one day.")
	}
	return cert, nil
}
