package tools_test

// What each layer of the emulator and the suite may import, checked from
// outside the packages, as generated_test.go checks package generated: these
// start go itself, whose inputs go's test cache cannot see, so they run
// every time (.ci/unit.sh) while the packages' own tests are cached.

import (
	"slices"
	"strings"
	"testing"
)

// The rules layer is what docs/emulator.md points to for each rule; keeping
// HTTP out of it keeps statuses, params and wire shapes in one place, the
// emulator's handlers.
func TestStoreKnowsNothingOfHTTP(t *testing.T) {
	deps := strings.Fields(run(t, ".", nil, "go", "list", "-deps", "./contract/emulator/internal/store"))
	for _, forbidden := range []string{"net/http", "github.com/certcontract/certcontract/generated"} {
		if slices.Contains(deps, forbidden) {
			t.Errorf("the store depends on %s", forbidden)
		}
	}
}

// The model is the oracle the emulator is checked against: sharing code with
// it, or with anything that might, would let one mistake pass for agreement.
// So it stands on the standard library alone.
func TestModelImportsOnlyTheStandardLibrary(t *testing.T) {
	const model = "github.com/certcontract/certcontract/contract/internal/model"
	out := run(t, ".", nil, "go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", model)
	for _, pkg := range strings.Fields(out) {
		if pkg != model {
			t.Errorf("the model depends on %s; it must import only the standard library", pkg)
		}
	}
}
