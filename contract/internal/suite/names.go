package suite

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// Names marks what one run creates: every certificate name carries the run's
// id, so a sweep finds whatever the run left, and touches nothing else.
type Names struct{ Run string }

// NewRunID returns a fresh run id, short enough to leave room in a name.
func NewRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // never fails, as crypto/rand documents
	return "cc" + hex.EncodeToString(b)
}

// Cert names a certificate this run uploads.
func (n Names) Cert(label string) string { return n.prefix() + label }

// Owns says whether a certificate named name was uploaded by this run. A
// certificate without a name (another client's, on a live organization) is
// not.
func (n Names) Owns(name *string) bool { return name != nil && strings.HasPrefix(*name, n.prefix()) }

func (n Names) prefix() string { return "contract-" + n.Run + "-" }
