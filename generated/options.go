package generated

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Option configures [New]. Every option New takes:
//
//   - [WithAdminKey]: the admin key (default: OPENAI_ADMIN_KEY).
//   - [WithBaseURL]: where the API lives (default: OPENAI_BASE_URL, then [DefaultBaseURL]).
//   - [WithHTTPClient]: the *http.Client or other [HttpRequestDoer] that sends requests.
//   - [WithRequestEditorFn]: a function that edits every request before it is sent.
//   - [WithAttemptTimeout]: a bound on each attempt (default [DefaultAttemptTimeout]).
//   - [WithMaxRetries], [WithBackoff], [WithMaxRetryAfter], [WithUploadRetries]: retries.
//   - [WithMaxResponseBytes]: the largest answer read (default [DefaultMaxResponseBytes]).
//   - [WithUserAgent]: your product in front of the client's own User-Agent.
//   - [WithInsecurePlainHTTP]: allow http:// to a host that is not loopback.
//   - [WithLogger]: log each retry.
//
// WithBaseURL, WithHTTPClient and WithRequestEditorFn are the generated
// client's own options (type [ClientOption]): they configure [NewClient] and
// [NewClientWithResponses] as well, so the same name works with both
// constructors. The other options exist only for New: the generated client
// has no key, retries or limits of its own.
type Option interface {
	applyTo(*settings) error
}

// optionFunc is an Option that only New understands.
type optionFunc func(*settings) error

func (f optionFunc) applyTo(s *settings) error { return f(s) }

// applyTo lets New take the generated client's options: it applies o to a
// scratch Client and keeps what o set there.
func (o ClientOption) applyTo(s *settings) error {
	if o == nil {
		return errors.New("certcontract: nil option")
	}
	var c Client
	if err := o(&c); err != nil {
		return fmt.Errorf("certcontract: %w", err)
	}
	if c.Server != "" {
		s.baseURL = c.Server
	}
	if c.Client != nil {
		if hc, ok := c.Client.(*http.Client); ok && hc == nil {
			return errors.New("certcontract: WithHTTPClient: nil *http.Client")
		}
		s.doer = c.Client
	}
	s.editors = append(s.editors, c.RequestEditors...)
	return nil
}

type settings struct {
	baseURL   string
	key       string
	doer      HttpRequestDoer
	editors   []RequestEditorFn
	timeout   time.Duration
	retry     retryPolicy
	maxBody   int64
	product   string
	plainHTTP bool
	logger    *slog.Logger
	// sleep waits between attempts; tests record the waits instead, so that
	// retry tests take milliseconds.
	sleep func(context.Context, time.Duration) error
}

// WithAdminKey sets the organization admin key sent as a bearer token.
// Without it the client reads OPENAI_ADMIN_KEY.
func WithAdminKey(key string) Option {
	return optionFunc(func(s *settings) error { s.key = key; return nil })
}

// WithAttemptTimeout bounds each attempt, from sending the request to reading
// the whole response, so a stalled attempt is abandoned and, when the
// operation may be retried, tried again. The whole call, retries included, is
// bounded by the caller's context. Zero means no per-attempt bound.
func WithAttemptTimeout(d time.Duration) Option {
	return optionFunc(func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("certcontract: WithAttemptTimeout: negative duration %s", d)
		}
		s.timeout = d
		return nil
	})
}

// WithMaxRetries sets how many times a failed attempt is retried (default 2,
// as the official SDKs do). Zero turns retries off.
func WithMaxRetries(n int) Option {
	return optionFunc(func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("certcontract: WithMaxRetries: negative count %d", n)
		}
		s.retry.maxRetries = n
		return nil
	})
}

// WithBackoff sets the exponential backoff between retries: the first wait is
// about initial, each next one doubles, none exceeds max (defaults 0.5 s and
// 8 s). Each wait is shortened by a random jitter of up to a quarter so that
// clients failing together do not retry together.
func WithBackoff(initial, max time.Duration) Option {
	return optionFunc(func(s *settings) error {
		if initial <= 0 || max < initial {
			return fmt.Errorf("certcontract: WithBackoff: need 0 < initial <= max, got %s and %s", initial, max)
		}
		s.retry.initial, s.retry.max = initial, max
		return nil
	})
}

// WithMaxRetryAfter caps how long the client waits when the server says how
// long to wait (Retry-After or retry-after-ms; default 60 s). A server asking
// for longer is taken at its word: the client does not retry early, it
// returns the [*APIError], whose RetryAfter says when to come back. Zero
// means never waiting for a server-named delay.
func WithMaxRetryAfter(d time.Duration) Option {
	return optionFunc(func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("certcontract: WithMaxRetryAfter: negative duration %s", d)
		}
		s.retry.maxRetryAfter = d
		return nil
	})
}

// WithUploadRetries lets an upload be retried like any other operation. By
// default an upload is retried only when it provably never reached the
// server (the connection could not be opened), when the server refused it
// with 429, or when the server says so with x-should-retry: true, because an
// upload that did reach the server may have stored a certificate, and sending
// it again would store a second copy.
func WithUploadRetries() Option {
	return optionFunc(func(s *settings) error { s.retry.unsafeToo = true; return nil })
}

// DefaultMaxResponseBytes is the largest answer read when
// [WithMaxResponseBytes] is not given. The largest answer the API documents,
// a page of 100 certificates or one certificate with its PEM, is under 32 KiB;
// the bound is there so that a broken or hostile server cannot fill memory.
const DefaultMaxResponseBytes = 4 << 20

// WithMaxResponseBytes sets the largest response body the client reads
// (default [DefaultMaxResponseBytes]). A larger answer fails the call with
// [ErrResponseTooLarge] after at most n bytes were read; it is not retried.
func WithMaxResponseBytes(n int64) Option {
	return optionFunc(func(s *settings) error {
		if n <= 0 {
			return fmt.Errorf("certcontract: WithMaxResponseBytes: need a positive size, got %d", n)
		}
		s.maxBody = n
		return nil
	})
}

// WithUserAgent puts product (such as "billing-sync/1.4") in front of the
// client's own "certcontract/<version>" in the User-Agent header.
func WithUserAgent(product string) Option {
	return optionFunc(func(s *settings) error {
		if strings.ContainsAny(product, "\r\n") {
			return errors.New("certcontract: WithUserAgent: product contains a line break")
		}
		s.product = product
		return nil
	})
}

// WithInsecurePlainHTTP allows an http:// base URL whose host is not a
// loopback address. Without it such a URL is refused, because the admin key
// would cross the network in clear text.
func WithInsecurePlainHTTP() Option {
	return optionFunc(func(s *settings) error { s.plainHTTP = true; return nil })
}

// WithLogger logs each retry (operation, attempt, status or error, wait) at
// level Warn. Nothing logged carries the admin key or request headers.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(s *settings) error { s.logger = l; return nil })
}
