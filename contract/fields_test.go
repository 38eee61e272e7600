package contract_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/generated"
)

// Every field of every certificate in every answer is checked by the
// transport chain's suite.Fields, in every spec. These specs make sure each
// answer is seen carrying a certificate whose every field can go wrong in
// it: renamed since its upload (so a stale name shows), inactive when
// renamed, its content asked for; they are the specs docs/suite.md's field ×
// answer table names, and each fails with its row's field mutations.

// answerEntries is one entry per answer, labelled with the mutations of
// its row.
func answerEntries() []TableEntry {
	var out []TableEntry
	for _, a := range mutation.Answers {
		var labels Labels
		for _, c := range mutation.FieldCells() {
			if c.Answer == a {
				labels = append(labels, mutation.CatchesLabel(c.Mutation()))
			}
		}
		out = append(out, Entry(string(a), labels, a))
	}
	return out
}

// toggleScopes are the toggle answers' scopes.
var toggleScopes = map[mutation.Answer]scope{
	mutation.AnswerActivateOrg:       scopes[0],
	mutation.AnswerDeactivateOrg:     scopes[1],
	mutation.AnswerActivateProject:   scopes[2],
	mutation.AnswerDeactivateProject: scopes[3],
}

var _ = Describe("Every answer carrying a certificate", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	DescribeTable("shows every field as the suite stored it",
		func(ctx SpecContext, answer mutation.Answer) {
			up, _ := o.upload(ctx, "fields-before")
			if answer == mutation.AnswerUpload {
				// The id an upload answers is the certificate's.
				expectStatus(must(o.GetCertificateWithResponse(ctx, up.Id, nil)), http.StatusOK)
				return
			}
			name := certName("fields-after")
			expectStatus(must(o.ModifyCertificateWithResponse(ctx, up.Id, generated.ModifyCertificateRequest{Name: &name})), http.StatusOK)

			hundred := 100
			inList := func(list listFunc, order string) {
				p := list(ctx, o, query{limit: &hundred, order: order})
				expectStatus(p.res, http.StatusOK)
				Expect(p.ids).To(ContainElement(up.Id), "the list lacks the certificate's id")
			}
			switch answer {
			case mutation.AnswerModify:
			case mutation.AnswerGet:
				expectStatus(must(o.GetCertificateWithResponse(ctx, up.Id, withContent)), http.StatusOK)
				expectStatus(must(o.GetCertificateWithResponse(ctx, up.Id, nil)), http.StatusOK)
			case mutation.AnswerOrgListDesc:
				inList(orgList, "desc")
			case mutation.AnswerOrgListAsc:
				inList(orgList, "asc")
			case mutation.AnswerProjectListDesc:
				inList(projectList, "desc")
			case mutation.AnswerProjectListAsc:
				inList(projectList, "asc")
			default:
				s := toggleScopes[answer]
				s.prepare(ctx, o, []string{up.Id})
				expectStatus(s.call(ctx, o, o.project(), up.Id).res, http.StatusOK)
			}
		},
		answerEntries(),
	)
})
