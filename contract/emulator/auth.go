package emulator

import (
	"net/http"
	"strings"

	"github.com/certcontract/certcontract/generated"
)

const adminKeyPrefix = "sk-admin-"

// MaxAdminKeyBytes is the longest admin key accepted. Real admin keys are
// sk-admin- and under 200 characters (secret scanners match them as
// sk-admin-[A-Za-z0-9_-]{20,200}); 256 leaves room for that and refuses
// anything else before it is looked up or kept.
const MaxAdminKeyBytes = 256

// authenticate checks the request's admin key and returns its caller. Every
// request is checked before anything else, as the live API does, so a bad
// key learns nothing about routes, parameters or state. Nothing is kept for a
// key here (see organizations.go).
func (s *Server) authenticate(r *http.Request) (*caller, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, unauthorized("You didn't provide an API key. Provide your admin key in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).")
	}
	if len(header) > len("Bearer ")+MaxAdminKeyBytes {
		return nil, unauthorized("Incorrect API key provided: it is longer than any admin key.")
	}
	scheme, key, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || key == "" || strings.ContainsAny(key, " \t") {
		return nil, unauthorized("The Authorization header is malformed; send Authorization: Bearer YOUR_KEY.")
	}
	if s.keys != nil && !s.keys[key] || s.keys == nil && (!strings.HasPrefix(key, adminKeyPrefix) || len(key) == len(adminKeyPrefix)) {
		return nil, unauthorized("Incorrect API key provided. You need an admin key (sk-admin-...) of this organization.")
	}
	return &caller{s: s, key: key}, nil
}

func unauthorized(message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: typeInvalidRequest, code: generated.ErrorCodeInvalidAPIKey, message: message}
}
