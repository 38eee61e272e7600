package spec_test

import (
	"context"
	"testing"

	"github.com/certcontract/certcontract/generated/spec"
)

func TestFragmentValidates(t *testing.T) {
	doc, err := spec.GetSwagger()
	if err != nil {
		t.Fatalf("load embedded fragment: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("fragment does not validate: %v", err)
	}
}

// A default response would let any status pass validation; the suite relies on
// every status being listed.
func TestNoDefaultResponses(t *testing.T) {
	doc, err := spec.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses.Default() != nil {
				t.Errorf("%s %s declares a default response", method, path)
			}
		}
	}
}
