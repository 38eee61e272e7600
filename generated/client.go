package generated

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is where the Admin API lives when neither [WithAPIBaseURL]
// nor OPENAI_BASE_URL says otherwise.
const DefaultBaseURL = "https://api.openai.com/v1"

// DefaultAttemptTimeout bounds one attempt when [WithAttemptTimeout] is not
// given. Every operation here answers in well under a second; a minute only
// cuts off a connection that has stopped making progress, which a retry can
// then replace.
const DefaultAttemptTimeout = 60 * time.Second

// AdminClient calls the ten Certificates operations with an admin key,
// retries what is safe to retry, and turns every answer that is not a 2xx
// into an [*APIError]. It wraps the generated [ClientWithResponses], so
// requests are built and responses decoded exactly as the fragment says.
// It is safe for concurrent use.
//
// Retries. An attempt that cannot connect, outlives [WithAttemptTimeout], or
// is answered 408, 429 or 5xx is tried again, twice by default, after an
// exponential backoff with jitter (0.5 s doubling, at most 8 s) or after the
// wait the server asks for in retry-after-ms or Retry-After (seconds or an
// HTTP date), if that is within [WithMaxRetryAfter]. No wait outlives the
// context: a wait that would end after its deadline is not started, and a
// context done during a wait ends the call at once. A request whose body
// cannot be read a second time is never sent twice.
//
// Lists, get, rename, delete, and the four activate and deactivate
// operations are retried: repeating them changes nothing more. An upload is
// retried only when it provably never reached the server (no connection could
// be opened) or was refused with 429, unless [WithUploadRetries] is given.
//
// A 409 is not retried. The official SDKs retry it because other OpenAI
// endpoints answer 409 for a transient lock timeout, but no certificate
// operation documents a 409; one arriving here is outside the contract, and
// retrying would hide it rather than report it.
type AdminClient struct {
	api *ClientWithResponses
	// redact removes the admin key from text that leaves the client. The key
	// itself is kept only inside closures, so printing an AdminClient with
	// any verb, or handing it to a logger, cannot show it.
	redact func(string) string
}

// Option configures [New]. It is a different type from the generated
// [ClientOption], which configures the bare [Client].
type Option func(*settings) error

type settings struct {
	baseURL   string
	key       string
	doer      HttpRequestDoer
	timeout   time.Duration
	retry     retryPolicy
	product   string
	plainHTTP bool
	logger    *slog.Logger
	// sleep waits between attempts; tests record the waits instead, so that
	// retry tests take milliseconds.
	sleep func(context.Context, time.Duration) error
}

// WithAPIBaseURL sets the base URL every operation path is appended to, such
// as "https://api.openai.com/v1" or an emulator's "http://127.0.0.1:8080/v1".
// Without it the client reads OPENAI_BASE_URL, then uses [DefaultBaseURL].
func WithAPIBaseURL(baseURL string) Option {
	return func(s *settings) error { s.baseURL = baseURL; return nil }
}

// WithAdminKey sets the organization admin key sent as a bearer token.
// Without it the client reads OPENAI_ADMIN_KEY.
func WithAdminKey(key string) Option {
	return func(s *settings) error { s.key = key; return nil }
}

// WithDoer sends requests through d, typically an *http.Client with its own
// transport (proxy, TLS settings, or the contract validator). Retries and
// timeouts wrap d, so d should not retry by itself.
func WithDoer(d HttpRequestDoer) Option {
	return func(s *settings) error {
		if d == nil {
			return errors.New("certcontract: WithDoer: nil doer")
		}
		s.doer = d
		return nil
	}
}

// WithAttemptTimeout bounds each attempt, from sending the request to reading
// the whole response, so a stalled attempt is abandoned and, when the
// operation may be retried, tried again. The whole call, retries included, is
// bounded by the caller's context. Zero means no per-attempt bound.
func WithAttemptTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("certcontract: WithAttemptTimeout: negative duration %s", d)
		}
		s.timeout = d
		return nil
	}
}

// WithMaxRetries sets how many times a failed attempt is retried (default 2,
// as the official SDKs do). Zero turns retries off.
func WithMaxRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("certcontract: WithMaxRetries: negative count %d", n)
		}
		s.retry.maxRetries = n
		return nil
	}
}

