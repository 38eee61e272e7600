package mutant

import (
	"fmt"
	"sync"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// Mutations that only a sequence of requests shows: each keeps state across
// calls of one organization, so every request from a fresh organization, and
// every spec that checks one rule from one starting state, gets the right
// answer. See wrapper in mutant.go.

// deletedStillCounts counts deleted certificates toward the 50 limit.
type deletedStillCounts struct {
	store.Rules
	mu      sync.Mutex
	deleted int
}

func (m *deletedStillCounts) Delete(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	err := m.Rules.Delete(id)
	if err == nil {
		m.deleted++
	}
	return err
}

func (m *deletedStillCounts) Add(content string, name *string, now time.Time) (*store.Certificate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.Rules.Add(content, name, now)
	if err != nil {
		return nil, err
	}
	page, err := m.Rules.List(store.Scope{}, store.ListQuery{Limit: store.MaxCertificates})
	if err != nil || len(page.Items)+m.deleted <= store.MaxCertificates {
		return c, err
	}
	if err := m.Rules.Delete(c.ID); err != nil {
		return nil, err
	}
	return nil, &store.Error{Rule: store.ErrCertificateLimit,
		Message: fmt.Sprintf("An organization can hold at most %d certificates; delete one before uploading another.", store.MaxCertificates)}
}

// activationSpreads activates a certificate for a project and, with it,
// again in every project it was deactivated in before.
type activationSpreads struct {
	store.Rules
	mu          sync.Mutex
	deactivated map[string]map[string]bool // certificate id -> projects
}

func (m *activationSpreads) Toggle(sc store.Scope, ids []string, active bool) ([]store.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	items, err := m.Rules.Toggle(sc, ids, active)
	if err != nil || sc.Project == "" {
		return items, err
	}
	if m.deactivated == nil {
		m.deactivated = map[string]map[string]bool{}
	}
	for _, id := range ids {
		if !active {
			if m.deactivated[id] == nil {
				m.deactivated[id] = map[string]bool{}
			}
			m.deactivated[id][sc.Project] = true
			continue
		}
		for p := range m.deactivated[id] {
			if p != sc.Project {
				if _, err := m.Rules.Toggle(store.Scope{Project: p}, []string{id}, true); err != nil {
					return nil, err
				}
			}
		}
	}
	return items, nil
}

// pageSkipsAfterDelete makes the first page read with a cursor after a
// delete start one certificate too late, as a cursor kept as a position
// that the delete moved would.
type pageSkipsAfterDelete struct {
	store.Rules
	mu      sync.Mutex
	deleted bool
}

func (m *pageSkipsAfterDelete) Delete(id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	err := m.Rules.Delete(id)
	m.deleted = m.deleted || err == nil
	return err
}

func (m *pageSkipsAfterDelete) List(sc store.Scope, q store.ListQuery) (store.Page, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if q.After == "" || !m.deleted {
		return m.Rules.List(sc, q)
	}
	m.deleted = false
	q.Limit++
	page, err := m.Rules.List(sc, q)
	if err != nil || len(page.Items) == 0 {
		return page, err
	}
	return store.Page{Items: page.Items[1:], HasMore: page.HasMore}, nil
}

// reactivationIgnored answers the activation of a certificate deactivated
// before in that scope as done, and leaves it inactive.
type reactivationIgnored struct {
	store.Rules
	mu          sync.Mutex
	deactivated map[store.Scope]map[string]bool
}

func (m *reactivationIgnored) Toggle(sc store.Scope, ids []string, active bool) ([]store.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	items, err := m.Rules.Toggle(sc, ids, active)
	if err != nil {
		return nil, err
	}
	if m.deactivated == nil {
		m.deactivated = map[store.Scope]map[string]bool{}
	}
	if !active {
		if m.deactivated[sc] == nil {
			m.deactivated[sc] = map[string]bool{}
		}
		for _, id := range ids {
			m.deactivated[sc][id] = true
		}
		return items, nil
	}
	var again []string
	for _, it := range items {
		if m.deactivated[sc][it.ID] {
			again = append(again, it.ID)
		}
	}
	if len(again) > 0 {
		if _, err := m.Rules.Toggle(sc, again, false); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// projectDeactivationReachesOrganization deactivates a certificate for the
// organization whenever a project deactivates it, as a store keeping one
// flag per certificate beside the projects' would when it cleared the
// wrong one.
type projectDeactivationReachesOrganization struct{ store.Rules }

func (m projectDeactivationReachesOrganization) Toggle(sc store.Scope, ids []string, active bool) ([]store.Item, error) {
	items, err := m.Rules.Toggle(sc, ids, active)
	if err != nil || active || sc.Project == "" {
		return items, err
	}
	if _, err := m.Rules.Toggle(store.Scope{}, ids, false); err != nil {
		return nil, err
	}
	return items, nil
}

// renameRestoresActivation makes a rename activate again, for the
// organization, a certificate that was active there once: a rename that
// writes back a copy of the record taken when it was last activated.
type renameRestoresActivation struct {
	store.Rules
	mu        sync.Mutex
	activated map[string]bool
}

func (m *renameRestoresActivation) Toggle(sc store.Scope, ids []string, active bool) ([]store.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	items, err := m.Rules.Toggle(sc, ids, active)
	if err != nil || !active || sc.Project != "" {
		return items, err
	}
	if m.activated == nil {
		m.activated = map[string]bool{}
	}
	for _, id := range ids {
		m.activated[id] = true
	}
	return items, nil
}

func (m *renameRestoresActivation) Rename(id string, name *string) (*store.Certificate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.Rules.Rename(id, name)
	if err != nil || name == nil || !m.activated[id] {
		return c, err
	}
	if _, err := m.Rules.Toggle(store.Scope{}, []string{id}, true); err != nil {
		return nil, err
	}
	return c, nil
}

// organizationDeactivationBlocksProjects answers a project's activation of
// a certificate deactivated for the organization before as done, and
// leaves it inactive in the project: one "switched off" flag read by both
// scopes.
type organizationDeactivationBlocksProjects struct {
	store.Rules
	mu  sync.Mutex
	off map[string]bool
}

func (m *organizationDeactivationBlocksProjects) Toggle(sc store.Scope, ids []string, active bool) ([]store.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	items, err := m.Rules.Toggle(sc, ids, active)
	if err != nil {
		return nil, err
	}
	if m.off == nil {
		m.off = map[string]bool{}
	}
	if sc.Project == "" {
		for _, id := range ids {
			m.off[id] = !active
		}
		return items, nil
	}
	var blocked []string
	for _, id := range ids {
		if active && m.off[id] {
			blocked = append(blocked, id)
		}
	}
	if len(blocked) > 0 {
		if _, err := m.Rules.Toggle(sc, blocked, false); err != nil {
			return nil, err
		}
	}
	return items, nil
}
