package mutant

import (
	"errors"
	"slices"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// Mutations that bend a business rule: each wraps an organization's rules and
// overrides the methods it bends. See wrapper in mutant.go.

type ignoreLimit struct{ store.Rules }

func (m ignoreLimit) List(sc store.Scope, q store.ListQuery) (store.Page, error) {
	q.Limit = store.MaxCertificates
	return m.Rules.List(sc, q)
}

// deleteActive deactivates the certificate everywhere when the delete rule
// refuses it, then deletes it.
type deleteActive struct{ store.Rules }

func (m deleteActive) Delete(id string) error {
	if err := m.Rules.Delete(id); !errors.Is(err, store.ErrCertificateActive) {
		return err
	}
	scopes := []store.Scope{{}}
	for _, p := range m.Projects() {
		scopes = append(scopes, store.Scope{Project: p})
	}
	for _, sc := range scopes {
		if _, err := m.Rules.Toggle(sc, []string{id}, false); err != nil {
			return err
		}
	}
	return m.Rules.Delete(id)
}

// nonAtomicToggle applies a batch one id at a time, so the ids before an
// unknown one stay changed.
type nonAtomicToggle struct{ store.Rules }

func (m nonAtomicToggle) Toggle(sc store.Scope, ids []string, active bool) ([]store.Item, error) {
	for _, id := range ids {
		if _, err := m.Rules.Toggle(sc, []string{id}, active); err != nil {
			return nil, err
		}
	}
	return m.Rules.Toggle(sc, ids, active)
}

// repeatAcrossPages starts the page after a cursor with the cursor itself.
type repeatAcrossPages struct{ store.Rules }

func (m repeatAcrossPages) List(sc store.Scope, q store.ListQuery) (store.Page, error) {
	if q.After == "" {
		return m.Rules.List(sc, q)
	}
	all, err := m.Rules.List(sc, store.ListQuery{Limit: store.MaxCertificates, Desc: q.Desc})
	i := slices.IndexFunc(all.Items, func(it store.Item) bool { return it.ID == q.After })
	if err != nil || i < 0 {
		return m.Rules.List(sc, q) // the correct refusal
	}
	from := all.Items[i:]
	return store.Page{Items: from[:min(q.Limit, len(from))], HasMore: len(from) > q.Limit}, nil
}

// foundUnknownID makes up a certificate for an id the organization lacks.
type foundUnknownID struct{ store.Rules }

func (m foundUnknownID) Get(id string) (*store.Certificate, error) {
	c, err := m.Rules.Get(id)
	if errors.Is(err, store.ErrUnknownCertificate) {
		now := time.Now().Unix()
		return &store.Certificate{ID: id, CreatedAt: now, ValidAt: now, ExpiresAt: now + 365*24*3600}, nil
	}
	return c, err
}

// activeAfterUpload activates every new certificate for the organization.
type activeAfterUpload struct{ store.Rules }

func (m activeAfterUpload) Add(content string, name *string, now time.Time) (*store.Certificate, error) {
	c, err := m.Rules.Add(content, name, now)
	if err != nil {
		return nil, err
	}
	_, err = m.Rules.Toggle(store.Scope{}, []string{c.ID}, true)
	return c, err
}