// WithBackoff sets the exponential backoff between retries: the first wait is
// about initial, each next one doubles, none exceeds max (defaults 0.5 s and
// 8 s). Each wait is shortened by a random jitter of up to a quarter so that
// clients failing together do not retry together.
func WithBackoff(initial, max time.Duration) Option {
	return func(s *settings) error {
		if initial <= 0 || max < initial {
			return fmt.Errorf("certcontract: WithBackoff: need 0 < initial <= max, got %s and %s", initial, max)
		}
		s.retry.initial, s.retry.max = initial, max
		return nil
	}
}

// WithMaxRetryAfter caps how long the client waits when the server says how
// long to wait (Retry-After or retry-after-ms; default 60 s). A server asking
// for longer is taken at its word: the client does not retry early, it
// returns the [*APIError], whose RetryAfter says when to come back. Zero
// means never waiting for a server-named delay.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("certcontract: WithMaxRetryAfter: negative duration %s", d)
		}
		s.retry.maxRetryAfter = d
		return nil
	}
}

// WithUploadRetries lets an upload be retried like any other operation. By
// default an upload is retried only when it provably never reached the
// server (the connection could not be opened) or the server refused it with
// 429, because an upload that did reach the server may have stored a
// certificate, and sending it again would store a second copy.
func WithUploadRetries() Option {
	return func(s *settings) error { s.retry.unsafeToo = true; return nil }
}

// WithUserAgent puts product (such as "billing-sync/1.4") in front of the
// client's own "certcontract/<version>" in the User-Agent header.
func WithUserAgent(product string) Option {
	return func(s *settings) error {
		if strings.ContainsAny(product, "\r\n") {
			return errors.New("certcontract: WithUserAgent: product contains a line break")
		}
		s.product = product
		return nil
	}
}

// WithInsecurePlainHTTP allows an http:// base URL whose host is not a
// loopback address. Without it such a URL is refused, because the admin key
// would cross the network in clear text.
func WithInsecurePlainHTTP() Option {
	return func(s *settings) error { s.plainHTTP = true; return nil }
}

// WithLogger logs each retry (operation path, attempt, status or error, wait)
// at level Warn. Nothing logged carries the admin key or request headers.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error { s.logger = l; return nil }
}

// New returns an [AdminClient]. The admin key is required, from
// [WithAdminKey] or OPENAI_ADMIN_KEY; the base URL must be https, or http to
// a loopback host, unless [WithInsecurePlainHTTP] is given.
func New(opts ...Option) (*AdminClient, error) {
	s := settings{
		timeout: DefaultAttemptTimeout,
		retry:   defaultRetryPolicy,
		sleep:   sleepContext,
	}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	s.baseURL = cmp.Or(s.baseURL, os.Getenv("OPENAI_BASE_URL"), DefaultBaseURL)
	if err := checkBaseURL(s.baseURL, s.plainHTTP); err != nil {
		return nil, err
	}
	s.key = cmp.Or(s.key, os.Getenv("OPENAI_ADMIN_KEY"))
	if err := checkKey(s.key); err != nil {
		return nil, err
	}
	if s.doer == nil {
		s.doer = &http.Client{}
	}

	auth := "Bearer " + s.key
	ua := userAgent()
	if s.product != "" {
		ua = s.product + " " + ua
	}
	key := s.key
	redact := func(s string) string { return strings.ReplaceAll(s, key, "[redacted]") }
	doer := &retryDoer{
		next:    s.doer,
		policy:  s.retry,
		timeout: s.timeout,
		sleep:   s.sleep,
		logger:  s.logger,
		redact:  redact,
	}
	api, err := NewClientWithResponses(s.baseURL,
		WithHTTPClient(doer),
		WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", auth)
			req.Header.Set("User-Agent", ua)
			return nil
		}))
	if err != nil {
		return nil, fmt.Errorf("certcontract: base URL: %w", err)
	}
	return &AdminClient{
		api:    api,
		redact: redact,
	}, nil
}

