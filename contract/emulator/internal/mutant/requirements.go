package mutant

import (
	"crypto/x509"
	"slices"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// forgetRequirement is a mutation that bends the upload rule: the store
// checks every published requirement of a CA certificate but one.
type forgetRequirement struct {
	store.Rules
	forgotten store.Requirement
}

func (m forgetRequirement) Add(content string, name *string, now time.Time) (*store.Certificate, error) {
	rest := slices.DeleteFunc(slices.Clone(store.Requirements), func(r store.Requirement) bool { return r == m.forgotten })
	return m.AddMeeting(rest, content, name, now)
}

// forgetting is the catalogue's constructor of a forgetRequirement.
func forgetting(r store.Requirement) func(store.Rules) store.Rules {
	return func(inner store.Rules) store.Rules { return forgetRequirement{Rules: inner, forgotten: r} }
}

// gateOpen admits every request, as a gate that checks nothing would.
type gateOpen struct{ store.Rules }

func (gateOpen) Admit(string, []*x509.Certificate, time.Time) error { return nil }
