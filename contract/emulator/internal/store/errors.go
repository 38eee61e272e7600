package store

import (
	"errors"
	"fmt"
)

// The rules a call can break. An *Error unwraps to one of them.
var (
	// ErrInvalidCertificate: an upload must be one PEM CERTIFICATE block
	// without headers, under 16 KiB, whose validity ends after it begins and
	// not within a day, that meets every Requirement.
	ErrInvalidCertificate = errors.New("the certificate is not one valid PEM CERTIFICATE block")
	// ErrCertificateLimit: an organization holds at most MaxCertificates.
	ErrCertificateLimit = errors.New("the organization holds the most certificates it may")
	// ErrUnknownCertificate: the id is not one of the organization's.
	ErrUnknownCertificate = errors.New("no such certificate in the organization")
	// ErrUnknownProject: the project is not one of the organization's.
	ErrUnknownProject = errors.New("no such project in the organization")
	// ErrUnknownCursor: a list continues only after one of the
	// organization's certificates.
	ErrUnknownCursor = errors.New("no such certificate to continue a list after")
	// ErrCertificateActive: only a certificate inactive everywhere can be deleted.
	ErrCertificateActive = errors.New("the certificate is active for the organization or a project")
	// ErrClientCertificateRequired: a request to a project with an active CA
	// (its own or the organization's) needs a client certificate.
	ErrClientCertificateRequired = errors.New("the project requires a client certificate")
	// ErrClientCertificateRefused: the client certificate is not signed
	// directly by a CA active for the project or the organization, or misses
	// a published requirement of a client certificate.
	ErrClientCertificateRefused = errors.New("the client certificate is not accepted for the project")
	// ErrDuplicateCertificate: a restored certificate's id must be new to
	// the organization.
	ErrDuplicateCertificate = errors.New("the organization already holds a certificate with this id")
	// ErrInvalidID: a restored certificate's id must be usable in a URL
	// path as it is.
	ErrInvalidID = errors.New("the certificate id is not 1 to 128 letters, digits, '_' or '-'")
)

// Error is a refusal: the rule broken, and a sentence for the caller saying
// what was wrong with this request.
type Error struct {
	Rule    error
	Message string
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Rule }

func refuse(rule error, format string, args ...any) *Error {
	return &Error{Rule: rule, Message: fmt.Sprintf(format, args...)}
}

func unknownCertificate(id string) *Error {
	return refuse(ErrUnknownCertificate, "No certificate with id %s in this organization.", id)
}
