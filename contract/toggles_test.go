package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/mutation"
)

// scope is one of the four toggle operations.
type scope struct {
	name       string
	project    bool
	activate   bool
	object     string // the response's object
	itemObject string // each item's object
}

var scopes = []scope{
	{"activate for the organization", false, true, "organization.certificate.activation", "organization.certificate"},
	{"deactivate for the organization", false, false, "organization.certificate.deactivation", "organization.certificate"},
	{"activate for a project", true, true, "organization.project.certificate.activation", "organization.project.certificate"},
	{"deactivate for a project", true, false, "organization.project.certificate.deactivation", "organization.project.certificate"},
}

// toggled is a toggle response, whichever of the four it was.
type toggled struct {
	res         result
	object      string
	ids         []string
	active      []bool
	itemObjects []string
}

// call sends a well-formed batch. It goes through send, as the typed client
// would put it on the wire, so the choice among the four operations is made
// in one place.
func (s scope) call(ctx context.Context, o *org, project string, ids ...string) toggled {
	GinkgoHelper()
	body, err := json.Marshal(toggle(ids...))
	Expect(err).NotTo(HaveOccurred())
	t := toggled{res: s.send(ctx, o, project, string(body))}
	if t.res.StatusCode() != http.StatusOK {
		return t
	}
	// The validator has checked the body against this operation's schema;
	// the four differ only in the object names, which the specs compare.
	var res struct {
		Object string `json:"object"`
		Data   []struct {
			ID     string `json:"id"`
			Active bool   `json:"active"`
			Object string `json:"object"`
		} `json:"data"`
	}
	Expect(json.Unmarshal(t.res.GetBody(), &res)).To(Succeed())
	t.object = res.Object
	for _, c := range res.Data {
		t.ids = append(t.ids, c.ID)
		t.active = append(t.active, c.Active)
		t.itemObjects = append(t.itemObjects, c.Object)
	}
	return t
}

// send posts a body as it is, also the shapes the typed client cannot produce.
func (s scope) send(ctx context.Context, o *org, project, body string) result {
	GinkgoHelper()
	ct, r := "application/json", io.Reader(strings.NewReader(body))
	switch {
	case !s.project && s.activate:
		return must(o.ActivateOrganizationCertificatesWithBodyWithResponse(ctx, ct, r))
	case !s.project:
		return must(o.DeactivateOrganizationCertificatesWithBodyWithResponse(ctx, ct, r))
	case s.activate:
		return must(o.ActivateProjectCertificatesWithBodyWithResponse(ctx, project, ct, r))
	default:
		return must(o.DeactivateProjectCertificatesWithBodyWithResponse(ctx, project, ct, r))
	}
}

// state is the certificate's state in this scope, as the lists show it.
func (s scope) state(ctx context.Context, o *org, id string) bool {
	GinkgoHelper()
	if s.project {
		return o.activeInProject(ctx, o.project(), id)
	}
	return o.activeInOrg(ctx, id)
}

// prepare puts the certificates in the state the toggle changes: a deactivate
// spec needs active certificates.
func (s scope) prepare(ctx context.Context, o *org, ids []string) {
	GinkgoHelper()
	if s.activate {
		return
	}
	on := s
	on.activate = true
	expectStatus(on.call(ctx, o, o.project(), ids...).res, http.StatusOK)
}

func scopeEntries() []TableEntry {
	return entriesOf(scopes, func(s scope) string { return s.name })
}

