package model_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The model is the oracle the emulator is checked against: sharing code with
// it, or with anything that might, would let one mistake pass for agreement.
// So it stands on the standard library alone.
func TestModelImportsOnlyTheStandardLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg != "github.com/certcontract/certcontract/contract/internal/model" {
			t.Errorf("the model depends on %s; it must import only the standard library", pkg)
		}
	}
}
