package fidelity

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certcontract/certcontract/contract/fidelity/har"
)

// Recorder is an http.RoundTripper that keeps every exchange it carries, with
// its timings and with admin keys redacted, for a HAR file. Put it closest
// to the wire, so that it sees every attempt a retrying layer above it makes.
// It is safe for concurrent use.
type Recorder struct {
	next    http.RoundTripper
	redact  *Redactor
	process int
	seq     atomic.Int64

	mu      sync.Mutex
	entries []har.Entry
}

// RecorderOption configures a Recorder.
type RecorderOption func(*Recorder)

// RecordThrough sets the transport that carries the exchanges (default
// http.DefaultTransport).
func RecordThrough(next http.RoundTripper) RecorderOption {
	return func(r *Recorder) { r.next = next }
}

// RecordProcess numbers the parallel process this Recorder belongs to (from 1).
func RecordProcess(n int) RecorderOption {
	return func(r *Recorder) { r.process = n }
}

// NewRecorder returns a Recorder that redacts with redact.
func NewRecorder(redact *Redactor, opts ...RecorderOption) *Recorder {
	r := &Recorder{next: http.DefaultTransport, redact: redact, process: 1}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// RoundTrip sends req through the next transport and records the exchange.
// The response comes back with its body intact.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	seq := int(r.seq.Add(1))
	// An admin key sent as a bearer token is registered, so that its other
	// forms (escaped, base64) are redacted wherever they appear too.
	if _, token, ok := strings.Cut(req.Header.Get("Authorization"), " "); ok && adminKeyShape.MatchString(token) {
		r.redact.Add(token)
	}
	reqBody, err := readRequestBody(req)
	if err != nil {
		return nil, err
	}
	tr := &tracer{}
	start := time.Now()
	// A RoundTripper must not change the request it was given: send a copy.
	out := req.Clone(httptrace.WithClientTrace(req.Context(), tr.trace()))
	if reqBody != nil {
		out.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := r.next.RoundTrip(out)
	headers := time.Now()
	e := r.entry(req, reqBody, seq, start)
	if err != nil {
		e.Comment = r.redact.String("no answer: " + err.Error())
		e.Time = ms(headers.Sub(start))
		e.Timings = tr.timings(start, headers, headers)
		r.add(e)
		return nil, err
	}
	respBody, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	end := time.Now()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	e.Response = r.response(resp, respBody)
	e.Time = ms(end.Sub(start))
	e.Timings = tr.timings(start, headers, end)
	if readErr != nil {
		e.Comment = r.redact.String("the body broke off: " + readErr.Error())
		r.add(e)
		return nil, readErr
	}
	r.add(e)
	return resp, nil
}

func (r *Recorder) add(e har.Entry) {
	r.mu.Lock()
	r.entries = append(r.entries, e)
	r.mu.Unlock()
}

// Entries returns what was recorded so far, in the order it was sent.
func (r *Recorder) Entries() []har.Entry {
	r.mu.Lock()
	out := slices.Clone(r.entries)
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b har.Entry) int { return a.Sequence - b.Sequence })
	return out
}

// File returns what was recorded so far as a HAR document about run.
func (r *Recorder) File(run har.RunInfo) *har.File {
	run.BaseURL = r.redact.String(run.BaseURL)
	if run.Processes == 0 {
		run.Processes = 1
	}
	return &har.File{Log: har.Log{
		Version: har.Version,
		Creator: creator(),
		Entries: r.Entries(),
		Run:     &run,
	}}
}

func creator() har.Creator {
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	return har.Creator{Name: "certcontract", Version: version}
}

func (r *Recorder) entry(req *http.Request, body []byte, seq int, start time.Time) har.Entry {
	e := har.Entry{
		StartedDateTime: start,
		Process:         r.process,
		Sequence:        seq,
		Request: har.Request{
			Method:      req.Method,
			URL:         r.redact.String(req.URL.String()),
			HTTPVersion: "HTTP/1.1",
			Cookies:     []har.Cookie{},
			Headers:     r.headers(req.Header),
			QueryString: r.query(req.URL.RawQuery),
			HeadersSize: -1,
			BodySize:    len(body),
		},
		Response: har.Response{Cookies: []har.Cookie{}, Headers: []har.NameValue{}, HeadersSize: -1, BodySize: -1},
	}
	if body != nil {
		e.Request.PostData = har.NewPostData(req.Header.Get("Content-Type"), []byte(r.redact.String(string(body))))
	}
	return e
}

