package emulator

import (
	"crypto/x509"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// rules are one organization's state and business rules as the handlers call
// them: a *store.Organization, or a mutation wrapped around one. It is the
// seam where mutations that bend a rule go (see mutations.go).
type rules interface {
	Projects() []string
	Add(content string, name *string, now time.Time) (*store.Certificate, error)
	AddMeeting(reqs []store.Requirement, content string, name *string, now time.Time) (*store.Certificate, error)
	Get(id string) (*store.Certificate, error)
	Rename(id string, name *string) (*store.Certificate, error)
	Delete(id string) error
	Toggle(sc store.Scope, ids []string, active bool) ([]store.Item, error)
	List(sc store.Scope, q store.ListQuery) (store.Page, error)
	Admit(project string, peer []*x509.Certificate, now time.Time) error
}

var _ rules = (*store.Organization)(nil)
