package contract_test

import (
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

func bodyEntries() []TableEntry {
	return entriesOf(bodyOperations, func(op bodyOperation) string { return op.name })
}

var _ = Describe("Request bodies", func() {
	var (
		o *org
		f fixture
	)
	BeforeEach(func(ctx SpecContext) {
		o = newOrg()
		f = o.fixture(ctx, "bodies")
	})

	DescribeTable("over 64 KiB are refused with 413",
		func(ctx SpecContext, op bodyOperation) {
			res := must(op.send(ctx, o.ClientWithResponses, f, "application/json", strings.NewReader(op.body(f, 70<<10))))
			expectError(res, wantError{status: http.StatusRequestEntityTooLarge})
		},
		bodyEntries(),
	)

	DescribeTable("that are not application/json are refused with 415",
		func(ctx SpecContext, op bodyOperation) {
			res := must(op.send(invalid(ctx), o.ClientWithResponses, f, "text/plain", strings.NewReader(op.body(f, 0))))
			expectError(res, wantError{status: http.StatusUnsupportedMediaType})
		},
		bodyEntries(),
	)

	DescribeTable("that are not JSON are refused with 400",
		func(ctx SpecContext, op bodyOperation) {
			body := op.body(f, 0)
			res := must(op.send(invalid(ctx), o.ClientWithResponses, f, "application/json", strings.NewReader(body[:len(body)-1])))
			expectError(res, badRequest(""))
		},
		bodyEntries(),
	)
})
