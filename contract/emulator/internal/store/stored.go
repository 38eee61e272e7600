package store

import (
	"regexp"
	"slices"
	"time"
)

// Stored is a certificate with its place and its state everywhere: what a
// fixture sets up and an export writes out, so that restoring what Dump
// returned gives an organization whose every answer is the same.
type Stored struct {
	ID        string
	Name      *string
	CreatedAt int64 // Unix seconds
	Content   string
	Active    bool     // for the organization
	ActiveIn  []string // projects, in the organization's project order
}

var validID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Restore stores c as the newest certificate so far in upload order, with
// its id, created_at and states. Its PEM must pass the same rules as an
// upload's at now, the organization's limit holds, and its projects must be
// the organization's; a refused certificate changes nothing. An empty ID
// gets a new one.
func (org *Organization) Restore(c Stored, now time.Time) (*Certificate, error) {
	parsed, err := parseCertificatePEM(c.Content, now)
	if err != nil {
		return nil, err
	}
	if err := checkRequirements(parsed, Requirements); err != nil {
		return nil, err
	}
	if c.ID != "" && !validID.MatchString(c.ID) {
		return nil, refuse(ErrInvalidID, "Certificate id %q is not 1 to 128 letters, digits, '_' or '-'.", c.ID)
	}
	for _, p := range c.ActiveIn {
		if err := org.checkScope(Scope{Project: p}); err != nil {
			return nil, err
		}
	}
	org.mu.Lock()
	defer org.mu.Unlock()
	if len(org.entries) >= MaxCertificates {
		return nil, refuse(ErrCertificateLimit, "An organization can hold at most %d certificates.", MaxCertificates)
	}
	id := c.ID
	if id == "" {
		for id = newCertificateID(); org.byID[id] != nil; id = newCertificateID() {
		}
	} else if org.byID[id] != nil {
		return nil, refuse(ErrDuplicateCertificate, "The organization already holds a certificate with id %s.", id)
	}
	org.seq++
	e := &entry{seq: org.seq, ca: parsed, active: c.Active, cert: &Certificate{ID: id, Name: c.Name, CreatedAt: c.CreatedAt,
		ValidAt: parsed.NotBefore.Unix(), ExpiresAt: parsed.NotAfter.Unix(), Content: c.Content}}
	for _, p := range c.ActiveIn {
		e.setActive(Scope{Project: p}, true)
	}
	i, _ := slices.BinarySearchFunc(org.entries, e, compareEntries)
	org.entries = slices.Insert(org.entries, i, e)
	org.byID[id] = e
	return e.cert, nil
}

// Dump returns every certificate in ascending list order (created_at, then
// upload order), so that restoring them in this order into an organization
// with the same projects answers every list and get the same.
func (org *Organization) Dump() []Stored {
	org.mu.RLock()
	defer org.mu.RUnlock()
	out := make([]Stored, len(org.entries))
	for i, e := range org.entries {
		var in []string
		for _, p := range org.projects {
			if e.activeIn[p] {
				in = append(in, p)
			}
		}
		out[i] = Stored{ID: e.cert.ID, Name: e.cert.Name, CreatedAt: e.cert.CreatedAt, Content: e.cert.Content,
			Active: e.active, ActiveIn: in}
	}
	return out
}
