package model

import (
	"cmp"
	"slices"
	"time"
)

// What the reference page and the fragment publish.
const (
	// MaxCertificates is how many certificates an organization holds at most.
	MaxCertificates = 50
	// MaxBatch is how many ids one toggle takes at most (and 1 at least).
	MaxBatch = 10
	// MinLimit, MaxLimit and DefaultLimit bound a list page.
	MinLimit, MaxLimit, DefaultLimit = 1, 100, 20
	// MaxPEMBytes is the size a certificate must stay under.
	MaxPEMBytes = 16 << 10
	// MinRemaining is how long an uploaded certificate must still be valid.
	MinRemaining = 24 * time.Hour
)

// Error types and codes as the project documents them (docs/decisions.md and
// the fragment's responses).
const (
	TypeInvalidRequest    = "invalid_request_error"
	CodeNotFound          = "not_found"
	CodeLimitReached      = "certificate_limit_reached"
	CodeCertificateActive = "certificate_active"
)

// Objects of the answers.
const (
	objectCertificate  = "certificate"
	objectOrgItem      = "organization.certificate"
	objectProjectItem  = "organization.project.certificate"
	objectList         = "list"
	objectDeleted      = "certificate.deleted"
	objectOrgOn        = "organization.certificate.activation"
	objectOrgOff       = "organization.certificate.deactivation"
	objectProjectOn    = "organization.project.certificate.activation"
	objectProjectOff   = "organization.project.certificate.deactivation"
	includeContent     = "content"
	orderAsc, orderDsc = "asc", "desc"
)

// Config describes the organization a model follows.
type Config struct {
	// Projects are the organization's projects the sequence may address;
	// any other project id is unknown to the organization.
	Projects []string
	// Shared says the organization may hold certificates the model did not
	// create, which come and go as others please. Lists are then compared on
	// the model's own certificates only (their order, fields and pages among
	// the others), and an upload may meet the 50 limit before the model's own
	// certificates reach it. Ids the model never saw count as unknown to the
	// organization: a sequence on a shared organization sends no one else's.
	Shared bool
	// Now is the clock for "not expiring within a day"; nil: time.Now.
	Now func() time.Time
}

// Model is the state of one organization, as far as one sequence made it.
type Model struct {
	projects map[string]bool
	shared   bool
	now      func() time.Time

	certs   []*cert         // in ascending list order: created_at, then upload order
	ever    map[string]bool // every id the API gave this model, deleted or not
	deleted []string        // in the order they were deleted
	newest  int64           // the latest created_at the API gave
	uploads int
}

type cert struct {
	id        string
	name      *string
	createdAt int64
	validAt   int64
	expiresAt int64
	content   string
	seq       int // upload order, the tie-break among equal created_at

	org      bool            // active for the organization
	projects map[string]bool // active per project
}

// New starts a model of an organization holding none of the model's
// certificates.
func New(cfg Config) *Model {
	m := &Model{projects: map[string]bool{}, shared: cfg.Shared, now: cfg.Now, ever: map[string]bool{}}
	for _, p := range cfg.Projects {
		m.projects[p] = true
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m
}

// IDs are the model's certificates, oldest first.
func (m *Model) IDs() []string {
	out := make([]string, len(m.certs))
	for i, c := range m.certs {
		out[i] = c.id
	}
	return out
}

// Deleted are the ids the model saw deleted, in the order they were.
func (m *Model) Deleted() []string { return slices.Clone(m.deleted) }

func (m *Model) find(id string) *cert {
	for _, c := range m.certs {
		if c.id == id {
			return c
		}
	}
	return nil
}

func (c *cert) activeAnywhere() bool {
	if c.org {
		return true
	}
	for _, on := range c.projects {
		if on {
			return true
		}
	}
	return false
}

// activeIn is the state in one scope; project "" is the organization.
func (c *cert) activeIn(project string) bool {
	if project == "" {
		return c.org
	}
	return c.projects[project]
}

func (c *cert) set(project string, active bool) {
	if project == "" {
		c.org = active
		return
	}
	c.projects[project] = active
}

func (c *cert) item(project string) Item {
	obj := objectOrgItem
	if project != "" {
		obj = objectProjectItem
	}
	return Item{Object: obj, ID: c.id, Name: c.name, CreatedAt: c.createdAt,
		Details: Details{ValidAt: ptr(c.validAt), ExpiresAt: ptr(c.expiresAt)}, Active: c.activeIn(project)}
}

func (c *cert) single(withContent bool) *Certificate {
	out := &Certificate{Object: objectCertificate, ID: c.id, Name: c.name, CreatedAt: c.createdAt,
		Details: Details{ValidAt: ptr(c.validAt), ExpiresAt: ptr(c.expiresAt)}}
	if withContent {
		out.Details.Content = ptr(c.content)
	}
	return out
}

// add stores an accepted upload in list order.
func (m *Model) add(c *cert) {
	m.uploads++
	c.seq = m.uploads
	i, _ := slices.BinarySearchFunc(m.certs, c, func(a, b *cert) int {
		return cmp.Or(cmp.Compare(a.createdAt, b.createdAt), cmp.Compare(a.seq, b.seq))
	})
	m.certs = slices.Insert(m.certs, i, c)
	m.ever[c.id] = true
	m.newest = max(m.newest, c.createdAt)
}

func (m *Model) remove(id string) {
	m.certs = slices.DeleteFunc(m.certs, func(c *cert) bool { return c.id == id })
	m.deleted = append(m.deleted, id)
}

func ptr[T any](v T) *T { return &v }
