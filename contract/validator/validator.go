// Package validator checks HTTP exchanges with the Certificates API against the
// project's OpenAPI fragment. Put its Transport in front of any client (the
// generated one takes it through an *http.Client) and every request that does
// not match the fragment is refused before it is sent, and every response the
// fragment does not document (status, header or body) becomes an error.
package validator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/certcontract/certcontract/generated/spec"
)

// Observation is one validated response: which operation answered with which
// status. Only exchanges that passed validation are observed.
type Observation struct {
	OperationID string
	Status      int
}

// Option configures a Transport.
type Option func(*Transport)

// WithNext sets the transport that carries the exchange (default
// http.DefaultTransport).
func WithNext(next http.RoundTripper) Option {
	return func(t *Transport) { t.next = next }
}

// WithObserver calls observe for every exchange that passed validation. It may
// be called from several goroutines at once.
func WithObserver(observe func(ctx context.Context, obs Observation)) Option {
	return func(t *Transport) { t.observe = observe }
}

// WithSecrets adds strings that must never appear in an error. The bearer
// token of each request is always redacted; this covers other places a secret
// could surface, such as a server echoing a different key.
func WithSecrets(secrets ...string) Option {
	return func(t *Transport) {
		for _, s := range secrets {
			if s != "" {
				t.secrets = append(t.secrets, s)
			}
		}
	}
}

// Transport is an http.RoundTripper that validates both directions of every
// exchange. It is safe for concurrent use.
type Transport struct {
	next    http.RoundTripper
	router  routers.Router
	options *openapi3filter.Options // read-only once built, so shared by every exchange
	observe func(context.Context, Observation)
	secrets []string
}

// New loads the embedded fragment, validates it and builds the router once.
// baseURL is where the API lives (for example https://api.openai.com/v1 or an
// emulator's http://127.0.0.1:PORT/v1); request paths are matched below it.
func New(baseURL string, opts ...Option) (*Transport, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("validator: base URL %q is not an absolute URL", baseURL)
	}
	// The fragment names the production server; route below the URL the
	// client really talks to instead.
	router, err := spec.Router(baseURL)
	if err != nil {
		return nil, fmt.Errorf("validator: %w", err)
	}
	options := &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    bearerPresent,
	}
	options.WithCustomSchemaErrorFunc(schemaFinding)
	t := &Transport{next: http.DefaultTransport, router: router, options: options}
	for _, opt := range opts {
		opt(t)
	}
	return t, nil
}

type expectInvalidKey struct{}

// ExpectInvalidRequest marks requests made with the returned context as
// deliberately breaking the fragment (a missing key, a limit out of range, a
// wrong content type). Such a request is sent anyway, and it is an error if it
// turns out to be valid; its response is validated as usual.
func ExpectInvalidRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, expectInvalidKey{}, true)
}

func expectsInvalid(ctx context.Context) bool {
	v, _ := ctx.Value(expectInvalidKey{}).(bool)
	return v
}

// Error is a failed validation. Every string in it has the request's bearer
// token and the configured secrets redacted.
type Error struct {
	Method  string
	Path    string // path and query as sent
	Status  int    // 0 when the request itself was refused
	Finding string // what kin-openapi (or the transport) found
	Body    string // excerpt of the offending body
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Status == 0 {
		fmt.Fprintf(&b, "request breaks the fragment: %s %s", e.Method, e.Path)
	} else {
		fmt.Fprintf(&b, "response breaks the fragment: %s %s -> %d", e.Method, e.Path, e.Status)
	}
	fmt.Fprintf(&b, "\n  finding: %s", strings.ReplaceAll(e.Finding, "\n", "\n    "))
	if e.Body != "" {
		fmt.Fprintf(&b, "\n  body: %s", e.Body)
	}
	return b.String()
}

// bodyExcerpt is how much of a body an Error quotes.
const bodyExcerpt = 512

