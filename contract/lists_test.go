package contract_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/suite"
	"github.com/certcontract/certcontract/generated"
)

// Both lists page the same way, so the paging specs run against each through
// one small abstraction.

type query struct {
	limit *int
	after *string
	order string // "" for the default
}

type page struct {
	ids       []string
	createdAt []int64
	hasMore   bool
	firstID   *string
	lastID    *string
	res       result
}

type listFunc func(ctx context.Context, o *org, q query) page

func orgList(ctx context.Context, o *org, q query) page {
	GinkgoHelper()
	params := &generated.ListOrganizationCertificatesParams{Limit: q.limit, After: q.after}
	if q.order != "" {
		order := generated.ListOrganizationCertificatesParamsOrder(q.order)
		params.Order = &order
	}
	return pageOf(must(o.ListOrganizationCertificatesWithResponse(ctx, params)))
}

func projectList(ctx context.Context, o *org, q query) page {
	GinkgoHelper()
	params := &generated.ListProjectCertificatesParams{Limit: q.limit, After: q.after}
	if q.order != "" {
		order := generated.ListProjectCertificatesParamsOrder(q.order)
		params.Order = &order
	}
	return pageOf(must(o.ListProjectCertificatesWithResponse(ctx, o.project(), params)))
}

// pageOf reads the fields both lists share. The validator has already checked
// the body against the list's own schema, so one shape serves both.
func pageOf(res result) page {
	GinkgoHelper()
	p := page{res: res}
	if res.StatusCode() != http.StatusOK {
		return p
	}
	var body struct {
		Object  string  `json:"object"`
		HasMore bool    `json:"has_more"`
		FirstID *string `json:"first_id"`
		LastID  *string `json:"last_id"`
		Data    []struct {
			ID        string `json:"id"`
			CreatedAt int64  `json:"created_at"`
		} `json:"data"`
	}
	Expect(json.Unmarshal(res.GetBody(), &body)).To(Succeed())
	Expect(body.Object).To(Equal("list"))
	p.hasMore, p.firstID, p.lastID = body.HasMore, body.FirstID, body.LastID
	for _, c := range body.Data {
		p.ids = append(p.ids, c.ID)
		p.createdAt = append(p.createdAt, c.CreatedAt)
	}
	return p
}

// expectConsistent checks what every non-empty page must say about itself.
func (p page) expectConsistent() {
	GinkgoHelper()
	if len(p.ids) == 0 {
		Expect(p.firstID).To(BeNil(), "first_id of an empty page")
		Expect(p.lastID).To(BeNil(), "last_id of an empty page")
		Expect(p.hasMore).To(BeFalse(), "has_more of an empty page")
		return
	}
	Expect(p.firstID).To(HaveValue(Equal(p.ids[0])), "first_id")
	Expect(p.lastID).To(HaveValue(Equal(p.ids[len(p.ids)-1])), "last_id")
}

// walk follows the cursor from the start to the end, checking every page.
func walk(ctx context.Context, o *org, list listFunc, order string, limit int) []string {
	GinkgoHelper()
	q := query{limit: &limit, order: order}
	return allPages("list", func(id string) string { return id }, func(after *string) suite.Page[string] {
		GinkgoHelper()
		q.after = after
		p := list(ctx, o, q)
		if cursorRefused(p.res) {
			return suite.Page[string]{CursorGone: true}
		}
		expectStatus(p.res, http.StatusOK)
		Expect(len(p.ids)).To(BeNumerically("<=", limit), "a page holds at most limit=%d items", limit)
		p.expectConsistent()
		if p.hasMore {
			Expect(p.ids).NotTo(BeEmpty(), "a page with has_more must not be empty")
		}
		return suite.Page[string]{Items: p.ids, HasMore: p.hasMore, LastID: p.lastID}
	})
}

// mine keeps, in list order, the ids that are in want.
func mine(all []string, want []string) []string {
	var out []string
	for _, id := range all {
		if slices.Contains(want, id) {
			out = append(out, id)
		}
	}
	return out
}

var lists = []TableEntry{
	Entry("organization list", listFunc(orgList)),
	Entry("project list", listFunc(projectList)),
}

