package contract_test

import (
	"context"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/generated"
)

var _ = Describe("Deleting a certificate", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	DescribeTable("is refused while the certificate is active somewhere",
		Label(mutation.CatchesLabel(mutation.DeleteActive)),
		func(ctx SpecContext, activate func(ctx context.Context, o *org, id string)) {
			up, _ := o.upload(ctx, "active")
			activate(ctx, o, up.Id)
			res := must(o.DeleteCertificateWithResponse(ctx, up.Id))
			expectError(res, wantError{status: http.StatusBadRequest, typ: "invalid_request_error", param: "certificate_id", code: generated.ErrorCodeCertificateActive})
			expectStatus(must(o.GetCertificateWithResponse(ctx, up.Id, nil)), http.StatusOK)
		},
		Entry("for the organization", func(ctx context.Context, o *org, id string) { o.activateOrg(ctx, id) }),
		Entry("for a project only", func(ctx context.Context, o *org, id string) { o.activateProject(ctx, o.lastProject(), id) }),
	)

	It("succeeds once the certificate is inactive everywhere, and then it is gone", func(ctx SpecContext) {
		up, _ := o.upload(ctx, "delete")
		o.activateOrg(ctx, up.Id)
		o.activateProject(ctx, o.project(), up.Id)
		expectStatus(must(o.DeactivateOrganizationCertificatesWithResponse(ctx, toggle(up.Id))), http.StatusOK)
		expectStatus(must(o.DeactivateProjectCertificatesWithResponse(ctx, o.project(), toggle(up.Id))), http.StatusOK)

		res := must(o.DeleteCertificateWithResponse(ctx, up.Id))
		expectStatus(res, http.StatusOK)
		Expect(res.JSON200.Id).To(Equal(up.Id))
		Expect(res.JSON200.Object).To(BeEquivalentTo("certificate.deleted"))

		expectError(must(o.GetCertificateWithResponse(ctx, up.Id, nil)), notFound("certificate_id"))
		expectError(must(o.DeleteCertificateWithResponse(ctx, up.Id)), notFound("certificate_id"))
		for _, c := range o.walkOrg(ctx) {
			Expect(c.Id).NotTo(Equal(up.Id), "a deleted certificate is still listed")
		}
	})
})
