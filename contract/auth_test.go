package contract_test

import (
	. "github.com/onsi/ginkgo/v2"
)

// notAnAdminKey is refused by any API: it is not even shaped like an admin key.
const notAnAdminKey = "sk-contract-not-an-admin-key"

func operationEntries() []TableEntry {
	return entriesOf(operations, func(op operation) string { return op.name })
}

var _ = Describe("Authentication", func() {
	var f fixture
	BeforeEach(func() {
		f = fixture{certID: unknownCertificate(), project: newOrg().project(), pem: validCert().pem}
	})

	DescribeTable("without a key every operation answers 401",
		func(ctx SpecContext, op operation) {
			expectError(must(op.send(invalid(ctx), target.client(""), f)), unauthorized)
		},
		operationEntries(),
	)

	DescribeTable("with a wrong key every operation answers 401",
		func(ctx SpecContext, op operation) {
			expectError(must(op.send(ctx, target.client(notAnAdminKey), f)), unauthorized)
		},
		operationEntries(),
	)
})
