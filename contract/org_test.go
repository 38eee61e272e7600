package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/suite"
	"github.com/certcontract/certcontract/generated"
)

// org is the organization a spec works in. On the emulator every spec gets a
// fresh one (any sk-admin- key is its own organization), so specs cannot see
// each other's certificates; live, all share the configured organization and
// every spec looks only at what it created.
type org struct {
	*generated.ClientWithResponses
	key      string
	projects []string // the first is the project specs use by default
}

var orgSeq atomic.Int64

func newOrg() *org {
	GinkgoHelper()
	if cfg.Remote() {
		return &org{ClientWithResponses: target.client(cfg.AdminKey), key: cfg.AdminKey, projects: []string{cfg.ProjectID}}
	}
	key := fmt.Sprintf("sk-admin-%s-%d-%d", names.Run, GinkgoParallelProcess(), orgSeq.Add(1))
	return &org{ClientWithResponses: target.client(key), key: key, projects: emulator.DefaultProjects}
}

func (o *org) project() string { return o.projects[0] }

// lastProject is a project other than the default one where there is one, so
// project specs do not only ever touch the first.
func (o *org) lastProject() string { return o.projects[len(o.projects)-1] }

// upload stores a fresh valid certificate under certName(label) and removes it
// when the spec ends, however it ends.
func (o *org) upload(ctx context.Context, label string) (generated.Certificate, issued) {
	GinkgoHelper()
	c := validCert()
	name := certName(label)
	res := must(o.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: c.pem, Name: &name}))
	expectStatus(res, http.StatusOK)
	o.removeLater(res.JSON200.Id)
	return *res.JSON200, c
}

// uploadN uploads n certificates, label-1 ... label-n, in that order.
func (o *org) uploadN(ctx context.Context, label string, n int) []generated.Certificate {
	GinkgoHelper()
	certs := make([]generated.Certificate, n)
	for i := range certs {
		certs[i], _ = o.upload(ctx, fmt.Sprintf("%s-%d", label, i+1))
	}
	return certs
}

// removeLater removes id when the spec ends; should that fail or never
// happen (an interrupt), the process's ledger still holds it for the sweep
// after the suite.
//
// It also holds specs to the slot budget the preflight counted on: outside
// the exclusive specs, a process holds at most suite.SlotsPerSpec
// certificates at once.
func (o *org) removeLater(id string) {
	ledger.Add(id, func(ctx context.Context) error {
		return suite.RemoveCertificate(ctx, o.ClientWithResponses, o.projects, id)
	})
	if held := len(ledger.Left()); held > suite.SlotsPerSpec && !slices.Contains(CurrentSpecReport().Labels(), suite.LabelExclusive) {
		Fail(fmt.Sprintf("this spec holds %d certificates at once, more than the %d the free-slot check counts on (suite.SlotsPerSpec)", held, suite.SlotsPerSpec))
	}
	DeferCleanup(func(ctx SpecContext) {
		Expect(ledger.Remove(ctx, id)).To(Succeed(), "could not remove %s", id)
	})
}

// sweepRun removes every certificate named for this run, whichever process
// uploaded it.
func sweepRun(ctx context.Context) {
	GinkgoHelper()
	o := newOrg()
	for _, c := range o.walkOrg(suite.Quiet(ctx)) {
		if names.Owns(c.Name) {
			Expect(suite.RemoveCertificate(ctx, o.ClientWithResponses, o.projects, c.Id)).To(Succeed())
		}
	}
}

// allPages follows a list's cursor to the end, riding out cursors others
// delete (suite.Walk says how); page answers the page after a cursor, id
// names an item.
func allPages[T any](list string, id func(T) string, page func(after *string) suite.Page[T]) []T {
	GinkgoHelper()
	all, err := suite.Walk(id, func(after *string) (suite.Page[T], error) { return page(after), nil })
	Expect(err).NotTo(HaveOccurred(), "the %s", list)
	return all
}

// cursorRefused says the API refused a list's after as no certificate of
// the organization.
func cursorRefused(r result) bool {
	if s := r.StatusCode(); s != http.StatusBadRequest && s != http.StatusNotFound {
		return false
	}
	var body generated.ErrorResponse
	return json.Unmarshal(r.GetBody(), &body) == nil && body.Error.Param != nil && *body.Error.Param == "after"
}

// walkOrg and walkProject read a whole list in pages of 100, the most one page
// may hold, so a walk costs as few requests as possible.
func (o *org) walkOrg(ctx context.Context) []generated.OrganizationCertificate {
	GinkgoHelper()
	limit, order := 100, generated.ListOrganizationCertificatesParamsOrderDesc
	return allPages("organization list", func(c generated.OrganizationCertificate) string { return c.Id },
		func(after *string) suite.Page[generated.OrganizationCertificate] {
			GinkgoHelper()
			res := must(o.ListOrganizationCertificatesWithResponse(ctx, &generated.ListOrganizationCertificatesParams{Limit: &limit, Order: &order, After: after}))
			if cursorRefused(res) {
				return suite.Page[generated.OrganizationCertificate]{CursorGone: true}
			}
			expectStatus(res, http.StatusOK)
			return suite.Page[generated.OrganizationCertificate]{Items: res.JSON200.Data, HasMore: res.JSON200.HasMore, LastID: res.JSON200.LastId}
		})
}

func (o *org) walkProject(ctx context.Context, project string) []generated.OrganizationProjectCertificate {
	GinkgoHelper()
	limit, order := 100, generated.ListProjectCertificatesParamsOrderDesc
	return allPages("project list", func(c generated.OrganizationProjectCertificate) string { return c.Id },
		func(after *string) suite.Page[generated.OrganizationProjectCertificate] {
			GinkgoHelper()
			res := must(o.ListProjectCertificatesWithResponse(ctx, project, &generated.ListProjectCertificatesParams{Limit: &limit, Order: &order, After: after}))
			if cursorRefused(res) {
				return suite.Page[generated.OrganizationProjectCertificate]{CursorGone: true}
			}
			expectStatus(res, http.StatusOK)
			return suite.Page[generated.OrganizationProjectCertificate]{Items: res.JSON200.Data, HasMore: res.JSON200.HasMore, LastID: res.JSON200.LastId}
		})
}

// activeInOrg reports the certificate's organization state as the list shows it.
func (o *org) activeInOrg(ctx context.Context, id string) bool {
	GinkgoHelper()
	for _, c := range o.walkOrg(ctx) {
		if c.Id == id {
			return c.Active
		}
	}
	Fail("certificate " + id + " is not in the organization list")
	return false
}

// activeInProject reports the certificate's state in one project.
func (o *org) activeInProject(ctx context.Context, project, id string) bool {
	GinkgoHelper()
	for _, c := range o.walkProject(ctx, project) {
		if c.Id == id {
			return c.Active
		}
	}
	Fail("certificate " + id + " is not in the list of project " + project)
	return false
}

func (o *org) activateOrg(ctx context.Context, ids ...string) {
	GinkgoHelper()
	expectStatus(must(o.ActivateOrganizationCertificatesWithResponse(ctx, toggle(ids...))), http.StatusOK)
}

func (o *org) activateProject(ctx context.Context, project string, ids ...string) {
	GinkgoHelper()
	expectStatus(must(o.ActivateProjectCertificatesWithResponse(ctx, project, toggle(ids...))), http.StatusOK)
}
