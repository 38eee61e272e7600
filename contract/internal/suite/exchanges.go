package suite

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/certcontract/certcontract/contract/internal/curl"
)

// Exchange is one request a spec sent and what came back.
type Exchange struct {
	Request   curl.Request
	Status    int // 0: no answer came
	RequestID string
}

// Exchanges keeps the last exchange of the spec running in this process,
// and how many it made, so a spec that fails can show the one it failed on
// as a command to paste. Quiet traffic (cleanup) is left out: it comes after
// the failure and is no part of it. Between Take and the next Start nothing
// is kept.
type Exchanges struct {
	mu   sync.Mutex
	on   bool
	kept Kept
}

// Kept is what Exchanges kept of one spec.
type Kept struct {
	Last  Exchange
	Count int
}

// Start begins a spec's record.
func (e *Exchanges) Start() {
	e.mu.Lock()
	e.on, e.kept = true, Kept{}
	e.mu.Unlock()
}

// Take ends the spec's record and returns it.
func (e *Exchanges) Take() Kept {
	e.mu.Lock()
	defer e.mu.Unlock()
	kept := e.kept
	e.on, e.kept = false, Kept{}
	return kept
}

// Layer records each exchange passing through it; it goes into the
// Transport chain.
func (e *Exchanges) Layer(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if isQuiet(req.Context()) {
			return next.RoundTrip(req)
		}
		body, err := peekBody(req)
		if err != nil {
			return nil, err
		}
		x := Exchange{Request: curl.Request{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body}}
		resp, err := next.RoundTrip(req)
		if err == nil {
			x.Status, x.RequestID = resp.StatusCode, resp.Header.Get("X-Request-Id")
		}
		e.mu.Lock()
		if e.on {
			e.kept = Kept{Last: x, Count: e.kept.Count + 1}
		}
		e.mu.Unlock()
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// peekBody reads a request's body without taking it from the request.
func peekBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer func() { _ = rc.Close() }()
		return io.ReadAll(rc)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	return body, err
}

// maxShownBody is how much of a request body a reproduction quotes: the
// bodies specs send to be refused for their size would bury everything else.
const maxShownBody = 4 << 10

// ReproductionEntry names the report entry that holds a failed spec's
// Reproduction, where certcontract-contract finds it.
const ReproductionEntry = "reproduction"

// Reproduction shows the last exchange of a failed spec, the one its failure
// is about, as a curl line with the answer's status and x-request-id. The
// base URL is $BASE_URL and the key $OPENAI_ADMIN_KEY, so the line can be
// handed on as it is.
func Reproduction(kept Kept, baseURL string) string {
	if kept.Count == 0 {
		return "The spec sent no request before it failed."
	}
	last := kept.Last
	var b strings.Builder
	fmt.Fprintf(&b, "The last of the spec's %d exchanges, to reproduce with BASE_URL=%s and OPENAI_ADMIN_KEY set:\n", kept.Count, baseURL)
	r := last.Request
	if n := len(r.Body); n > maxShownBody {
		r.Body = append(r.Body[:maxShownBody:maxShownBody], "..."...)
		fmt.Fprintf(&b, "# the body is %d bytes; the first %d are shown\n", n, maxShownBody)
	}
	b.WriteString(curl.Command(r, baseURL, nil) + "\n")
	switch {
	case last.Status == 0:
		b.WriteString("# no answer came")
	case last.RequestID == "":
		fmt.Fprintf(&b, "# answered %d, without an x-request-id", last.Status)
	default:
		fmt.Fprintf(&b, "# answered %d, x-request-id %s", last.Status, last.RequestID)
	}
	return b.String()
}