func checkBaseURL(raw string, plainHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("certcontract: base URL: %w", err)
	}
	if u.User != nil {
		// The key is the only credential; a second one in the URL would end
		// up in error strings, which quote URLs.
		return errors.New("certcontract: base URL must not carry user information")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !plainHTTP && !isLoopback(u.Hostname()) {
			return fmt.Errorf("certcontract: refusing plain http to %q: the admin key would travel unencrypted (use https, a loopback host, or WithInsecurePlainHTTP)", u.Host)
		}
	default:
		return fmt.Errorf("certcontract: base URL %q: scheme must be https or http", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("certcontract: base URL %q has no host", raw)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkKey(key string) error {
	if key == "" {
		return errors.New("certcontract: no admin key: pass WithAdminKey or set OPENAI_ADMIN_KEY")
	}
	if strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		// Not quoted: the message must not echo any part of the key.
		return errors.New("certcontract: admin key contains whitespace or control characters")
	}
	return nil
}

var userAgent = sync.OnceValue(func() string {
	const path = "github.com/certcontract/certcontract"
	version := "devel"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Path == path && info.Main.Version != "" && info.Main.Version != "(devel)" {
			version = info.Main.Version
		}
		for _, m := range info.Deps {
			if m.Path == path && m.Version != "" && m.Version != "(devel)" {
				version = m.Version
			}
		}
	}
	return "certcontract/" + version
})

// ListOrganizationCertificates returns one page of the organization's
// certificates. [AdminClient.AllOrganizationCertificates] walks every page.
func (c *AdminClient) ListOrganizationCertificates(ctx context.Context, params *ListOrganizationCertificatesParams) (*ListCertificatesResponse, error) {
	rsp, err := c.api.ListOrganizationCertificates(ctx, params)
	return decode(c, rsp, err, ParseListOrganizationCertificatesResult, (*ListOrganizationCertificatesResult).GetJSON200)
}

// UploadCertificate uploads a PEM certificate; it is active nowhere until
// activated. See [WithUploadRetries] for when an upload is retried.
func (c *AdminClient) UploadCertificate(ctx context.Context, body UploadCertificateRequest) (*Certificate, error) {
	rsp, err := c.api.UploadCertificate(ctx, body)
	return decode(c, rsp, err, ParseUploadCertificateResult, (*UploadCertificateResult).GetJSON200)
}

// ActivateOrganizationCertificates activates up to 10 certificates for the
// organization, all or none. Repeating it changes nothing, so it is retried.
func (c *AdminClient) ActivateOrganizationCertificates(ctx context.Context, body ToggleCertificatesRequest) (*OrganizationCertificateActivationResponse, error) {
	rsp, err := c.api.ActivateOrganizationCertificates(idempotent(ctx), body)
	return decode(c, rsp, err, ParseActivateOrganizationCertificatesResult, (*ActivateOrganizationCertificatesResult).GetJSON200)
}

// DeactivateOrganizationCertificates deactivates up to 10 certificates for
// the organization, all or none. Repeating it changes nothing, so it is
// retried.
func (c *AdminClient) DeactivateOrganizationCertificates(ctx context.Context, body ToggleCertificatesRequest) (*OrganizationCertificateDeactivationResponse, error) {
	rsp, err := c.api.DeactivateOrganizationCertificates(idempotent(ctx), body)
	return decode(c, rsp, err, ParseDeactivateOrganizationCertificatesResult, (*DeactivateOrganizationCertificatesResult).GetJSON200)
}

// GetCertificate returns one certificate; params may ask for its PEM content.
func (c *AdminClient) GetCertificate(ctx context.Context, certificateID string, params *GetCertificateParams) (*Certificate, error) {
	rsp, err := c.api.GetCertificate(ctx, certificateID, params)
	return decode(c, rsp, err, ParseGetCertificateResult, (*GetCertificateResult).GetJSON200)
}

// ModifyCertificate renames a certificate. Setting the same name twice has
// the effect of setting it once, so it is retried.
func (c *AdminClient) ModifyCertificate(ctx context.Context, certificateID string, body ModifyCertificateRequest) (*Certificate, error) {
	rsp, err := c.api.ModifyCertificate(idempotent(ctx), certificateID, body)
	return decode(c, rsp, err, ParseModifyCertificateResult, (*ModifyCertificateResult).GetJSON200)
}

