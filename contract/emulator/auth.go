package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

const adminKeyPrefix = "sk-admin-"

// authenticate finds the organization of the request's admin key. Every
// request is checked before anything else, as the live API does, so a bad key
// learns nothing about routes, parameters or state.
func (s *Server) authenticate(r *http.Request) (*organization, *apiError) {
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
	if org, ok := s.orgs.Load(key); ok {
		return org.(*organization), nil
	}
	org, _ := s.orgs.LoadOrStore(key, newOrganization(orgHash(key), s.projects))
	return org.(*organization), nil
}

func unauthorized(message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: typeInvalidRequest, code: codeInvalidAPIKey, message: message}
}

// orgHash names an organization in logs without revealing its key.
func orgHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6])
}

type orgContextKey struct{}

func withOrganization(r *http.Request, org *organization) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), orgContextKey{}, org))
}

// organizationOf returns the organization authenticate put on the request.
func organizationOf(r *http.Request) *organization {
	return r.Context().Value(orgContextKey{}).(*organization)
}
