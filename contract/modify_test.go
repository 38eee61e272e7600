package contract_test

import (
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/generated"
)

var _ = Describe("Modifying a certificate", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	It("changes the name and nothing else", func(ctx SpecContext) {
		up, c := o.upload(ctx, "before-rename")
		o.activateOrg(ctx, up.Id)
		before := must(o.GetCertificateWithResponse(ctx, up.Id, withContent))
		expectStatus(before, http.StatusOK)

		name := certName("after-rename")
		res := must(o.ModifyCertificateWithResponse(ctx, up.Id, generated.ModifyCertificateRequest{Name: &name}))
		expectStatus(res, http.StatusOK)
		Expect(res.JSON200.Object).To(Equal(generated.CertificateObjectCertificate))
		Expect(res.JSON200.Id).To(Equal(up.Id))
		Expect(res.JSON200.Name).To(HaveValue(Equal(name)))
		Expect(res.JSON200.CreatedAt).To(Equal(up.CreatedAt))

		after := must(o.GetCertificateWithResponse(ctx, up.Id, withContent))
		expectStatus(after, http.StatusOK)
		want := *before.JSON200
		want.Name = &name
		Expect(*after.JSON200).To(Equal(want))
		Expect(after.JSON200.CertificateDetails.Content).To(HaveValue(Equal(c.pem)))
		Expect(o.activeInOrg(ctx, up.Id)).To(BeTrue(), "a rename must not change the organization state")
	})

	It("refuses to replace the certificate itself", func(ctx SpecContext) {
		up, c := o.upload(ctx, "keep-pem")
		body := `{"name":` + jsonString(certName("swapped")) + `,"certificate":` + jsonString(validCert().pem) + `}`
		res := must(o.ModifyCertificateWithBodyWithResponse(ctx, up.Id, "application/json", strings.NewReader(body)))
		expectError(res, badRequest("certificate"))

		got := must(o.GetCertificateWithResponse(ctx, up.Id, withContent))
		expectStatus(got, http.StatusOK)
		Expect(got.JSON200.Name).To(Equal(up.Name))
		Expect(got.JSON200.CertificateDetails.Content).To(HaveValue(Equal(c.pem)))
	})

	It("answers 404 for an id the organization does not have", func(ctx SpecContext) {
		name := certName("ghost")
		res := must(o.ModifyCertificateWithResponse(ctx, unknownCertificate(), generated.ModifyCertificateRequest{Name: &name}))
		expectError(res, notFound("certificate_id"))
	})
})