// DeleteCertificate deletes a certificate that is inactive everywhere. It is
// retried like every DELETE: the certificate ends up gone either way. If an
// attempt deleted it but its answer was lost, the retry answers 404, so a
// caller that just asked for the deletion may treat [IsNotFound] as done.
func (c *AdminClient) DeleteCertificate(ctx context.Context, certificateID string) (*DeleteCertificateResponse, error) {
	rsp, err := c.api.DeleteCertificate(ctx, certificateID)
	return decode(c, rsp, err, ParseDeleteCertificateResult, (*DeleteCertificateResult).GetJSON200)
}

// ListProjectCertificates returns one page of the organization's
// certificates with their state in one project.
// [AdminClient.AllProjectCertificates] walks every page.
func (c *AdminClient) ListProjectCertificates(ctx context.Context, projectID string, params *ListProjectCertificatesParams) (*ListProjectCertificatesResponse, error) {
	rsp, err := c.api.ListProjectCertificates(ctx, projectID, params)
	return decode(c, rsp, err, ParseListProjectCertificatesResult, (*ListProjectCertificatesResult).GetJSON200)
}

// ActivateProjectCertificates activates up to 10 certificates for one
// project, all or none. Repeating it changes nothing, so it is retried.
func (c *AdminClient) ActivateProjectCertificates(ctx context.Context, projectID string, body ToggleCertificatesRequest) (*OrganizationProjectCertificateActivationResponse, error) {
	rsp, err := c.api.ActivateProjectCertificates(idempotent(ctx), projectID, body)
	return decode(c, rsp, err, ParseActivateProjectCertificatesResult, (*ActivateProjectCertificatesResult).GetJSON200)
}

// DeactivateProjectCertificates deactivates up to 10 certificates for one
// project, all or none. Repeating it changes nothing, so it is retried.
func (c *AdminClient) DeactivateProjectCertificates(ctx context.Context, projectID string, body ToggleCertificatesRequest) (*OrganizationProjectCertificateDeactivationResponse, error) {
	rsp, err := c.api.DeactivateProjectCertificates(idempotent(ctx), projectID, body)
	return decode(c, rsp, err, ParseDeactivateProjectCertificatesResult, (*DeactivateProjectCertificatesResult).GetJSON200)
}

// decode turns what a generated call returned into the 200 body or an error.
// Error answers never reach the generated parser: it fails outright on an
// error body that claims JSON but is not, or on a Retry-After given as an
// HTTP date, and the status would be lost with it.
func decode[R any, T any](c *AdminClient, rsp *http.Response, err error, parse func(*http.Response) (R, error), ok func(R) *T) (*T, error) {
	if err != nil {
		return nil, c.clean(err)
	}
	if rsp.StatusCode < 200 || rsp.StatusCode > 299 {
		return nil, c.apiError(rsp)
	}
	res, err := parse(rsp)
	if err != nil {
		return nil, c.clean(fmt.Errorf("certcontract: decoding %d response%s: %w", rsp.StatusCode, to(rsp), err))
	}
	if v := ok(res); v != nil {
		return v, nil
	}
	return nil, fmt.Errorf("certcontract: unexpected %d response with Content-Type %q%s", rsp.StatusCode, rsp.Header.Get("Content-Type"), to(rsp))
}

// to names the request a response answers, when the doer kept it.
func to(rsp *http.Response) string {
	if rsp.Request == nil || rsp.Request.URL == nil {
		return ""
	}
	return " to " + rsp.Request.Method + " " + rsp.Request.URL.Path
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

// apiError reads a bounded error body and closes it.
func (c *AdminClient) apiError(rsp *http.Response) error {
	body, err := io.ReadAll(io.LimitReader(rsp.Body, maxErrorBody))
	_ = rsp.Body.Close()
	if err != nil {
		// The status is known even if the body broke off; keep it.
		body = nil
	}
	e := newAPIError(rsp, body)
	e.Message = c.redact(e.Message)
	return e
}