var _ = Describe("Listing certificates", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	// Serial: the run's own specs, which delete as they end, do not move the
	// pages under it; others' deletions it rides out (allPages).
	DescribeTable("a full cursor walk sees each certificate exactly once, in order", Serial,
		Label(mutation.CatchesLabel(mutation.RepeatAcrossPages)),
		func(ctx SpecContext, list listFunc) {
			uploaded := ids(o.uploadN(ctx, "walk", 5))
			for _, order := range []string{"desc", "asc"} {
				all := walk(ctx, o, list, order, 2)
				Expect(all).To(HaveLen(len(uniq(all))), "%s walk repeats an id: %v", order, all)
				want := uploaded
				if order == "desc" {
					want = reversed(uploaded)
				}
				Expect(mine(all, uploaded)).To(Equal(want), "%s walk misses or misorders the uploaded certificates", order)
			}
		},
		lists,
	)

	DescribeTable("orders by created_at, newest first by default",
		func(ctx SpecContext, list listFunc) {
			uploaded := ids(o.uploadN(ctx, "order", 3))
			hundred := 100
			for _, tc := range []struct {
				order string
				want  []string
				cmp   string
			}{
				{"", reversed(uploaded), ">="},
				{"desc", reversed(uploaded), ">="},
				{"asc", uploaded, "<="},
			} {
				p := list(ctx, o, query{limit: &hundred, order: tc.order})
				expectStatus(p.res, http.StatusOK)
				Expect(mine(p.ids, uploaded)).To(Equal(tc.want), "order=%q", tc.order)
				for i := 1; i < len(p.createdAt); i++ {
					Expect(p.createdAt[i-1]).To(BeNumerically(tc.cmp, p.createdAt[i]), "created_at out of order=%q", tc.order)
				}
			}
		},
		lists,
	)

	DescribeTable("limit 1 gives one certificate and says more follow",
		Label(mutation.CatchesLabel(mutation.IgnoreLimit)),
		func(ctx SpecContext, list listFunc) {
			o.uploadN(ctx, "limit-1", 2)
			one := 1
			p := list(ctx, o, query{limit: &one})
			expectStatus(p.res, http.StatusOK)
			Expect(p.ids).To(HaveLen(1))
			Expect(p.hasMore).To(BeTrue())
			p.expectConsistent()
		},
		lists,
	)

	DescribeTable("limit 100 gives the whole organization on one page",
		func(ctx SpecContext, list listFunc) {
			uploaded := ids(o.uploadN(ctx, "limit-100", 2))
			hundred := 100
			p := list(ctx, o, query{limit: &hundred})
			expectStatus(p.res, http.StatusOK)
			// An organization holds at most 50 certificates.
			Expect(p.hasMore).To(BeFalse())
			Expect(p.ids).To(ContainElements(uploaded))
			p.expectConsistent()
		},
		lists,
	)

	zero, hundredOne := 0, 101
	DescribeTable("refuses a limit outside 1..100 and an unknown order",
		func(ctx SpecContext, list listFunc, q query, param string) {
			p := list(invalid(ctx), o, q)
			expectError(p.res, badRequest(param))
		},
		Entry("organization list, limit 0", listFunc(orgList), query{limit: &zero}, "limit"),
		Entry("organization list, limit 101", listFunc(orgList), query{limit: &hundredOne}, "limit"),
		Entry("organization list, order=sideways", listFunc(orgList), query{order: "sideways"}, "order"),
		Entry("project list, limit 0", listFunc(projectList), query{limit: &zero}, "limit"),
		Entry("project list, limit 101", listFunc(projectList), query{limit: &hundredOne}, "limit"),
		Entry("project list, order=sideways", listFunc(projectList), query{order: "sideways"}, "order"),
	)

	DescribeTable("refuses a cursor that is no certificate of the organization",
		func(ctx SpecContext, list listFunc) {
			after := unknownCertificate()
			p := list(ctx, o, query{after: &after})
			expectError(p.res, badRequest("after"))
		},
		lists,
	)

	Describe("on an organization of its own", Label(suite.LabelExclusive), Serial, func() {
		DescribeTable("gives 20 certificates per page by default",
			func(ctx SpecContext, list listFunc) {
				have := len(o.walkOrg(ctx))
				if have < 21 {
					o.uploadN(ctx, "default-limit", 21-have)
				}
				p := list(ctx, o, query{})
				expectStatus(p.res, http.StatusOK)
				Expect(p.ids).To(HaveLen(20))
				Expect(p.hasMore).To(BeTrue())
				p.expectConsistent()
			},
			lists,
		)

		DescribeTable("an empty organization gives an empty page with null cursors",
			func(ctx SpecContext, list listFunc) {
				if len(o.walkOrg(ctx)) > 0 {
					Skip("the organization holds certificates this run did not create")
				}
				p := list(ctx, o, query{})
				expectStatus(p.res, http.StatusOK)
				Expect(p.ids).To(BeEmpty())
				p.expectConsistent()
			},
			lists,
		)
	})
})

func uniq(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}
