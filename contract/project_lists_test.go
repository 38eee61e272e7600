package contract_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/generated"
)

var _ = Describe("Listing a project's certificates", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	It("lists the organization's certificates as project items", func(ctx SpecContext) {
		up, c := o.upload(ctx, "project-item")
		for _, item := range o.walkOrg(ctx) {
			Expect(item.Object).To(Equal(generated.OrganizationCertificateObjectOrganizationCertificate))
		}
		var found bool
		for _, item := range o.walkProject(ctx, o.project()) {
			Expect(item.Object).To(Equal(generated.OrganizationProjectCertificateObjectOrganizationProjectCertificate))
			if item.Id == up.Id {
				found = true
				Expect(item.Name).To(Equal(up.Name))
				Expect(item.CreatedAt).To(Equal(up.CreatedAt))
				Expect(item.CertificateDetails.ValidAt).To(HaveValue(Equal(c.notBefore)))
				Expect(item.CertificateDetails.ExpiresAt).To(HaveValue(Equal(c.notAfter)))
			}
		}
		Expect(found).To(BeTrue(), "the project list lacks %s", up.Id)
	})

	It("shows whether the certificate is active in that project only", func(ctx SpecContext) {
		on, _ := o.upload(ctx, "on-in-project")
		off, _ := o.upload(ctx, "off-in-project")
		p := o.lastProject()
		o.activateProject(ctx, p, on.Id)

		for _, proj := range o.projects {
			Expect(o.activeInProject(ctx, proj, on.Id)).To(Equal(proj == p), "%s in project %s", on.Id, proj)
			Expect(o.activeInProject(ctx, proj, off.Id)).To(BeFalse(), "%s in project %s", off.Id, proj)
		}
		Expect(o.activeInOrg(ctx, on.Id)).To(BeFalse(), "activating in a project does not activate for the organization")
	})

	It("answers 404 for a project the organization does not have", Label(mutation.SanityLabel), func(ctx SpecContext) {
		res := must(o.ListProjectCertificatesWithResponse(ctx, unknownProject(), nil))
		expectError(res, notFound("project_id"))
	})
})
