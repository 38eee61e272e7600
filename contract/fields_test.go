package contract_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// Every field of every certificate in every answer is checked by the
// transport chain's suite.Fields, in every spec. These specs make sure each
// answer is seen carrying a certificate whose every field can go wrong in
// it: renamed since its upload (so a stale name shows), inactive when
// renamed, its content asked for; they are the specs the README's field ×
// answer table names, and each fails with its row's field mutations.

// answerEntries is one entry per answer, labelled with the mutations of
// its row.
func answerEntries() []TableEntry {
	var out []TableEntry
	for _, a := range emulator.Answers {
		var labels Labels
		for _, c := range emulator.FieldCells() {
			if c.Answer == a {
				labels = append(labels, emulator.CatchesLabel(c.Mutation()))
			}
		}
		out = append(out, Entry(string(a), labels, a))
	}
	return out
}

// toggleScopes are the toggle answers' scopes.
var toggleScopes = map[emulator.Answer]scope{
	emulator.AnswerActivateOrg:       scopes[0],
	emulator.AnswerDeactivateOrg:     scopes[1],
	emulator.AnswerActivateProject:   scopes[2],
	emulator.AnswerDeactivateProject: scopes[3],
}

var _ = Describe("Every answer carrying a certificate", func() {
	var o *org
	BeforeEach(func() { o = newOrg() })

	DescribeTable("shows every field as the suite stored it",
		func(ctx SpecContext, answer emulator.Answer) {
			up, _ := o.upload(ctx, "fields-before")
			if answer == emulator.AnswerUpload {
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
			case emulator.AnswerModify:
			case emulator.AnswerGet:
				expectStatus(must(o.GetCertificateWithResponse(ctx, up.Id, withContent)), http.StatusOK)
				expectStatus(must(o.GetCertificateWithResponse(ctx, up.Id, nil)), http.StatusOK)
			case emulator.AnswerOrgListDesc:
				inList(orgList, "desc")
			case emulator.AnswerOrgListAsc:
				inList(orgList, "asc")
			case emulator.AnswerProjectListDesc:
				inList(projectList, "desc")
			case emulator.AnswerProjectListAsc:
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
