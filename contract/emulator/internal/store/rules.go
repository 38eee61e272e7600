package store

import (
	"crypto/x509"
	"time"
)

// Rules are one organization's state and business rules as the emulator's
// handlers call them: an *Organization, or a mutation wrapped around one. It
// is the seam where mutations that bend a rule go (package mutant).
type Rules interface {
	Projects() []string
	Add(content string, name *string, now time.Time) (*Certificate, error)
	AddMeeting(reqs []Requirement, content string, name *string, now time.Time) (*Certificate, error)
	Get(id string) (*Certificate, error)
	Rename(id string, name *string) (*Certificate, error)
	Delete(id string) error
	Toggle(sc Scope, ids []string, active bool) ([]Item, error)
	List(sc Scope, q ListQuery) (Page, error)
	Admit(project string, peer []*x509.Certificate, now time.Time) error
}

var _ Rules = (*Organization)(nil)
