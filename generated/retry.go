package generated

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// retryPolicy holds the numbers of the retry rules described on
// [AdminClient]; the defaults follow the official SDKs.
type retryPolicy struct {
	maxRetries    int
	initial, max  time.Duration
	maxRetryAfter time.Duration
	// unsafeToo retries requests that may change state twice (uploads) under
	// the same rules as the rest.
	unsafeToo bool
}

var defaultRetryPolicy = retryPolicy{
	maxRetries:    2,
	initial:       500 * time.Millisecond,
	max:           8 * time.Second,
	maxRetryAfter: 60 * time.Second,
}

// retryDoer is the [HttpRequestDoer] under every [AdminClient]. It sits
// between the generated client and the caller's doer, so each attempt is a
// fresh send of the request the generated code built.
type retryDoer struct {
	next    HttpRequestDoer
	policy  retryPolicy
	timeout time.Duration
	maxBody int64
	sleep   func(context.Context, time.Duration) error
	logger  *slog.Logger
	// redact keeps the admin key out of logged errors: a caller's doer may
	// quote the request it failed to send.
	redact func(string) string
}

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	// A request that is not an AdminClient call is never repeated.
	cl := callOf(ctx)
	if cl == nil {
		cl = &call{operation: req.Method + " " + req.URL.Path, class: storesOnce}
	}
	safe := d.policy.unsafeToo || cl.class == idempotent
	// A body without GetBody was consumed by the first attempt and cannot be
	// sent again; the generated builders always set GetBody.
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 0; ; attempt++ {
		send := req
		if attempt > 0 {
			send = req.Clone(ctx)
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, fmt.Errorf("rewinding the request body: %w", err)
				}
				send.Body = body
			}
		}
		cl.attempts++
		rsp, err := d.attempt(send)
		if ctx.Err() != nil || !replayable || attempt >= d.policy.maxRetries {
			return rsp, err
		}
		wait, retry := d.decide(safe, rsp, err, attempt)
		if !retry {
			return rsp, err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// Waiting would outlive the caller; report what happened now.
			return rsp, err
		}
		if d.logger != nil {
			var outcome slog.Attr
			if err != nil {
				outcome = slog.String("error", d.redact(err.Error()))
			} else {
				outcome = slog.Int("status", rsp.StatusCode)
			}
			d.logger.LogAttrs(ctx, slog.LevelWarn, "certcontract: retrying",
				slog.String("operation", d.redact(cl.operation)), slog.String("path", d.redact(req.URL.Path)),
				slog.Int("attempt", attempt+1), outcome, slog.Duration("wait", wait))
		}
		if rsp != nil {
			_, _ = io.CopyN(io.Discard, rsp.Body, maxErrorBody)
			_ = rsp.Body.Close()
		}
		if serr := d.sleep(ctx, wait); serr != nil {
			if err != nil {
				return nil, fmt.Errorf("%w while waiting to retry after: %w", serr, err)
			}
			return nil, fmt.Errorf("%w while waiting to retry after status %d", serr, rsp.StatusCode)
		}
	}
}

// attempt sends once, bounded by the per-attempt timeout and the body limit.
// The timeout stays armed while the caller reads the body and is released
// when it closes it.
func (d *retryDoer) attempt(req *http.Request) (*http.Response, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if d.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, d.timeout)
		req = req.WithContext(ctx)
	}
	rsp, err := d.next.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if rsp.Request != nil && rsp.Request.URL != nil && !sameOrigin(rsp.Request.URL, req.URL) {
		_ = rsp.Body.Close()
		cancel()
		return nil, fmt.Errorf("%w: the answer came from %s", errForeignOrigin, origin(rsp.Request.URL))
	}
	body := &boundedBody{rc: rsp.Body, left: d.maxBody, limit: d.maxBody, cancel: cancel}
	size := rsp.ContentLength
	if size > d.maxBody {
		// Refused at the first read, which reads one byte; and no buffer is
		// sized by it, or a server's header alone could claim the memory.
		body.left, size = 0, 0
	}
	rsp.Body = body
	if rsp.StatusCode < 200 || rsp.StatusCode > 299 {
		return rsp, nil
	}
	// A success is read within its attempt, so that one cut short (the
	// connection lost before the body's end) fails the attempt, which is
	// retried when the operation may be, rather than the whole call.
	data, err := readAnswer(body, size)
	_ = body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the %d answer: %w", rsp.StatusCode, err)
	}
	a := &answerBody{data: data}
	a.Reset(data)
	rsp.Body = a
	return rsp, nil
}

