package contract_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Test certificates are made at run time, so no private key is ever committed:
// self-signed CA certificates on ECDSA P-256 (fast to generate), the kind the
// live API accepts for mutual TLS.

type certSpec struct {
	notBefore time.Time
	notAfter  time.Time
	padding   int // bytes of an extra non-critical extension, to make a big certificate
}

// issued is a certificate as the API should report it back.
type issued struct {
	pem       string
	notBefore int64
	notAfter  int64
}

// paddingOID is in the arc reserved for examples (RFC 7229); no verifier
// knows it, and it is not critical.
var paddingOID = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 13, 1}

func makeCert(s certSpec) issued {
	GinkgoHelper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	Expect(err).NotTo(HaveOccurred())
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "certcontract test CA " + serial.Text(16), Organization: []string{"certcontract"}},
		NotBefore:             s.notBefore.Truncate(time.Second),
		NotAfter:              s.notAfter.Truncate(time.Second),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	if s.padding > 0 {
		value, err := asn1.Marshal(make([]byte, s.padding))
		Expect(err).NotTo(HaveOccurred())
		tmpl.ExtraExtensions = []pkix.Extension{{Id: paddingOID, Value: value}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	Expect(err).NotTo(HaveOccurred())
	return issued{
		pem:       string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		notBefore: tmpl.NotBefore.Unix(),
		notAfter:  tmpl.NotAfter.Unix(),
	}
}

// validCert is valid from an hour ago for 90 days.
func validCert() issued {
	GinkgoHelper()
	now := time.Now()
	return makeCert(certSpec{notBefore: now.Add(-time.Hour), notAfter: now.Add(90 * 24 * time.Hour)})
}

// The PEMs the API must refuse, by reason. The oversized one is a single,
// valid certificate, so its size is the only thing wrong with it.
func garbagePEM() string {
	return "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
}

func privateKeyPEM() string {
	GinkgoHelper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	der, err := x509.MarshalECPrivateKey(key)
	Expect(err).NotTo(HaveOccurred())
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
}

func chainPEM() string {
	GinkgoHelper()
	return validCert().pem + validCert().pem
}

func expiredPEM() string {
	GinkgoHelper()
	now := time.Now()
	return makeCert(certSpec{notBefore: now.Add(-48 * time.Hour), notAfter: now.Add(-time.Hour)}).pem
}

func expiringWithinADayPEM() string {
	GinkgoHelper()
	now := time.Now()
	return makeCert(certSpec{notBefore: now.Add(-time.Hour), notAfter: now.Add(12 * time.Hour)}).pem
}

// oversizedPEM is over 16 KiB of PEM, well under the 64 KiB body limit.
func oversizedPEM() string {
	GinkgoHelper()
	now := time.Now()
	p := makeCert(certSpec{notBefore: now.Add(-time.Hour), notAfter: now.Add(90 * 24 * time.Hour), padding: 13 << 10}).pem
	Expect(len(p)).To(BeNumerically(">", 16<<10))
	Expect(strings.Count(p, "BEGIN")).To(Equal(1))
	return p
}
