package contract_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// Test certificates are made at run time by package testcert, so no private
// key is ever committed: self-signed CA certificates, the kind the live API
// accepts for mutual TLS.

// issued is a certificate as the API should report it back.
type issued struct {
	pem       string
	notBefore int64
	notAfter  int64
}

func makeCert(opts testcert.Options) issued {
	GinkgoHelper()
	c, err := testcert.New(opts)
	Expect(err).NotTo(HaveOccurred())
	return issued{pem: c.PEM, notBefore: c.NotBefore.Unix(), notAfter: c.NotAfter.Unix()}
}

// validCert is valid from an hour ago for 90 days and meets every
// published requirement, so the live API has no reason to refuse it.
func validCert() issued {
	GinkgoHelper()
	c := makeCert(testcert.Options{})
	Expect(generated.CheckCACertificate(c.pem)).To(Succeed())
	return c
}

// The PEMs the API must refuse, by reason. The oversized one is a single,
// valid certificate, so its size is the only thing wrong with it.
func garbagePEM() string {
	return "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
}

func privateKeyPEM() string {
	GinkgoHelper()
	c, err := testcert.New(testcert.Options{})
	Expect(err).NotTo(HaveOccurred())
	return c.KeyPEM
}

func chainPEM() string {
	GinkgoHelper()
	return validCert().pem + validCert().pem
}

func expiredPEM() string {
	GinkgoHelper()
	now := time.Now()
	return makeCert(testcert.Options{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)}).pem
}

// invertedPEM ends its validity before it begins, both well in the future,
// so nothing but the order is wrong with it.
func invertedPEM() string {
	GinkgoHelper()
	now := time.Now()
	return makeCert(testcert.Options{NotBefore: now.Add(100 * 24 * time.Hour), NotAfter: now.Add(90 * 24 * time.Hour)}).pem
}

func expiringWithinADayPEM() string {
	GinkgoHelper()
	return makeCert(testcert.Options{NotAfter: time.Now().Add(12 * time.Hour)}).pem
}

// oversizedPEM is over 16 KiB of PEM, well under the 64 KiB body limit.
func oversizedPEM() string {
	GinkgoHelper()
	p := makeCert(testcert.Options{Padding: 13 << 10}).pem
	Expect(len(p)).To(BeNumerically(">", 16<<10))
	Expect(strings.Count(p, "BEGIN")).To(Equal(1))
	return p
}