func (r *Recorder) response(resp *http.Response, body []byte) har.Response {
	return har.Response{
		Status:      resp.StatusCode,
		StatusText:  http.StatusText(resp.StatusCode),
		HTTPVersion: resp.Proto,
		Cookies:     []har.Cookie{},
		Headers:     r.headers(resp.Header),
		Content:     har.NewContent(resp.Header.Get("Content-Type"), []byte(r.redact.String(string(body)))),
		RedirectURL: resp.Header.Get("Location"),
		HeadersSize: -1,
		BodySize:    len(body),
	}
}

// headers lists h sorted by name, every value redacted.
func (r *Recorder) headers(h http.Header) []har.NameValue {
	out := []har.NameValue{}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			out = append(out, har.NameValue{Name: name, Value: r.redact.String(v)})
		}
	}
	return out
}

// query lists the query parameters in the order they were sent.
func (r *Recorder) query(raw string) []har.NameValue {
	out := []har.NameValue{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		out = append(out, har.NameValue{Name: r.redact.String(k), Value: r.redact.String(v)})
	}
	return out
}

// readRequestBody reads and closes the body, as a RoundTripper must; a caller
// that sends the request again gets a new body from GetBody.
func readRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("record %s %s: read the request body: %w", req.Method, req.URL.Path, err)
	}
	return b, nil
}

// tracer notes when each phase of an exchange ended. The transport may call
// its hooks from other goroutines.
type tracer struct {
	mu                                              sync.Mutex
	gotConn, dnsStart, dnsDone, connStart, connDone time.Time
	tlsStart, tlsDone, wroteRequest, firstByte      time.Time
}

func (t *tracer) at(p *time.Time) {
	t.mu.Lock()
	*p = time.Now()
	t.mu.Unlock()
}

func (t *tracer) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn:              func(httptrace.GotConnInfo) { t.at(&t.gotConn) },
		DNSStart:             func(httptrace.DNSStartInfo) { t.at(&t.dnsStart) },
		DNSDone:              func(httptrace.DNSDoneInfo) { t.at(&t.dnsDone) },
		ConnectStart:         func(string, string) { t.at(&t.connStart) },
		ConnectDone:          func(string, string, error) { t.at(&t.connDone) },
		TLSHandshakeStart:    func() { t.at(&t.tlsStart) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { t.at(&t.tlsDone) },
		WroteRequest:         func(httptrace.WroteRequestInfo) { t.at(&t.wroteRequest) },
		GotFirstResponseByte: func() { t.at(&t.firstByte) },
	}
}

// timings splits start..end into HAR's phases. A transport that calls no
// hooks (not net/http's) gives everything up to the headers as wait.
func (t *tracer) timings(start, headers, end time.Time) har.Timings {
	t.mu.Lock()
	defer t.mu.Unlock()
	span := func(a, b time.Time) float64 {
		if a.IsZero() || b.IsZero() {
			return -1
		}
		return ms(b.Sub(a))
	}
	out := har.Timings{
		DNS:     span(t.dnsStart, t.dnsDone),
		Connect: span(t.connStart, t.connDone),
		SSL:     span(t.tlsStart, t.tlsDone),
		Blocked: -1,
		Receive: ms(end.Sub(headers)),
	}
	if t.gotConn.IsZero() || t.wroteRequest.IsZero() {
		out.Wait = ms(headers.Sub(start))
		return out
	}
	out.Blocked = max(ms(t.gotConn.Sub(start))-max(out.DNS, 0)-max(out.Connect, 0), 0)
	// The phases follow each other; a server may answer before the whole
	// request is written (a 413 to a large body), and that wait is then 0.
	first := t.firstByte
	if first.IsZero() || first.Before(t.wroteRequest) {
		first = t.wroteRequest
	}
	out.Send = ms(t.wroteRequest.Sub(t.gotConn))
	out.Wait = ms(first.Sub(t.wroteRequest))
	out.Receive = ms(max(end.Sub(first), 0))
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
