package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MaxCertificates is how many certificates one organization may hold.
const MaxCertificates = 50

// organization is one admin key's world: its certificates and their state.
// Every read and write of certs goes through mu, so a rule that spans several
// certificates (the limit, an all-or-nothing toggle) holds under concurrency.
type organization struct {
	hash     string
	projects map[string]bool // fixed at creation, read without the lock

	mu    sync.RWMutex
	seq   uint64
	certs []*certificate // ordered by (createdAt, seq): the ascending list order
	byID  map[string]*certificate
}

type certificate struct {
	id        string
	name      *string // replaced, never written through, so views may share it
	createdAt int64
	validAt   int64
	expiresAt int64
	content   string
	seq       uint64

	active   bool            // for the organization
	activeIn map[string]bool // project id -> active for that project

	// listItems are the certificate's list items, encoded once per change
	// rather than per list request: [project scope][active].
	listItems [2][2][]byte
}

// certView is a copy of a certificate taken under the lock, with its state in
// the scope asked about.
type certView struct {
	id        string
	name      *string
	createdAt int64
	validAt   int64
	expiresAt int64
	content   string
	active    bool
}

func newOrganization(hash string, projects []string) *organization {
	org := &organization{hash: hash, projects: make(map[string]bool, len(projects)), byID: make(map[string]*certificate)}
	for _, p := range projects {
		org.projects[p] = true
	}
	return org
}

// scope is where a certificate is active: the organization (project "") or
// one project.
type scope struct{ project string }

func (c *certificate) activeFor(sc scope) bool {
	if sc.project == "" {
		return c.active
	}
	return c.activeIn[sc.project]
}

func (c *certificate) setActive(sc scope, active bool) {
	if sc.project == "" {
		c.active = active
		return
	}
	if active {
		if c.activeIn == nil {
			c.activeIn = make(map[string]bool)
		}
		c.activeIn[sc.project] = true
		return
	}
	delete(c.activeIn, sc.project)
}

func (c *certificate) view(sc scope) certView {
	return certView{id: c.id, name: c.name, createdAt: c.createdAt, validAt: c.validAt,
		expiresAt: c.expiresAt, content: c.content, active: c.activeFor(sc)}
}

// listItem is the certificate's encoded list item in a scope.
func (c *certificate) listItem(sc scope) []byte {
	return c.listItems[b2i(sc.project != "")][b2i(c.activeFor(sc))]
}

// encodeListItems refreshes listItems; it runs whenever the id or the name
// changes, under the organization's write lock.
func (c *certificate) encodeListItems() {
	for _, active := range []bool{false, true} {
		v := c.view(scope{})
		v.active = active
		// Items hold only strings, integers and booleans: marshalling cannot fail.
		c.listItems[0][b2i(active)], _ = json.Marshal(v.organizationItem())
		c.listItems[1][b2i(active)], _ = json.Marshal(v.projectItem())
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// add stores a parsed certificate, or refuses it when the organization is full.
func (org *organization) add(c *certificate, activeAtOnce bool) (certView, *apiError) {
	org.mu.Lock()
	defer org.mu.Unlock()
	if len(org.certs) >= MaxCertificates {
		return certView{}, badRequest("", codeLimitReached,
			fmt.Sprintf("An organization can hold at most %d certificates; delete one before uploading another.", MaxCertificates))
	}
	for org.byID[c.id] != nil {
		c.id = newCertificateID()
	}
	org.seq++
	c.seq = org.seq
	c.encodeListItems()
	if activeAtOnce {
		c.active = true
	}
	i, _ := slices.BinarySearchFunc(org.certs, c, compareCertificates)
	org.certs = slices.Insert(org.certs, i, c)
	org.byID[c.id] = c
	return c.view(scope{}), nil
}

func compareCertificates(a, b *certificate) int {
	if a.createdAt != b.createdAt {
		if a.createdAt < b.createdAt {
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

func (org *organization) get(id string) (certView, *apiError) {
	org.mu.RLock()
	defer org.mu.RUnlock()
	c := org.byID[id]
	if c == nil {
		return certView{}, unknownCertificate("certificate_id", id)
	}
	return c.view(scope{}), nil
}

func (org *organization) rename(id string, name *string) (certView, *apiError) {
	org.mu.Lock()
	defer org.mu.Unlock()
	c := org.byID[id]
	if c == nil {
		return certView{}, unknownCertificate("certificate_id", id)
	}
	if name != nil {
		c.name = name
		c.encodeListItems()
	}
	return c.view(scope{}), nil
}

// remove deletes a certificate that is inactive everywhere; allowActive skips
// that rule (a mutation).
func (org *organization) remove(id string, allowActive bool) *apiError {
	org.mu.Lock()
	defer org.mu.Unlock()
	c := org.byID[id]
	if c == nil {
		return unknownCertificate("certificate_id", id)
	}
	if !allowActive && (c.active || len(c.activeIn) > 0) {
		return badRequest("certificate_id", codeCertificateActive,
			fmt.Sprintf("Certificate %s is active for the organization or a project; deactivate it everywhere before deleting it.", id))
	}
	org.certs = slices.DeleteFunc(org.certs, func(x *certificate) bool { return x == c })
	delete(org.byID, id)
	return nil
}

// toggle sets the state of a batch in one scope, all or nothing: an unknown id
// refuses the batch before anything changes. Duplicates collapse to their
// first place. nonAtomic applies the known ids first (a mutation).
func (org *organization) toggle(sc scope, ids []string, active, nonAtomic bool) ([]certView, *apiError) {
	org.mu.Lock()
	defer org.mu.Unlock()
	batch := make([]*certificate, 0, len(ids))
	for _, id := range ids {
		c := org.byID[id]
		if c == nil {
			return nil, unknownCertificate("certificate_ids", id)
		}
		if !slices.Contains(batch, c) {
			batch = append(batch, c)
		}
		if nonAtomic {
			c.setActive(sc, active)
		}
	}
	views := make([]certView, len(batch))
	for i, c := range batch {
		c.setActive(sc, active)
		views[i] = c.view(sc)
	}
	return views, nil
}

func unknownCertificate(param, id string) *apiError {
	return notFound(param, fmt.Sprintf("No certificate with id %s in this organization.", id))
}

func newCertificateID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "cert_" + hex.EncodeToString(b[:])
}

// newCertificate makes the stored form of an accepted upload.
func newCertificate(content string, name *string, validAt, expiresAt, now time.Time) *certificate {
	return &certificate{id: newCertificateID(), name: name, createdAt: now.Unix(),
		validAt: validAt.Unix(), expiresAt: expiresAt.Unix(), content: content}
}
