package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// An organization is kept only once it must be: from the first upload a key
// stores, and nothing else. A read, or a request that is refused, sees an
// empty organization made for that request alone, so a flood of new keys
// costs no memory once answered. With Config.Shared seeding others'
// certificates or setting another client to work, a key's organization is
// someone else's busy one from the start and must look the same on every
// request, so it is kept from the first request that passes validation. At
// most Config.MaxOrganizations are kept either way.

// organization is one admin key's organization as the handlers see it.
type organization struct {
	hash    string              // names the organization in logs without revealing its key
	org     *store.Organization // its state, for its other client (Config.Shared), Export and Reset
	rules   store.Rules         // its state and rules, with the switched-on mutations around them
	actor   *store.Actor        // its other client at work; nil: none
	journal journal             // the calls it received
	script  script              // its failures to come (FailNext)
}

// organizationFor makes an organization for key: its fixture's, if it has one,
// seeded as Config.Shared says.
func (s *Server) organizationFor(key string) (*organization, *apiError) {
	org, err := s.newOrganization(s.presets[key])
	if err != nil {
		return nil, internalError()
	}
	return &organization{hash: orgHash(key), org: org, rules: s.mutations.Wrap(org)}, nil
}

// keepsOnSight says whether an organization is kept from a key's first
// valid request: when Config.Shared makes it someone else's, busy one.
func (s *Server) keepsOnSight() bool { return s.shared.Foreign > 0 || s.shared.ActorRate > 0 }

// orgKey is a request's admin key, already accepted: the handle to its
// organization, kept or not yet.
type orgKey struct {
	s   *Server
	key string
}

// organization is the key's organization, nil while it has none.
func (k *orgKey) organization() *organization {
	if o, ok := k.s.kept.Load(k.key); ok {
		return o.(*organization)
	}
	return nil
}

// rules are the key's organization, or an empty one that is not kept.
func (k *orgKey) rules() store.Rules {
	if o := k.organization(); o != nil {
		return o.rules
	}
	return k.s.mutations.Wrap(store.NewOrganization(k.s.projects))
}

// keep returns the key's organization, made and kept now if it has none.
func (k *orgKey) keep() (*organization, *apiError) {
	if o := k.organization(); o != nil {
		return o, nil
	}
	fresh, apiErr := k.s.organizationFor(k.key)
	if apiErr != nil {
		return nil, apiErr
	}
	return k.s.keep(k.key, fresh)
}

// add stores an upload. A key without an organization uploads into a new one,
// which is kept only if the upload is stored and the cap leaves room.
func (k *orgKey) add(content string, name *string, now time.Time) (*store.Certificate, *apiError) {
	o := k.organization()
	if o == nil {
		fresh, apiErr := k.s.organizationFor(k.key)
		if apiErr != nil {
			return nil, apiErr
		}
		c, err := fresh.rules.Add(content, name, now)
		if err != nil {
			return nil, refusal(err, pathIDParam)
		}
		if o, apiErr = k.s.keep(k.key, fresh); apiErr != nil {
			return nil, apiErr
		}
		if o == fresh {
			return c, nil
		}
		// Another request of this key made its organization meanwhile.
	}
	c, err := o.rules.Add(content, name, now)
	if err != nil {
		return nil, refusal(err, pathIDParam)
	}
	return c, nil
}

// keep makes fresh the key's organization and sets its other client to
// work, unless the key has one already, which it returns instead.
func (s *Server) keep(key string, fresh *organization) (*organization, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.kept.Load(key); ok {
		return o.(*organization), nil
	}
	if s.organizations >= s.maxOrganizations {
		return nil, &apiError{status: http.StatusBadRequest, typ: typeInvalidRequest, code: codeOrganizationLimit,
			message: fmt.Sprintf("This emulator holds %d organizations, its limit; use the key of one of them, or restart it with a higher -max-organizations.", s.maxOrganizations)}
	}
	s.kept.Store(key, fresh)
	s.organizations++
	fresh.actor = s.startActor(fresh.org)
	return fresh, nil
}

// hash names the key's organization in logs without revealing the key.
func (k *orgKey) hash() string {
	if o := k.organization(); o != nil {
		return o.hash
	}
	return orgHash(k.key)
}

func orgHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}

type orgKeyContextKey struct{}

func withOrgKey(r *http.Request, k *orgKey) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), orgKeyContextKey{}, k))
}

func orgKeyOf(r *http.Request) *orgKey {
	return r.Context().Value(orgKeyContextKey{}).(*orgKey)
}

// rulesOf returns the rules of the organization of r's key.
func rulesOf(r *http.Request) store.Rules { return orgKeyOf(r).rules() }
