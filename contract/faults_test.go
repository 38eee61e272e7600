package contract_test

import (
	"net/http"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/suite"
)

// 429, 500 and 503 are documented for every operation; only the emulator can
// be made to answer them on demand.
var _ = Describe("Faults", Label(suite.LabelEmulatorOnly), func() {
	var (
		o *org
		f fixture
	)
	BeforeEach(func(ctx SpecContext) {
		o = newOrg()
		f = o.fixture(ctx, "faults")
	})

	var entries []TableEntry
	for _, op := range operations {
		for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
			entries = append(entries, Entry(op.name+", "+strconv.Itoa(status), op, status))
		}
	}
	DescribeTable("are answered with the documented error, and Retry-After where it applies",
		func(ctx SpecContext, op operation, status int) {
			c, last := target.recordingClient(o.key)
			res := must(op.send(ctx, c, f, withFault(status)))
			expectError(res, wantError{status: status})
			if status == http.StatusInternalServerError {
				return
			}
			// The validator checked the header's type; the rules also want it there.
			retryAfter, err := strconv.Atoi(last.header().Get("Retry-After"))
			Expect(err).NotTo(HaveOccurred(), "Retry-After must be a number of seconds")
			Expect(retryAfter).To(BeNumerically(">=", 1))
		},
		entries,
	)
})
