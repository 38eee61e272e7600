// Package testcert makes certificates of the kind the Certificates API
// accepts, self-signed CA certificates on ECDSA P-256, at run time, so tests
// of the API, the emulator or a client never need committed key material.
package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Options shape a certificate. The zero value gives one valid from an hour
// ago for 90 days.
type Options struct {
	NotBefore time.Time
	NotAfter  time.Time
	// Padding adds a non-critical extension of that many bytes, to reach a
	// PEM size (the API refuses 16 KiB or more) with an otherwise valid
	// certificate.
	Padding int
	// NotCA makes a certificate whose basic constraints say it is no CA,
	// which cannot sign the client certificates of mutual TLS.
	NotCA bool
}

// Certificate is a generated certificate and its key.
type Certificate struct {
	// PEM is a single CERTIFICATE block.
	PEM string
	// KeyPEM is the private key as an EC PRIVATE KEY block, for tests that
	// upload a key by mistake; the API must refuse it.
	KeyPEM string
	// NotBefore and NotAfter are the validity as stored in the certificate,
	// whole seconds.
	NotBefore time.Time
	NotAfter  time.Time
}

// paddingOID is in the arc reserved for examples (RFC 7229): no verifier
// knows it, and it is not critical.
var paddingOID = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 13, 1}

// New makes a fresh certificate with a fresh key.
func New(opts Options) (Certificate, error) {
	now := time.Now()
	if opts.NotBefore.IsZero() {
		opts.NotBefore = now.Add(-time.Hour)
	}
	if opts.NotAfter.IsZero() {
		opts.NotAfter = now.Add(90 * 24 * time.Hour)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Certificate{}, fmt.Errorf("testcert: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return Certificate{}, fmt.Errorf("testcert: serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "certcontract test CA " + serial.Text(16), Organization: []string{"certcontract"}},
		NotBefore:             opts.NotBefore.Truncate(time.Second),
		NotAfter:              opts.NotAfter.Truncate(time.Second),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	if opts.NotCA {
		tmpl.IsCA, tmpl.KeyUsage = false, x509.KeyUsageDigitalSignature
	}
	if opts.Padding > 0 {
		value, err := asn1.Marshal(make([]byte, opts.Padding))
		if err != nil {
			return Certificate{}, fmt.Errorf("testcert: padding: %w", err)
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: paddingOID, Value: value}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return Certificate{}, fmt.Errorf("testcert: create certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return Certificate{}, fmt.Errorf("testcert: marshal key: %w", err)
	}
	return Certificate{
		PEM:       string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		KeyPEM:    string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})),
		NotBefore: tmpl.NotBefore,
		NotAfter:  tmpl.NotAfter,
	}, nil
}
