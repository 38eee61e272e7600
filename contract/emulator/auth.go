package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/certcontract/certcontract/generated"
)

const adminKeyPrefix = "sk-admin-"

// authenticate finds the organization of the request's admin key. Every
// request is checked before anything else, as the live API does, so a bad key
// learns nothing about routes, parameters or state.
func (s *Server) authenticate(r *http.Request) (*tenant, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, unauthorized("You didn't provide an API key. Provide your admin key in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).")
	}
	scheme, key, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" || strings.ContainsAny(key, " \t") {
		return nil, unauthorized("The Authorization header is malformed; send Authorization: Bearer YOUR_KEY.")
	}
	if s.keys != nil && !s.keys[key] || s.keys == nil && (!strings.HasPrefix(key, adminKeyPrefix) || len(key) == len(adminKeyPrefix)) {
		return nil, unauthorized("Incorrect API key provided. You need an admin key (sk-admin-...) of this organization.")
	}
	if t, ok := s.tenants.Load(key); ok {
		return t.(*tenant), nil
	}
	org, err := s.newOrganization()
	if err != nil {
		return nil, internalError()
	}
	t, loaded := s.tenants.LoadOrStore(key, &tenant{hash: orgHash(key), rules: s.mutations.wrap(org)})
	if !loaded {
		s.startActor(org)
	}
	return t.(*tenant), nil
}

// tenant is one admin key's organization as the handlers see it.
type tenant struct {
	hash  string // names the organization in logs without revealing its key
	rules rules  // its state and rules, with the switched-on mutations around them
}

func unauthorized(message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: typeInvalidRequest, code: generated.ErrorCodeInvalidAPIKey, message: message}
}

// orgHash names an organization in logs without revealing its key.
func orgHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}

type tenantContextKey struct{}

func withTenant(r *http.Request, t *tenant) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), tenantContextKey{}, t))
}

// rulesOf returns the rules of the organization authenticate found for r.
func rulesOf(r *http.Request) rules {
	return r.Context().Value(tenantContextKey{}).(*tenant).rules
}
