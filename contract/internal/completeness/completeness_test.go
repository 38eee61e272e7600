package completeness_test

import (
	"testing"

	"github.com/certcontract/certcontract/contract/internal/completeness"
	"github.com/certcontract/certcontract/generated/spec"
)

// TestFragmentIsFollowed is the guard run: it fails, one line a finding,
// for everything the fragment declares that the emulator, the model or the
// checks leave behind. Run after `make generate`; the regeneration fire
// drill (openapi/drift) shows it naming each kind of change.
func TestFragmentIsFollowed(t *testing.T) {
	doc, err := spec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	f, err := completeness.Read(doc)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := completeness.Observe(f)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := completeness.ProjectExceptions()
	if err != nil {
		t.Fatal(err)
	}
	for _, finding := range completeness.Check(f, obs, ex) {
		t.Error(finding)
	}
}
