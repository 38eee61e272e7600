package contract_test

import (
	"os"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/runner"
)

// TestMain makes the compiled suite the command certcontract-contract when
// it is started without test flags (contract/internal/runner says how);
// go test and ginkgo always give some, and get the test binary.
func TestMain(m *testing.M) {
	os.Exit(runner.Main(os.Args[1:], m.Run))
}