// RoundTrip validates req, sends it, validates the response and returns it
// with its body intact. A validation failure is returned as an *Error (wrapped
// by http.Client in a *url.Error; use errors.As).
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	reqBody, err := readBody(req)
	if err != nil {
		return nil, err
	}
	fail := func(status int, finding string, body []byte) error {
		return t.failure(req, status, finding, body)
	}

	route, pathParams, err := t.router.FindRoute(req)
	if err != nil {
		return nil, fail(0, "no operation in the fragment: "+err.Error(), nil)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    withBody(req, reqBody),
		PathParams: pathParams,
		Route:      route,
		Options:    t.options,
	}
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	switch {
	case reqErr != nil && !expectsInvalid(ctx):
		return nil, fail(0, reqErr.Error(), reqBody)
	case reqErr == nil && expectsInvalid(ctx):
		return nil, fail(0, "the request was marked as deliberately invalid, but the fragment accepts it", reqBody)
	}

	resp, err := t.next.RoundTrip(withBody(req, reqBody))
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("validator: read response of %s %s: %w", req.Method, req.URL.Path, err)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                t.options,
	}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return nil, fail(resp.StatusCode, err.Error(), respBody)
	}
	if t.observe != nil {
		t.observe(ctx, Observation{OperationID: route.Operation.OperationID, Status: resp.StatusCode})
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	return resp, nil
}

func (t *Transport) failure(req *http.Request, status int, finding string, body []byte) error {
	secrets := t.secrets
	if token := bearerToken(req); token != "" {
		secrets = append(secrets[:len(secrets):len(secrets)], token)
	}
	redact := func(s string) string {
		for _, secret := range secrets {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
		return s
	}
	// Redacted before it is cut, so that a key the cut splits is still found.
	excerpt := redact(string(body))
	if len(excerpt) > bodyExcerpt {
		excerpt = excerpt[:bodyExcerpt] + fmt.Sprintf("... (%d bytes in all)", len(body))
	}
	return &Error{
		Method:  req.Method,
		Path:    redact(req.URL.RequestURI()),
		Status:  status,
		Finding: redact(finding),
		Body:    excerpt,
	}
}

// readBody takes the request body so it can be read twice: once by the
// validator, once by the wire.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	defer func() { _ = req.Body.Close() }()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("validator: read request body of %s %s: %w", req.Method, req.URL.Path, err)
	}
	return b, nil
}

// withBody returns a shallow copy of req reading body; a RoundTripper must not
// modify the request it was given.
func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	if body == nil {
		r.Body = http.NoBody
		return r
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	return r
}

func bearerToken(req *http.Request) string {
	scheme, token, ok := strings.Cut(req.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// schemaFinding keeps a schema error to one line: where, why and the scalar
// value found. kin-openapi's default also prints the whole schema, which buries
// the point in a spec failure.
func schemaFinding(err *openapi3.SchemaError) string {
	reason := err.Reason
	if reason == "" {
		reason = fmt.Sprintf("does not match %q", err.SchemaField)
	}
	where := "/" + strings.Join(err.JSONPointer(), "/")
	value, _ := json.Marshal(err.Value)
	if len(value) == 0 || value[0] == '{' || value[0] == '[' {
		// Objects and arrays are in the body excerpt already.
		return fmt.Sprintf("at %q: %s", where, reason)
	}
	if len(value) > 120 {
		// Not cut: a cut could split a key the redaction then misses.
		return fmt.Sprintf("at %q: %s (a value of %d bytes; see the body excerpt)", where, reason, len(value))
	}
	return fmt.Sprintf("at %q: %s (value %s)", where, reason, value)
}

var errNoBearer = errors.New("no bearer token in the Authorization header")

// bearerPresent is the fragment's only security scheme, as far as a client can
// check it: whether the key is right is for the server to say.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if bearerToken(in.RequestValidationInput.Request) == "" {
		return in.NewError(errNoBearer)
	}
	return nil
}
