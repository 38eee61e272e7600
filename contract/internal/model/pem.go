package model

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"time"
)

// readPEM applies the published requirements for an uploaded CA certificate:
// PEM, under 16 KB, a single certificate, not expiring within one day. It
// returns the validity the API must report, or why the upload is refused.
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
	return c.NotBefore.Unix(), c.NotAfter.Unix(), ""
}
