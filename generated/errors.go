package generated

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// APIError is the cause of a call the API answered with a status outside
// 2xx; the call's error is an [*OperationError] wrapping it. Reach it with
// errors.As, or test its code with [HasCode]:
//
//	var apiErr *generated.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == generated.ErrorCodeCertificateActive { ... }
//
// When the body is the API's error JSON, Type, Code, Param and Message come
// from it. When it is not (a proxy's HTML page, an empty body), Type, Code and
// Param are empty and Message holds the start of the body, or the status text
// when the body is empty, so the error still says what happened. No field
// ever holds the admin key, whatever the server echoed.
type APIError struct {
	// Status is the HTTP status code, such as 404.
	Status int
	// Type is the error's kind, such as "invalid_request_error".
	Type string
	// Code is the machine-readable code, such as [ErrorCodeNotFound]; empty
	// when null. The API may answer codes that have no constant.
	Code ErrorCode
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

// Error reads like "404 Not Found: not_found: No such certificate (param
// certificate_id, request req_123)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", e.Status)
	if text := http.StatusText(e.Status); text != "" {
		b.WriteString(" " + text)
	}
	if e.Code != "" {
		b.WriteString(": " + string(e.Code))
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

// OperationError is the error of every failed [AdminClient] call. errors.As
// and errors.Is reach its cause: an [*APIError] when the API answered outside
// 2xx, [ErrResponseTooLarge], a context error, or the network's error.
type OperationError struct {
	// Operation is the operationId in the fragment, such as "getCertificate".
	Operation string
	// Attempts is how many times the request was sent; 0 when it never was.
	Attempts int
	// Err is the last attempt's failure.
	Err error
}

// Error reads like "certcontract: getCertificate failed after 3 attempts:
// dial tcp 127.0.0.1:1: connect: connection refused".
func (e *OperationError) Error() string {
	switch e.Attempts {
	case 0:
		return fmt.Sprintf("certcontract: %s failed before it was sent: %v", e.Operation, e.Err)
	case 1:
		return fmt.Sprintf("certcontract: %s failed after 1 attempt: %v", e.Operation, e.Err)
	}
	return fmt.Sprintf("certcontract: %s failed after %d attempts: %v", e.Operation, e.Attempts, e.Err)
}

func (e *OperationError) Unwrap() error { return e.Err }

// HasCode reports whether err is an [*APIError] whose Code is code, such as
// [ErrorCodeCertificateActive].
func HasCode(err error, code ErrorCode) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == code
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
	if loc := rsp.Header.Get("Location"); rsp.StatusCode >= 300 && rsp.StatusCode <= 399 && loc != "" {
		e.Message = "redirect to " + snippet([]byte(loc)) + " not followed: the API documents none"
	}
	if e.Message == "" {
		e.Message = "empty response body"
	}
	return e
}

// apiError reads a bounded error body, closes it, and keeps the admin key
// out of every field, whichever one the server echoed it in.
func (c *AdminClient) apiError(rsp *http.Response) *APIError {
	// What was read before a failure is kept: the status is known even if
	// the body broke off.
	body, _ := io.ReadAll(io.LimitReader(rsp.Body, maxErrorBody))
	_ = rsp.Body.Close()
	e := newAPIError(rsp, body)
	e.Type, e.Code, e.Param = c.redact(e.Type), ErrorCode(c.redact(string(e.Code))), c.redact(e.Param)
	e.Message, e.RequestID = c.redact(e.Message), c.redact(e.RequestID)
	return e
}

// clean keeps the admin key out of an error's text, whatever produced it (a
// caller's own doer may quote request headers). The original stays reachable
// through errors.Is and errors.As.
func (c *AdminClient) clean(err error) error {
	msg := err.Error()
	if clean := c.redact(msg); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

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
