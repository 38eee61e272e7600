package mutant

import (
	"slices"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/mutation"
)

// Every name the suite proves has a wrapper, and every wrapper a name, in
// the same order.
func TestTheCatalogueMakesEveryKnownMutation(t *testing.T) {
	var names []string
	for _, w := range catalogue {
		names = append(names, w.name)
	}
	if known := mutation.Known(); !slices.Equal(names, known) {
		t.Errorf("catalogue %v\nmutation.Known %v", names, known)
	}
	if _, err := NewSet([]string{"be-nice"}); err == nil {
		t.Error("NewSet took an unknown mutation")
	}
}
