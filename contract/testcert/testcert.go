// Package testcert makes certificates at run time, so tests of the API, the
// emulator or a client never need committed key material: self-signed CA
// certificates on ECDSA P-256 that meet every published requirement of the
// Certificates API (CA, Subject and Authority Key Identifiers, key usage
// Certificate Sign and CRL Sign), or, by option, miss exactly one of them;
// and client certificates signed by such a CA for mutual TLS.
package testcert

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Options shape a CA certificate. The zero value gives one that meets every
// published requirement, valid from an hour ago for 90 days. Each No… option
// breaks exactly one requirement and leaves the others met, so a test of a
// refusal knows what it is refused for.
type Options struct {
	NotBefore time.Time
	NotAfter  time.Time
	// Padding adds a non-critical extension of that many bytes, to reach a
	// PEM size (the API refuses 16 KiB or more) with an otherwise valid
	// certificate.
	Padding int
	// NotCA makes basic constraints say CA:FALSE: a leaf, which cannot sign
	// the client certificates of mutual TLS.
	NotCA bool
	// NoSubjectKeyID leaves out the Subject Key Identifier extension.
	NoSubjectKeyID bool
	// NoAuthorityKeyID leaves out the Authority Key Identifier extension.
	NoAuthorityKeyID bool
	// NoCertSign gives key usage Digital Signature only, without
	// Certificate Sign and CRL Sign.
	NoCertSign bool
}

// Certificate is a generated certificate and its key.
type Certificate struct {
	// PEM is a single CERTIFICATE block.
	PEM string
	// KeyPEM is the private key as an EC PRIVATE KEY block: what NewClient
	// signs with, and, for tests that upload a key by mistake, what the API
	// must refuse.
	KeyPEM string
	// NotBefore and NotAfter are the validity as stored in the certificate,
	// whole seconds.
	NotBefore time.Time
	NotAfter  time.Time
}

// paddingOID is in the arc reserved for examples (RFC 7229): no verifier
// knows it, and it is not critical.
var paddingOID = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 13, 1}

// basicConstraintsOID is RFC 5280's id-ce-basicConstraints.
var basicConstraintsOID = asn1.ObjectIdentifier{2, 5, 29, 19}

// New makes a fresh self-signed CA certificate with a fresh key.
func New(opts Options) (Certificate, error) {
	key, serial, err := fresh()
	if err != nil {
		return Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "certcontract test CA " + serial.Text(16), Organization: []string{"certcontract"}},
		KeyUsage:     x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	validity(tmpl, opts.NotBefore, opts.NotAfter)
	ski := keyID(&key.PublicKey)
	if !opts.NoSubjectKeyID {
		tmpl.SubjectKeyId = ski
	}
	// For a self-signed certificate x509 writes the template's Authority Key
	// Identifier as given, and none when it is empty.
	if !opts.NoAuthorityKeyID {
		tmpl.AuthorityKeyId = ski
	}
	if opts.NoCertSign {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	}
	switch {
	case opts.NotCA:
		tmpl.BasicConstraintsValid = true
	case opts.NoSubjectKeyID:
		// x509 adds a Subject Key Identifier to every CA whose template has
		// none; written by hand, the basic constraints do not trigger it.
		value, err := asn1.Marshal(struct{ IsCA bool }{true})
		if err != nil {
			return Certificate{}, fmt.Errorf("testcert: basic constraints: %w", err)
		}
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: basicConstraintsOID, Critical: true, Value: value})
	default:
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	}
	if opts.Padding > 0 {
		value, err := asn1.Marshal(make([]byte, opts.Padding))
		if err != nil {
			return Certificate{}, fmt.Errorf("testcert: padding: %w", err)
		}
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{Id: paddingOID, Value: value})
	}
	return issueWith(tmpl, tmpl, key, key)
}

// fresh makes a key and a random serial number.
func fresh() (*ecdsa.PrivateKey, *big.Int, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("testcert: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, fmt.Errorf("testcert: serial number: %w", err)
	}
	return key, serial, nil
}

// validity sets the template's validity, from an hour ago for 90 days where
// not given, in whole seconds as a certificate stores it.
func validity(tmpl *x509.Certificate, notBefore, notAfter time.Time) {
	now := time.Now()
	if notBefore.IsZero() {
		notBefore = now.Add(-time.Hour)
	}
	if notAfter.IsZero() {
		notAfter = now.Add(90 * 24 * time.Hour)
	}
	tmpl.NotBefore, tmpl.NotAfter = notBefore.Truncate(time.Second), notAfter.Truncate(time.Second)
}

// keyID is RFC 5280's first method of making a key identifier: the SHA-1 of
// the public key's bits.
func keyID(pub *ecdsa.PublicKey) []byte {
	point, _ := pub.ECDH() // a key of a NIST curve always converts
	sum := sha1.Sum(point.Bytes())
	return sum[:]
}

// issueWith signs tmpl, the certificate of key, as parent with signer, and
// encodes the certificate and key.
func issueWith(tmpl, parent *x509.Certificate, key *ecdsa.PrivateKey, signer crypto.Signer) (Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
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
