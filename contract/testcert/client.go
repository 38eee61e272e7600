package testcert

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// ClientOptions shape a client certificate. The zero value gives one that
// meets every published requirement of a client certificate for OpenAI's
// mutual TLS: signed directly by the CA, Subject and Authority Key
// Identifiers, key usage Digital Signature and Key Encipherment, extended key
// usage TLS client authentication, valid from an hour ago for 90 days. Each
// No… option breaks exactly one requirement.
type ClientOptions struct {
	NotBefore time.Time
	NotAfter  time.Time
	// CommonName is the subject's common name; "certcontract test client"
	// and the serial number when empty.
	CommonName string
	// NoSubjectKeyID leaves out the Subject Key Identifier extension.
	NoSubjectKeyID bool
	// NoAuthorityKeyID leaves out the Authority Key Identifier extension.
	NoAuthorityKeyID bool
	// NoKeyEncipherment gives key usage Digital Signature only.
	NoKeyEncipherment bool
	// NoClientAuth leaves out the extended key usage.
	NoClientAuth bool
}

// NewClient makes a fresh client certificate and key signed by the CA whose
// certificate and private key are given in PEM (an EC, PKCS #8 or PKCS #1
// key: what New, openssl and most tools write).
func NewClient(caPEM, caKeyPEM string, opts ClientOptions) (Certificate, error) {
	return signedByCA(caPEM, caKeyPEM, func(ca *x509.Certificate, key *ecdsa.PublicKey, serial *big.Int) (tmpl, parent *x509.Certificate) {
		return clientTemplate(ca, key, serial, opts)
	})
}

// clientTemplate is NewClient's certificate and the parent that signs it:
// the CA, or a copy without its Subject Key Identifier (NoAuthorityKeyID).
func clientTemplate(ca *x509.Certificate, key *ecdsa.PublicKey, serial *big.Int, opts ClientOptions) (tmpl, parent *x509.Certificate) {
	name := opts.CommonName
	if name == "" {
		name = "certcontract test client " + serial.Text(16)
	}
	tmpl = &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"certcontract"}},
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	validity(tmpl, opts.NotBefore, opts.NotAfter)
	if !opts.NoSubjectKeyID {
		tmpl.SubjectKeyId = keyID(key)
	}
	if opts.NoKeyEncipherment {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	}
	if opts.NoClientAuth {
		tmpl.ExtKeyUsage = nil
	}
	// x509 writes the parent's Subject Key Identifier as the Authority Key
	// Identifier of a certificate it signs, and none when the parent has
	// none.
	parent = ca
	if opts.NoAuthorityKeyID {
		copied := *ca
		copied.SubjectKeyId = nil
		parent = &copied
	}
	return tmpl, parent
}

// TLS is the certificate and key as crypto/tls takes them for a client or
// server: the certificate (and any PEM blocks after it, a chain) and the key.
func (c Certificate) TLS() (tls.Certificate, error) {
	return tls.X509KeyPair([]byte(c.PEM), []byte(c.KeyPEM))
}

func parseCA(caPEM, caKeyPEM string) (*x509.Certificate, crypto.Signer, error) {
	block, _ := pem.Decode([]byte(caPEM))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, nil, errors.New("testcert: the CA is not a PEM CERTIFICATE block")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("testcert: the CA: %w", err)
	}
	keyBlock, _ := pem.Decode([]byte(caKeyPEM))
	if keyBlock == nil {
		return nil, nil, errors.New("testcert: the CA's key is not PEM")
	}
	var key any
	switch keyBlock.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(keyBlock.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(keyBlock.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	default:
		return nil, nil, fmt.Errorf("testcert: the CA's key is a %s block, not a private key", keyBlock.Type)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("testcert: the CA's key: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("testcert: the CA's key (%T) cannot sign", key)
	}
	return ca, signer, nil
}

// NewIntermediate makes a fresh CA certificate and key signed by the CA
// whose certificate and key are given: a client certificate it signs has a
// chain of two to that CA, which OpenAI's mutual TLS refuses unless chain
// support is enabled for the organization.
func NewIntermediate(caPEM, caKeyPEM string) (Certificate, error) {
	return signedByCA(caPEM, caKeyPEM, func(ca *x509.Certificate, key *ecdsa.PublicKey, serial *big.Int) (tmpl, parent *x509.Certificate) {
		tmpl = &x509.Certificate{
			SerialNumber:          serial,
			Subject:               pkix.Name{CommonName: "certcontract test intermediate CA " + serial.Text(16), Organization: []string{"certcontract"}},
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			SubjectKeyId:          keyID(key),
		}
		validity(tmpl, time.Time{}, time.Time{})
		return tmpl, ca
	})
}

// NewServer makes a fresh TLS server certificate and key for hosts (DNS
// names or IP addresses) signed by the CA whose certificate and key are
// given, for a test server its clients trust through that CA.
func NewServer(caPEM, caKeyPEM string, hosts ...string) (Certificate, error) {
	return signedByCA(caPEM, caKeyPEM, func(ca *x509.Certificate, key *ecdsa.PublicKey, serial *big.Int) (tmpl, parent *x509.Certificate) {
		tmpl = &x509.Certificate{
			SerialNumber:          serial,
			Subject:               pkix.Name{CommonName: "certcontract test server", Organization: []string{"certcontract"}},
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageDigitalSignature,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			SubjectKeyId:          keyID(key),
		}
		for _, h := range hosts {
			if ip := net.ParseIP(h); ip != nil {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			} else {
				tmpl.DNSNames = append(tmpl.DNSNames, h)
			}
		}
		validity(tmpl, time.Time{}, time.Time{})
		return tmpl, ca
	})
}

// signedByCA makes a fresh key and serial number, has build write the
// certificate's template and choose its parent (the CA, or a copy of it),
// and signs it with the CA whose certificate and key are given in PEM.
func signedByCA(caPEM, caKeyPEM string, build func(ca *x509.Certificate, key *ecdsa.PublicKey, serial *big.Int) (tmpl, parent *x509.Certificate)) (Certificate, error) {
	ca, signer, err := parseCA(caPEM, caKeyPEM)
	if err != nil {
		return Certificate{}, err
	}
	key, serial, err := fresh()
	if err != nil {
		return Certificate{}, err
	}
	tmpl, parent := build(ca, &key.PublicKey, serial)
	return issueWith(tmpl, parent, key, signer)
}