var _ = Describe("Activating and deactivating certificates", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	toggleN := func(ctx SpecContext, s scope, n int) {
		batch := reversed(ids(o.uploadN(ctx, "toggle", n)))
		s.prepare(ctx, o, batch)
		t := s.call(ctx, o, o.project(), batch...)
		expectStatus(t.res, http.StatusOK)
		Expect(t.object).To(Equal(s.object))
		Expect(t.ids).To(Equal(batch), "data holds the toggled certificates in request order")
		for i := range t.ids {
			Expect(t.itemObjects[i]).To(Equal(s.itemObject))
			Expect(t.active[i]).To(Equal(s.activate))
			Expect(s.state(ctx, o, t.ids[i])).To(Equal(s.activate), "list state of %s", t.ids[i])
		}
	}
	DescribeTable("toggles one certificate", func(ctx SpecContext, s scope) { toggleN(ctx, s, 1) }, scopeEntries())
	DescribeTable("toggles ten certificates at once", func(ctx SpecContext, s scope) { toggleN(ctx, s, 10) }, scopeEntries())

	DescribeTable("refuses a batch of 0 or 11 ids",
		func(ctx SpecContext, s scope) {
			var eleven []string
			for i := range 11 {
				eleven = append(eleven, fmt.Sprintf("%s_%d", unknownCertificate(), i))
			}
			for _, batch := range [][]string{{}, eleven} {
				t := s.call(invalid(ctx), o, o.project(), batch...)
				expectError(t.res, badRequest("certificate_ids"))
			}
		},
		scopeEntries(),
	)

	DescribeTable(`refuses the reference page's {"data": [...]} body`,
		func(ctx SpecContext, s scope) {
			up, _ := o.upload(ctx, "data-body")
			// Prepared, so that a deactivation taking the body after all shows.
			s.prepare(ctx, o, []string{up.Id})
			res := s.send(invalid(ctx), o, o.project(), `{"data":[`+jsonString(up.Id)+`]}`)
			expectError(res, badRequest("certificate_ids"))
			Expect(s.state(ctx, o, up.Id)).To(Equal(!s.activate), "a refused body changed the state")
		},
		scopeEntries(),
	)

	DescribeTable("changes nothing when one id of the batch is unknown",
		Label(mutation.CatchesLabel(mutation.NonAtomicToggle)),
		func(ctx SpecContext, s scope) {
			known := ids(o.uploadN(ctx, "atomic", 2))
			s.prepare(ctx, o, known)
			t := s.call(ctx, o, o.project(), known[0], unknownCertificate(), known[1])
			expectError(t.res, notFound("certificate_ids"))
			for _, id := range known {
				Expect(s.state(ctx, o, id)).To(Equal(!s.activate), "%s changed although the batch was refused", id)
			}
		},
		scopeEntries(),
	)

	DescribeTable("changes nothing more when repeated",
		func(ctx SpecContext, s scope) {
			up, _ := o.upload(ctx, "repeat")
			s.prepare(ctx, o, []string{up.Id})
			first := s.call(ctx, o, o.project(), up.Id)
			expectStatus(first.res, http.StatusOK)
			again := s.call(ctx, o, o.project(), up.Id)
			expectStatus(again.res, http.StatusOK)
			Expect(again.object).To(Equal(first.object))
			Expect(again.ids).To(Equal(first.ids))
			Expect(again.active).To(Equal(first.active))
			Expect(s.state(ctx, o, up.Id)).To(Equal(s.activate))
		},
		scopeEntries(),
	)

	DescribeTable("answers a repeated id once",
		func(ctx SpecContext, s scope) {
			up, _ := o.upload(ctx, "duplicate")
			s.prepare(ctx, o, []string{up.Id})
			t := s.call(ctx, o, o.project(), up.Id, up.Id)
			expectStatus(t.res, http.StatusOK)
			Expect(t.ids).To(Equal([]string{up.Id}))
		},
		scopeEntries(),
	)

	DescribeTable("answers 404 for a project the organization does not have",
		func(ctx SpecContext, s scope) {
			up, _ := o.upload(ctx, "no-project")
			t := s.call(ctx, o, unknownProject(), up.Id)
			expectError(t.res, notFound("project_id"))
		},
		Entry(scopes[2].name, scopes[2]),
		Entry(scopes[3].name, scopes[3]),
	)

	It("keeps organization and project states independent", func(ctx SpecContext) {
		up, _ := o.upload(ctx, "independent")
		id := up.Id
		inProjects := func() []bool {
			var out []bool
			for _, p := range o.projects {
				out = append(out, o.activeInProject(ctx, p, id))
			}
			return out
		}
		all := func(v bool) []bool { return slices.Repeat([]bool{v}, len(o.projects)) }

		o.activateOrg(ctx, id)
		Expect(inProjects()).To(Equal(all(false)), "activating for the organization activated it in a project")

		p := o.lastProject()
		o.activateProject(ctx, p, id)
		Expect(o.activeInOrg(ctx, id)).To(BeTrue())
		for _, other := range o.projects {
			Expect(o.activeInProject(ctx, other, id)).To(Equal(other == p), "state in project %s", other)
		}

		expectStatus(must(o.DeactivateOrganizationCertificatesWithResponse(ctx, toggle(id))), http.StatusOK)
		Expect(o.activeInOrg(ctx, id)).To(BeFalse())
		Expect(o.activeInProject(ctx, p, id)).To(BeTrue(), "deactivating for the organization deactivated it in a project")

		expectStatus(must(o.DeactivateProjectCertificatesWithResponse(ctx, p, toggle(id))), http.StatusOK)
		Expect(inProjects()).To(Equal(all(false)))
		Expect(o.activeInOrg(ctx, id)).To(BeFalse())
	})
})
