package generated

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxErrorBody bounds how much of an error body is read: the API's error
// bodies are a few hundred bytes, and a proxy's HTML page must not fill memory.
const maxErrorBody = 64 << 10

// maxSnippet bounds how much of a body that is not the API's error JSON is
// kept as the message.
const maxSnippet = 512

// APIError is the error every call returns when the API answers with a status
// outside 2xx. Reach it with errors.As:
//
//	var apiErr *generated.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == "certificate_active" { ... }
//
// When the body is the API's error JSON, Type, Code, Param and Message come
// from it. When it is not (a proxy's HTML page, an empty body), Type, Code and
// Param are empty and Message holds the start of the body, or the status text
// when the body is empty, so the error still says what happened.
type APIError struct {
	// Status is the HTTP status code, such as 404.
	Status int
	// Type is the error's kind, such as "invalid_request_error".
	Type string
	// Code is the machine-readable code, such as "not_found"; empty when null.
	Code string
	// Param is the request field the error is about, such as
	// "certificate_id"; empty when null.
	Param string
	// Message is the server's explanation, for people.
	Message string
	// RequestID is the x-request-id header, what OpenAI support asks for.
	RequestID string
	// RetryAfter is how long the server asked to wait (Retry-After or
	// retry-after-ms); zero when it did not say.
	RetryAfter time.Duration
}

// Error reads like "certcontract: 404 Not Found: not_found: No such
// certificate (param certificate_id, request req_123)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "certcontract: %d", e.Status)
	if text := http.StatusText(e.Status); text != "" {
		b.WriteString(" " + text)
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	} else if e.Type != "" {
		b.WriteString(": " + e.Type)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var details []string
	if e.Param != "" {
		details = append(details, "param "+e.Param)
	}
	if e.RequestID != "" {
		details = append(details, "request "+e.RequestID)
	}
	if len(details) > 0 {
		b.WriteString(" (" + strings.Join(details, ", ") + ")")
	}
	return b.String()
}

// IsNotFound reports whether err is an [*APIError] with status 404: no
// certificate or project with that id in this organization.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsRateLimited reports whether err is an [*APIError] with status 429, which
// is what is left once the client's own retries are used up.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// IsUnauthorized reports whether err is an [*APIError] with status 401: the
// admin key is missing, malformed or unknown.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

func hasStatus(err error, status int) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == status
}

func newAPIError(rsp *http.Response, body []byte) *APIError {
	e := &APIError{
		Status:     rsp.StatusCode,
		RequestID:  rsp.Header.Get("X-Request-Id"),
		RetryAfter: retryAfter(rsp.Header, time.Now()),
	}
	var wire ErrorResponse
	if json.Unmarshal(body, &wire) == nil && (wire.Error.Message != "" || wire.Error.Type != "") {
		e.Type, e.Message = wire.Error.Type, wire.Error.Message
		if wire.Error.Code != nil {
			e.Code = *wire.Error.Code
		}
		if wire.Error.Param != nil {
			e.Param = *wire.Error.Param
		}
		return e
	}
	e.Message = snippet(body)
	if e.Message == "" {
		e.Message = "empty response body"
	}
	return e
}

// snippet keeps the start of a body that is not the API's error JSON as one
// printable line.
func snippet(body []byte) string {
	cut := len(body) > maxSnippet
	if cut {
		body = body[:maxSnippet]
	}
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(body), "?")), " ")
	if cut {
		s += "…"
	}
	return s
}
