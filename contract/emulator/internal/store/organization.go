package store

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// MaxCertificates is how many certificates one organization may hold.
const MaxCertificates = 50

// Certificate is a stored certificate as callers see it. The store never
// changes one it has handed out (a rename stores a new one), so callers may
// keep it, share it and cache what they derive from it.
type Certificate struct {
	ID        string
	Name      *string
	CreatedAt int64 // Unix seconds, as the API answers
	ValidAt   int64
	ExpiresAt int64
	Content   string // the PEM as uploaded

	// Memo is for a caller's cache of what it derives from this certificate
	// (the HTTP layer keeps the encoded list items there, since lists are
	// the hot path); the store never reads it.
	Memo atomic.Value
}

// Item is a certificate with its state in the scope asked about.
type Item struct {
	*Certificate
	Active bool
}

// Scope is where a certificate is active: the organization (Project "") or
// one project.
type Scope struct{ Project string }

// Organization is one admin key's world: its certificates and their state.
// Every read and write goes through mu, so a rule that spans several
// certificates (the limit, an all-or-nothing toggle) holds under concurrency.
type Organization struct {
	projects []string
	known    map[string]bool // projects, fixed at creation, read without the lock

	mu      sync.RWMutex
	seq     uint64
	entries []*entry // ordered by (CreatedAt, seq): the ascending list order
	byID    map[string]*entry
}

type entry struct {
	cert *Certificate
	ca   *x509.Certificate // what the gate checks client certificates against
	seq  uint64            // upload order, the tie-break of equal CreatedAt

	active   bool            // for the organization
	activeIn map[string]bool // project id -> active for that project
}

// NewOrganization returns an organization with no certificates and the
// given projects.
func NewOrganization(projects []string) *Organization {
	org := &Organization{projects: slices.Clone(projects), known: make(map[string]bool, len(projects)), byID: make(map[string]*entry)}
	for _, p := range projects {
		org.known[p] = true
	}
	return org
}

// Projects returns the organization's project ids.
func (org *Organization) Projects() []string { return slices.Clone(org.projects) }

func (org *Organization) checkScope(sc Scope) error {
	if sc.Project != "" && !org.known[sc.Project] {
		return refuse(ErrUnknownProject, "No project with id %s in this organization.", sc.Project)
	}
	return nil
}

func (e *entry) activeFor(sc Scope) bool {
	if sc.Project == "" {
		return e.active
	}
	return e.activeIn[sc.Project]
}

func (e *entry) setActive(sc Scope, active bool) {
	if sc.Project == "" {
		e.active = active
		return
	}
	if active {
		if e.activeIn == nil {
			e.activeIn = make(map[string]bool)
		}
		e.activeIn[sc.Project] = true
		return
	}
	delete(e.activeIn, sc.Project)
}

func (e *entry) item(sc Scope) Item { return Item{Certificate: e.cert, Active: e.activeFor(sc)} }

// Add stores an uploaded certificate, inactive everywhere, after checking the
// PEM rules, every published requirement of a CA certificate and the
// organization's limit.
func (org *Organization) Add(content string, name *string, now time.Time) (*Certificate, error) {
	return org.AddMeeting(Requirements, content, name, now)
}

// AddMeeting is Add checking only reqs of the published requirements: the
// seam where a mutation that forgets one requirement goes.
func (org *Organization) AddMeeting(reqs []Requirement, content string, name *string, now time.Time) (*Certificate, error) {
	parsed, err := parseCertificatePEM(content, now)
	if err != nil {
		return nil, err
	}
	if err := checkRequirements(parsed, reqs); err != nil {
		return nil, err
	}
	org.mu.Lock()
	defer org.mu.Unlock()
	if len(org.entries) >= MaxCertificates {
		return nil, refuse(ErrCertificateLimit,
			"An organization can hold at most %d certificates; delete one before uploading another.", MaxCertificates)
	}
	id := newCertificateID()
	for org.byID[id] != nil {
		id = newCertificateID()
	}
	org.seq++
	e := &entry{seq: org.seq, ca: parsed, cert: &Certificate{ID: id, Name: name, CreatedAt: now.Unix(),
		ValidAt: parsed.NotBefore.Unix(), ExpiresAt: parsed.NotAfter.Unix(), Content: content}}
	i, _ := slices.BinarySearchFunc(org.entries, e, compareEntries)
	org.entries = slices.Insert(org.entries, i, e)
	org.byID[id] = e
	return e.cert, nil
}

func compareEntries(a, b *entry) int {
	if a.cert.CreatedAt != b.cert.CreatedAt {
		if a.cert.CreatedAt < b.cert.CreatedAt {
			return -1
		}
		return 1
	}
	switch {
	case a.seq < b.seq:
		return -1
	case a.seq > b.seq:
		return 1
	}
	return 0
}

// Get returns one certificate.
func (org *Organization) Get(id string) (*Certificate, error) {
	org.mu.RLock()
	defer org.mu.RUnlock()
	e := org.byID[id]
	if e == nil {
		return nil, unknownCertificate(id)
	}
	return e.cert, nil
}

// Rename gives a certificate a new name; a nil name changes nothing.
func (org *Organization) Rename(id string, name *string) (*Certificate, error) {
	org.mu.Lock()
	defer org.mu.Unlock()
	e := org.byID[id]
	if e == nil {
		return nil, unknownCertificate(id)
	}
	if name != nil {
		renamed := &Certificate{ID: e.cert.ID, Name: name, CreatedAt: e.cert.CreatedAt,
			ValidAt: e.cert.ValidAt, ExpiresAt: e.cert.ExpiresAt, Content: e.cert.Content}
		e.cert = renamed
	}
	return e.cert, nil
}

// Delete removes a certificate that is inactive for the organization and
// every project.
func (org *Organization) Delete(id string) error {
	org.mu.Lock()
	defer org.mu.Unlock()
	e := org.byID[id]
	if e == nil {
		return unknownCertificate(id)
	}
	if e.active || len(e.activeIn) > 0 {
		return refuse(ErrCertificateActive,
			"Certificate %s is active for the organization or a project; deactivate it everywhere before deleting it.", id)
	}
	org.entries = slices.DeleteFunc(org.entries, func(x *entry) bool { return x == e })
	delete(org.byID, id)
	return nil
}

// Toggle sets the state of a batch in one scope, all or nothing: an unknown
// id refuses the batch before anything changes. Duplicates collapse to their
// first place; the items come back in that order.
func (org *Organization) Toggle(sc Scope, ids []string, active bool) ([]Item, error) {
	if err := org.checkScope(sc); err != nil {
		return nil, err
	}
	org.mu.Lock()
	defer org.mu.Unlock()
	batch := make([]*entry, 0, len(ids))
	for _, id := range ids {
		e := org.byID[id]
		if e == nil {
			return nil, unknownCertificate(id)
		}
		if !slices.Contains(batch, e) {
			batch = append(batch, e)
		}
	}
	items := make([]Item, len(batch))
	for i, e := range batch {
		e.setActive(sc, active)
		items[i] = e.item(sc)
	}
	return items, nil
}

func newCertificateID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "cert_" + hex.EncodeToString(b[:])
}
