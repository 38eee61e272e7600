package contract_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/generated"
)

var _ = Describe("Getting a certificate", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	DescribeTable("returns it whether active or not, without an active field",
		func(ctx SpecContext, activate bool) {
			up, c := o.upload(ctx, "get")
			if activate {
				o.activateOrg(ctx, up.Id)
			}
			res := must(o.GetCertificateWithResponse(ctx, up.Id, nil))
			expectStatus(res, http.StatusOK)
			got := res.JSON200
			Expect(got.Object).To(Equal(generated.CertificateObjectCertificate))
			Expect(got.Id).To(Equal(up.Id))
			Expect(got.Name).To(Equal(up.Name))
			Expect(got.CreatedAt).To(Equal(up.CreatedAt))
			Expect(got.CertificateDetails.ValidAt).To(HaveValue(Equal(c.notBefore)))
			Expect(got.CertificateDetails.ExpiresAt).To(HaveValue(Equal(c.notAfter)))
			Expect(got.CertificateDetails.Content).To(BeNil(), "content only comes when asked for")
			Expect(got.Active).To(BeNil(), "get does not say whether the certificate is active")
		},
		Entry("inactive", false),
		Entry("active for the organization", true),
	)

	It("returns the PEM byte for byte with include[]=content", func(ctx SpecContext) {
		up, c := o.upload(ctx, "content")
		res := must(o.GetCertificateWithResponse(ctx, up.Id, withContent))
		expectStatus(res, http.StatusOK)
		Expect(res.JSON200.CertificateDetails.Content).To(HaveValue(Equal(c.pem)))
	})

	It("refuses an include value other than content", func(ctx SpecContext) {
		up, _ := o.upload(ctx, "include")
		bogus := &generated.GetCertificateParams{Include: &[]generated.GetCertificateParamsInclude{"private_key"}}
		res := must(o.GetCertificateWithResponse(invalid(ctx), up.Id, bogus))
		expectError(res, badRequest(""))
	})

	It("answers 404 for an id the organization does not have", Label(mutation.CatchesLabel(mutation.FoundUnknownID)), func(ctx SpecContext) {
		res := must(o.GetCertificateWithResponse(ctx, unknownCertificate(), nil))
		expectError(res, notFound("certificate_id"))
	})
})
