package prebuilt_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/prebuilt"
)

// What make unit names is used as it is, not built again.
func TestTheNamedBinaryIsUsed(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "contract.test")
	if err := os.WriteFile(bin, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(prebuilt.EnvSuite, bin)
	if got := prebuilt.Suite(t); got != bin {
		t.Errorf("Suite = %s, want %s", got, bin)
	}
}

// Without make, the test builds the command itself, from this tree.
func TestWithoutMakeTheCommandIsBuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the emulator")
	}
	t.Setenv(prebuilt.EnvEmulator, "")
	out, err := exec.Command(prebuilt.Emulator(t), "-version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "emulator ") {
		t.Fatalf("the built emulator's -version: %v\n%s", err, out)
	}
}
