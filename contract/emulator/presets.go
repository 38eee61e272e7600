package emulator

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
	"github.com/certcontract/certcontract/contract/testcert"
)

// preset is one organization of the fixtures, resolved once when the
// emulator starts: ids chosen, PEMs read or made, times set. Reset rebuilds
// the organization from it, so it comes back with the same ids and times.
type preset struct {
	projects []string
	certs    []store.Stored
}

// resolvePresets checks every organization of fx against the same rules as
// uploads and activations, and returns them by admin key. The first entry
// that breaks one refuses the whole: nothing is half loaded.
func (s *Server) resolvePresets(fx *Fixtures, now time.Time) (map[string]*preset, error) {
	out := make(map[string]*preset, len(fx.Organizations))
	room := MaxCertificates - s.shared.Foreign
	if s.shared.ActorRate > 0 {
		room -= s.shared.ActorSlots
	}
	for i, fo := range fx.Organizations {
		entry := organizationEntry(i)
		fail := func(field string, err error) error {
			return &FixtureError{Entry: entry, Field: field, Err: err}
		}
		switch key := fo.AdminKey; {
		case key == "":
			return nil, fail("admin_key", errors.New("missing; every organization is named by its admin key"))
		case len(key) > MaxAdminKeyBytes:
			return nil, fail("admin_key", fmt.Errorf("%d bytes, more than %d", len(key), MaxAdminKeyBytes))
		case s.keys == nil && !wellFormedKey(key):
			return nil, fail("admin_key", errors.New("not of the form sk-admin-<something>, which this emulator accepts"))
		case out[key] != nil:
			return nil, fail("admin_key", fmt.Errorf("the same key as an earlier organization"))
		}
		p := &preset{projects: s.projects}
		if len(fo.Projects) > 0 {
			p.projects = slices.Clone(fo.Projects)
			for _, id := range fo.Projects {
				if id == "" || strings.ContainsAny(id, "/?# \t") {
					return nil, fail("projects", fmt.Errorf("%q is not a project id", id))
				}
			}
		}
		if n := len(fo.Certificates); n > room {
			return nil, fail("certificates", fmt.Errorf("%d certificates; an organization holds at most %d%s", n, room, roomNote(room)))
		}
		org := store.NewOrganization(p.projects)
		for j, fc := range fo.Certificates {
			st, field, err := storedOf(fc, now)
			if err == nil {
				var c *store.Certificate
				if c, err = org.Restore(st, now); err == nil {
					st.ID = c.ID
				}
			}
			if err != nil {
				return nil, &FixtureError{Entry: certificateEntry(i, j), Field: fixtureField(err, field), Err: err}
			}
			p.certs = append(p.certs, st)
		}
		out[fo.AdminKey] = p
	}
	return out, nil
}

func roomNote(room int) string {
	if room == MaxCertificates {
		return ""
	}
	return " beside the foreign certificates and the other client's slots"
}

// storedOf is a fixture's certificate as the store restores it; pemField
// names where its PEM came from, for errors.
func storedOf(fc FixtureCertificate, now time.Time) (st store.Stored, pemField string, err error) {
	st = store.Stored{ID: fc.ID, Name: fc.Name, CreatedAt: now.Unix(), Content: fc.PEM, Active: fc.Active.Organization,
		ActiveIn: slices.Clone(fc.Active.Projects)}
	pemField = "pem"
	if fc.PEMFile != "" {
		pemField = "pem_file"
	}
	if fc.CreatedAt != nil {
		st.CreatedAt = fc.CreatedAt.Unix()
	}
	switch {
	case fc.PEM == "" && fc.PEMFile != "":
		b, err := os.ReadFile(fc.PEMFile)
		if err != nil {
			return st, pemField, err
		}
		st.Content = string(b)
	case fc.PEM == "":
		c, err := testcert.New(testcert.Options{})
		if err != nil {
			return st, pemField, err
		}
		st.Content = c.PEM
	}
	return st, pemField, nil
}

// fixtureField names the field of a certificate entry that broke rule.
func fixtureField(err error, pemField string) string {
	switch {
	case errors.Is(err, store.ErrInvalidCertificate):
		return pemField
	case errors.Is(err, store.ErrUnknownProject):
		return "active.projects"
	case errors.Is(err, store.ErrDuplicateCertificate), errors.Is(err, store.ErrInvalidID):
		return "id"
	}
	return pemField
}

// organization builds p's organization afresh, as it was at start.
func (p *preset) organization(now time.Time) (*store.Organization, error) {
	org := store.NewOrganization(p.projects)
	for _, c := range p.certs {
		if _, err := org.Restore(c, now); err != nil {
			return nil, err
		}
	}
	return org, nil
}

func wellFormedKey(key string) bool {
	return strings.HasPrefix(key, adminKeyPrefix) && len(key) > len(adminKeyPrefix)
}
