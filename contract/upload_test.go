package contract_test

import (
	"context"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/suite"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// expectNoCertificateNamed checks a refused upload stored nothing: on a shared
// organization the name is the only handle on it. Others' certificates may
// have no name at all.
func expectNoCertificateNamed(ctx context.Context, o *org, name string) {
	GinkgoHelper()
	for _, c := range o.walkOrg(ctx) {
		if c.Name != nil && *c.Name == name {
			Fail("a refused upload was stored as " + c.Id)
		}
	}
}

// uploadRefused uploads pem expecting a 400 about param; if the API stores it
// anyway, it is still cleaned up.
func uploadRefused(ctx context.Context, o *org, label, pem, param string) {
	GinkgoHelper()
	name := certName(label)
	res := must(o.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: pem, Name: &name}))
	if res.JSON200 != nil {
		o.removeLater(res.JSON200.Id)
	}
	expectError(res, badRequest(param))
	expectNoCertificateNamed(ctx, o, name)
}

var _ = Describe("Uploading a certificate", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	It("stores it as uploaded, active nowhere", Label(mutation.CatchesLabel(mutation.WrongObject), mutation.CatchesLabel(mutation.ActiveAfterUpload)), func(ctx SpecContext) {
		got, c := o.upload(ctx, "upload")
		name := certName("upload")

		Expect(got.Object).To(Equal(generated.CertificateObjectCertificate))
		Expect(got.Id).To(HavePrefix("cert_"))
		Expect(got.Name).To(HaveValue(Equal(name)))
		Expect(got.CreatedAt).To(BeNumerically("~", time.Now().Unix(), 600), "created_at is the upload time")
		Expect(got.CertificateDetails.ValidAt).To(HaveValue(Equal(c.notBefore)), "valid_at is the certificate's NotBefore")
		Expect(got.CertificateDetails.ExpiresAt).To(HaveValue(Equal(c.notAfter)), "expires_at is the certificate's NotAfter")
		Expect(got.CertificateDetails.Content).To(BeNil(), "content only comes when asked for")
		if got.Active != nil {
			Expect(*got.Active).To(BeFalse(), "a new certificate is not active")
		}

		Expect(o.activeInOrg(ctx, got.Id)).To(BeFalse(), "active for the organization right after upload")
		for _, p := range o.projects {
			Expect(o.activeInProject(ctx, p, got.Id)).To(BeFalse(), "active for project %s right after upload", p)
		}
	})

	It("does not need a name", func(ctx SpecContext) {
		res := must(o.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: validCert().pem}))
		expectStatus(res, http.StatusOK)
		o.removeLater(res.JSON200.Id)
		Expect(res.JSON200.Name).To(BeNil())

		got := must(o.GetCertificateWithResponse(ctx, res.JSON200.Id, nil))
		expectStatus(got, http.StatusOK)
		Expect(got.JSON200.Name).To(BeNil())
	})

	DescribeTable("refuses what is not one valid CA certificate",
		func(ctx SpecContext, label string, pem func() string) {
			uploadRefused(ctx, o, "refused-"+label, pem(), "certificate")
		},
		Entry("garbage", "garbage", garbagePEM),
		Entry("empty", "empty", func() string { return "" }),
		Entry("a private key", "private-key", privateKeyPEM),
		Entry("a chain of two certificates", "chain", chainPEM),
		Entry("an expired certificate", "expired", expiredPEM),
		Entry("a certificate expiring within a day", "expiring", expiringWithinADayPEM),
		Entry("a certificate whose validity ends before it begins", "inverted", invertedPEM),
		Entry("a PEM over 16 KiB", "oversized", oversizedPEM),
	)

	// The published requirements of a CA certificate for mutual TLS, each
	// broken alone by a certificate that meets all the others.
	DescribeTable("refuses a CA certificate missing a published requirement",
		func(ctx SpecContext, label string, opts testcert.Options) {
			uploadRefused(ctx, o, "refused-"+label, makeCert(opts).pem, "certificate")
		},
		Entry("a leaf (basic constraints CA:FALSE)", Label(mutation.CatchesLabel(mutation.AcceptLeaf)),
			"leaf", testcert.Options{NotCA: true}),
		Entry("no Subject Key Identifier", Label(mutation.CatchesLabel(mutation.AcceptNoSubjectKeyID)),
			"no-ski", testcert.Options{NoSubjectKeyID: true}),
		Entry("no Authority Key Identifier", Label(mutation.CatchesLabel(mutation.AcceptNoAuthorityKeyID)),
			"no-aki", testcert.Options{NoAuthorityKeyID: true}),
		Entry("key usage without Certificate Sign and CRL Sign", Label(mutation.CatchesLabel(mutation.AcceptNoCertSign)),
			"no-cert-sign", testcert.Options{NoCertSign: true}),
	)

	It("refuses an unknown field rather than ignoring it", func(ctx SpecContext) {
		name := certName("typo")
		body := `{"certificate":` + jsonString(validCert().pem) + `,"nmae":` + jsonString(name) + `}`
		res := must(o.UploadCertificateWithBodyWithResponse(ctx, "application/json", strings.NewReader(body)))
		if res.JSON200 != nil {
			o.removeLater(res.JSON200.Id)
		}
		expectError(res, badRequest("nmae"))
	})

	It("refuses the 51st certificate of an organization", Label(suite.LabelExclusive), Serial, func(ctx SpecContext) {
		have := len(o.walkOrg(ctx))
		Expect(have).To(BeNumerically("<=", 50))
		o.uploadN(ctx, "fill", 50-have)

		name := certName("over-limit")
		res := must(o.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: validCert().pem, Name: &name}))
		if res.JSON200 != nil {
			o.removeLater(res.JSON200.Id)
		}
		expectError(res, wantError{status: http.StatusBadRequest, typ: "invalid_request_error", code: generated.ErrorCodeCertificateLimitReached})
		Expect(o.walkOrg(ctx)).To(HaveLen(50))
	})
})
