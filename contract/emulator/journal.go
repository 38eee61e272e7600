package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/routers"
)

// JournalSize is how many calls an organization's journal keeps, the most
// recent ones: a test asserts what its code did in a few calls, and a long
// run must not grow without bound.
const JournalSize = 1000

// Call is one request an organization received, as its journal keeps it:
// what a test asserts about the code it tests. Requests whose key was
// refused belong to no organization and are not kept.
type Call struct {
	// Operation is the fragment's operationId, such as
	// "uploadCertificate" (the name generated.OperationError gives); ""
	// when no route matched.
	Operation string `json:"operation"`
	// CertificateID and ProjectID are the path's parameters, when the
	// operation has them.
	CertificateID string `json:"certificate_id,omitempty"`
	ProjectID     string `json:"project_id,omitempty"`
	// Query is the query string as sent.
	Query url.Values `json:"query,omitempty"`
	// CertificateIDs are a toggle's certificate_ids, and Name the name of
	// an upload or a rename, when the body is JSON (also when a fault
	// answered instead of the operation).
	CertificateIDs []string `json:"certificate_ids,omitempty"`
	Name           *string  `json:"name,omitempty"`
	// Status is the answer's status; 0 when the connection was broken
	// before any answer.
	Status int `json:"status"`
	// Fault is the fault injected instead of, or around, the answer: "429",
	// "503", "reset" and so on; "" for none.
	Fault string `json:"fault,omitempty"`

	rawQuery string // parsed into Query when the journal is read, off the request's path
	rawBody  []byte // a small body, read into CertificateIDs and Name when the journal is read
}

// journal is one organization's calls: a ring of the last JournalSize, so
// adding one never moves the others.
type journal struct {
	mu    sync.Mutex
	calls []Call // oldest at next once full
	next  int
}

func (j *journal) add(c Call) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.calls) < JournalSize {
		j.calls = append(j.calls, c)
		return
	}
	j.calls[j.next] = c
	j.next = (j.next + 1) % JournalSize
}

// read returns the calls, oldest first.
func (j *journal) read() []Call {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := append(append(make([]Call, 0, len(j.calls)), j.calls[j.next:]...), j.calls[:j.next]...)
	for i := range out {
		if q, _ := url.ParseQuery(out[i].rawQuery); len(q) > 0 {
			out[i].Query = q
		}
		out[i].readBody(out[i].rawBody)
	}
	return out
}

// newCall starts the journal's entry for a request from what routing found.
func newCall(r *http.Request, route *routers.Route, params map[string]string) Call {
	c := Call{CertificateID: params["certificate_id"], ProjectID: params["project_id"]}
	if route != nil {
		c.Operation = route.Operation.OperationID
	}
	c.rawQuery = r.URL.RawQuery
	return c
}

// journalBodyBytes is the largest body a call keeps as sent, to be read
// when the journal is: a toggle's body is well under it, and an
// organization's journal keeps at most JournalSize of them, 1 MiB. A larger
// body (an upload's, with its PEM) is read at once and not kept.
const journalBodyBytes = 1 << 10

// withBody adds what a body says, if it is JSON: read off the request's
// path when the body is small, since most calls are never read back.
func (c *Call) withBody(body []byte) {
	if len(body) <= journalBodyBytes {
		c.rawBody = body
		return
	}
	c.readBody(body)
}

// readBody sets what body says, if it is JSON.
func (c *Call) readBody(body []byte) {
	if body == nil {
		return
	}
	var fields struct {
		Name           *string  `json:"name"`
		CertificateIDs []string `json:"certificate_ids"`
	}
	if json.Unmarshal(body, &fields) == nil {
		c.Name, c.CertificateIDs = fields.Name, fields.CertificateIDs
	}
}

// peekBody reads the body of a request that a fault answers instead of
// the operation, for the journal alone: at most MaxBodyBytes, nil for an
// operation without a body.
func peekBody(r *http.Request, route *routers.Route) []byte {
	if route == nil || route.Operation.RequestBody == nil || r.Body == nil {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes))
	return body
}

// faultName is how a Call names an injected fault.
func faultName(f fault) string {
	if f.answer != nil {
		return strconv.Itoa(f.answer.status)
	}
	return string(f.connection)
}

// journaling enters a call into its organization's journal as its answer
// starts, before any of it can reach the client: a test that reads the
// journal once its code has the answer (or a broken connection) finds the
// call there.
type journaling struct {
	http.ResponseWriter
	k       *orgKey
	call    Call
	entered bool
}

// enter puts the call in the journal with status, once; an organization
// not kept (a read by a key without one) keeps no journal.
func (j *journaling) enter(status int) {
	if j.entered {
		return
	}
	j.entered = true
	if o := j.k.organization(); o != nil {
		j.call.Status = status
		o.journal.add(j.call)
	}
}

func (j *journaling) WriteHeader(status int) {
	j.enter(status)
	j.ResponseWriter.WriteHeader(status)
}

func (j *journaling) Write(p []byte) (int, error) {
	j.enter(http.StatusOK)
	return j.ResponseWriter.Write(p)
}

func (j *journaling) Unwrap() http.ResponseWriter { return j.ResponseWriter }
