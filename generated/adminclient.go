// Package generated is a typed client for the Certificates operations of
// OpenAI's Admin API, generated from openapi/certificates.yaml, with
// retries, typed errors and page iterators around it.
//
// Construct an [AdminClient] with [New]. It reads OPENAI_ADMIN_KEY (and
// OPENAI_BASE_URL, if set) unless options say otherwise; [Option] lists
// every option:
//
//	client, err := generated.New(generated.WithAdminKey(key))
//
// List with plain values; zero values are not sent. The All methods walk
// every page:
//
//	for cert, err := range client.AllOrganizationCertificates(ctx, generated.ListOptions{Limit: 100}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(cert.Id, cert.Active)
//	}
//
// Upload a PEM certificate, then activate it; it is active nowhere until then:
//
//	cert, err := client.UploadCertificate(ctx, pem, "partner-ca")
//	...
//	_, err = client.ActivateOrganizationCertificates(ctx, cert.Id)
//
// Handle errors: every failed call returns an [*OperationError] naming the
// operation, the attempts and the cause; when the API answered, the cause
// is an [*APIError] whose Code compares with the ErrorCode constants
// generated from the fragment:
//
//	_, err = client.DeleteCertificate(ctx, id)
//	switch {
//	case generated.HasCode(err, generated.ErrorCodeCertificateActive):
//		// deactivate it everywhere first
//	case generated.IsNotFound(err):
//		// already gone
//	case err != nil:
//		return err
//	}
//
// The generated client underneath, [Client] and [ClientWithResponses] from
// [NewClient] and [NewClientWithResponses], is there for callers that want
// every response exactly as it came, with the generated parameter types
// (such as [ListOrganizationCertificatesParams]); it has no retries, checks
// or key handling. Its options [WithBaseURL], [WithHTTPClient] and
// [WithRequestEditorFn] work with New too.
//
// The generator's own line about the package follows.
package generated

// The package comment lives here rather than in a doc.go: go doc joins
// package comments in file name order, and this name sorts before
// certificates.gen.go, whose generated comment would otherwise come first.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// DefaultBaseURL is where the Admin API lives when neither [WithBaseURL]
// nor OPENAI_BASE_URL says otherwise.
const DefaultBaseURL = "https://api.openai.com/v1"

// DefaultAttemptTimeout bounds one attempt when [WithAttemptTimeout] is not
// given. Every operation here answers in well under a second; a minute only
// cuts off a connection that has stopped making progress, which a retry can
// then replace.
const DefaultAttemptTimeout = 60 * time.Second

// AdminClient calls the ten Certificates operations with an admin key,
// retries what is safe to retry, checks that every answer has the shape the
// fragment documents, and turns every failure into an [*OperationError]
// naming the operation, the attempts and the last cause (an [*APIError] when
// the API answered). It wraps the generated [ClientWithResponses], so
// requests are built and responses decoded exactly as the fragment says.
// It is safe for concurrent use.
//
// Retries. An attempt that cannot connect, loses its connection before the
// whole answer has come, outlives [WithAttemptTimeout], or is answered 408,
// 429 or 5xx is tried again, twice by default, after an
// exponential backoff with jitter (0.5 s doubling, at most 8 s) or after the
// wait the server asks for in retry-after-ms or Retry-After (seconds or an
// HTTP date), if that is within [WithMaxRetryAfter]. As in the official
// SDKs, an answer carrying x-should-retry: true is retried and one carrying
// x-should-retry: false is not, whatever its status. No wait outlives the
// context: a wait that would end after its deadline is not started, and a
// context done during a wait ends the call at once. A request whose body
// cannot be read a second time is never sent twice.
//
// Lists, get, rename, delete, and the four activate and deactivate
// operations are retried: repeating them changes nothing more. An upload is
// retried only when it provably never reached the server (no connection could
// be opened), was refused with 429, or the server said x-should-retry: true,
// unless [WithUploadRetries] is given.
//
// A 409 is not retried. The official SDKs retry it because other OpenAI
// endpoints answer 409 for a transient lock timeout, but no certificate
// operation documents a 409; one arriving here is outside the contract, and
// retrying would hide it rather than report it.
//
// The admin key. It is sent only to the base URL's origin (scheme, host and
// port): redirects are not followed, since the API documents none, so a 3xx
// comes back as an [*APIError]. This holds for the default client and for any
// *http.Client given with [WithHTTPClient], which is copied with its
// CheckRedirect replaced; the caller's client is not modified. Another
// [HttpRequestDoer] decides for itself whether to follow redirects; if its
// answer comes from another origin, the call fails without using it, but the
// key may already have been sent there. The key never appears in an error's
// text, a log line, or a printed AdminClient, whichever field or header a
// server echoes it in.
type AdminClient struct {
	api *ClientWithResponses
	// redact removes the admin key from text that leaves the client. The key
	// itself is kept only inside closures, so printing an AdminClient with
	// any verb, or handing it to a logger, cannot show it.
	redact func(string) string
}

// New returns an [AdminClient]; [Option] lists what it takes. The admin key
// is required, from [WithAdminKey] or OPENAI_ADMIN_KEY; the base URL must be
// https, or http to a loopback host, unless [WithInsecurePlainHTTP] is given.
func New(opts ...Option) (*AdminClient, error) {
	s := settings{
		timeout: DefaultAttemptTimeout,
		retry:   defaultRetryPolicy,
		maxBody: DefaultMaxResponseBytes,
		sleep:   sleepContext,
	}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("certcontract: nil option")
		}
		if err := o.applyTo(&s); err != nil {
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

	auth := "Bearer " + s.key
	ua := userAgent()
	if s.product != "" {
		ua = s.product + " " + ua
	}
	key := s.key
	redact := func(s string) string { return strings.ReplaceAll(s, key, "[redacted]") }
	doer := &retryDoer{
		next:    noRedirects(s.doer),
		policy:  s.retry,
		timeout: s.timeout,
		maxBody: s.maxBody,
		sleep:   s.sleep,
		logger:  s.logger,
		redact:  redact,
	}
	// The caller's editors run first, so the key and the User-Agent this
	// client sets are the ones sent.
	clientOpts := []ClientOption{WithHTTPClient(doer)}
	for _, e := range s.editors {
		clientOpts = append(clientOpts, WithRequestEditorFn(e))
	}
	clientOpts = append(clientOpts, WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
		// What Set stores, under the canonical names, with the two values
		// in one allocation; each capped, so an append to one copies it.
		values := []string{auth, ua}
		req.Header["Authorization"], req.Header["User-Agent"] = values[:1:1], values[1:]
		return nil
	}))
	api, err := NewClientWithResponses(s.baseURL, clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("certcontract: base URL: %w", err)
	}
	return &AdminClient{
		api:    api,
		redact: redact,
	}, nil
}

// noRedirects returns the doer that sends the key: the default client or a
// copy of the caller's *http.Client, neither following redirects. Any other
// doer is used as it is.
func noRedirects(d HttpRequestDoer) HttpRequestDoer {
	stop := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	switch c := d.(type) {
	case nil:
		return &http.Client{CheckRedirect: stop}
	case *http.Client:
		cp := *c
		cp.CheckRedirect = stop
		return &cp
	}
	return d
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
	if strings.Trim(u.Path, "/") == "" {
		// Every route is under a version path: without it the first call
		// would end in a bare 404 "Invalid URL".
		return fmt.Errorf("certcontract: base URL %q has no path: the API's routes are under /v1, as in %s (use %s/v1)", raw, DefaultBaseURL, strings.TrimRight(raw, "/"))
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