// readAnswer reads a success whole: into one buffer of the size the
// server announced, or else into a kept buffer, copied out at its exact
// size (io.ReadAll would grow and copy one chunk at a time).
func readAnswer(body io.Reader, size int64) ([]byte, error) {
	if size >= 0 {
		buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead)) // room to read the EOF
		_, err := buf.ReadFrom(body)
		return buf.Bytes(), err
	}
	buf := readBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	_, err := buf.ReadFrom(body)
	data := bytes.Clone(buf.Bytes())
	if buf.Cap() <= maxKeptBuffer {
		readBuffers.Put(buf)
	}
	return data, err
}

// readBuffers keeps the buffers that answers of unannounced size are read
// into, up to maxKeptBuffer each, so a kept buffer never holds a large
// answer's worth of memory.
var readBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxKeptBuffer = 256 << 10

// answerBody is a success already read, which decode takes as it is
// rather than reading it again.
type answerBody struct {
	bytes.Reader
	data []byte
}

func (*answerBody) Close() error { return nil }

// errForeignOrigin is a caller's doer having followed a redirect: the answer
// is not used, and the attempt is not repeated.
var errForeignOrigin = errors.New("the HTTP client followed a redirect to another origin, so the admin key may have been sent there")

// sameOrigin says whether a and b have one origin: an origin is made of
// the scheme and the host alone, so when both are the same strings (as
// when the answer is to the very request) there is nothing to build.
func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && a.Host == b.Host || origin(a) == origin(b)
}

// origin is a URL's scheme, host and port: where a request goes, and so
// whom the key is shown to.
func origin(u *url.URL) string {
	scheme, port := strings.ToLower(u.Scheme), u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// decide says whether a failed attempt is retried and after how long.
func (d *retryDoer) decide(safe bool, rsp *http.Response, err error, attempt int) (time.Duration, bool) {
	if err != nil {
		var verify *tls.CertificateVerificationError
		if errors.As(err, &verify) || errors.Is(err, errForeignOrigin) || errors.Is(err, ErrResponseTooLarge) {
			return 0, false // the same attempt fails the same way
		}
		if !safe && !neverSent(err) {
			return 0, false
		}
		return d.backoff(attempt), true
	}
	if rsp.StatusCode >= 200 && rsp.StatusCode <= 299 {
		return 0, false
	}
	// The server's word outranks the status, as in the official SDKs: it
	// knows whether the attempt changed anything.
	switch rsp.Header.Get("X-Should-Retry") {
	case "true":
	case "false":
		return 0, false
	default:
		switch s := rsp.StatusCode; {
		case s == http.StatusTooManyRequests:
			// A 429 is refused before any work is done, so even an upload
			// can be sent again.
		case s == http.StatusRequestTimeout, s >= 500 && s <= 599:
			if !safe {
				return 0, false
			}
		default:
			return 0, false
		}
	}
	if ra := retryAfter(rsp.Header, time.Now()); ra > 0 {
		return ra, ra <= d.policy.maxRetryAfter
	}
	return d.backoff(attempt), true
}

// backoff is initial·2^attempt, capped, minus up to 25 % jitter.
func (d *retryDoer) backoff(attempt int) time.Duration {
	wait := d.policy.max
	if attempt < 30 {
		wait = min(d.policy.initial<<attempt, d.policy.max)
	}
	return time.Duration(float64(wait) * (1 - 0.25*rand.Float64()))
}

// neverSent reports whether the request provably never reached the server:
// no connection (to it or to the proxy in front of it) could be opened.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// retryAfter reads how long the server asked to wait: retry-after-ms
// (milliseconds, what OpenAI sends), else Retry-After as seconds or as an
// HTTP date. Zero when absent, unreadable or already past.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s > 0 && s < 1e9 {
			return time.Duration(s * float64(time.Second))
		}
		return 0
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
