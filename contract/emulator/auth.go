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

// authenticate checks the request's admin key and returns it. Every
// request is checked before anything else, as the live API does, so a bad
// key learns nothing about routes, parameters or state. Nothing is kept for a
// key here (see organizations.go).
func (s *Server) authenticate(r *http.Request) (*orgKey, *apiError) {
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
	if !s.accepts(key) {
		return nil, unauthorized("Incorrect API key provided. You need an admin key (sk-admin-...) of this organization.")
	}
	return &orgKey{s: s, key: key}, nil
}

func unauthorized(message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: typeInvalidRequest, code: generated.ErrorCodeInvalidAPIKey, message: message}
}

// accepts says whether key names an organization of this emulator: one of
// Config.Keys or of the fixtures', or, without Keys, any well-formed admin
// key.
func (s *Server) accepts(key string) bool {
	if s.keys != nil {
		return s.keys[key]
	}
	return wellFormedKey(key)
}
