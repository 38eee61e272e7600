package suite

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/routers"

	"github.com/certcontract/certcontract/generated/spec"
)

// Fields checks every field of every answer that carries a certificate
// this process uploaded, against what the suite stored and did since: the
// upload, get and modify answers, both lists in both orders, and the four
// toggle answers. A rule checked where a spec happens to read a field back
// would miss a stale list item after a rename or a toggle answer that drops
// a field; checked here, it holds in every answer of every spec.
//
// Its Layer sits in the transport chain (Transport) and keeps a model of
// this process's certificates from the exchanges themselves: the name sent
// at upload and rename, the PEM's NotBefore and NotAfter, the client's
// clock around the upload, and the state each toggle set. Certificates it
// did not see uploaded (others', on a live organization) are not its to
// judge. An answer that differs fails the request with a *FieldError.
type Fields struct {
	mu    sync.Mutex
	certs map[string]*stored
}

// stored is one certificate as the suite stored it and changed it since.
type stored struct {
	name      *string
	createdAt int64
	// uploaded is the client's clock around the upload; created_at must
	// fall within a minute of it. Until an answer's created_at does,
	// createdAt is 0.
	uploaded  [2]int64
	validAt   int64
	expiresAt int64
	pem       string
	active    bool            // for the organization
	activeIn  map[string]bool // per project
}

func (s *stored) activeFor(project string) bool {
	if project == "" {
		return s.active
	}
	return s.activeIn[project]
}

// FieldError is an answer whose certificate fields differ from what the
// suite stored.
type FieldError struct {
	Method, Path string
	Findings     []string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s %s answers a certificate the suite stored otherwise: %s", e.Method, e.Path, strings.Join(e.Findings, "; "))
}

// Layer is the checking transport, for Transport's layers.
func (f *Fields) Layer(next http.RoundTripper) http.RoundTripper {
	return layerFunc(func(req *http.Request) (*http.Response, error) { return f.roundTrip(next, req) })
}

type layerFunc func(*http.Request) (*http.Response, error)

func (fn layerFunc) RoundTrip(req *http.Request) (*http.Response, error) { return fn(req) }

// wireCert is a certificate as any answer carries it; pointers tell an
// absent field from a present one.
type wireCert struct {
	Object    *string `json:"object"`
	ID        *string `json:"id"`
	Name      *string `json:"name"`
	CreatedAt *int64  `json:"created_at"`
	Active    *bool   `json:"active"`
	Details   *struct {
		ValidAt   *int64  `json:"valid_at"`
		ExpiresAt *int64  `json:"expires_at"`
		Content   *string `json:"content"`
	} `json:"certificate_details"`
}

// exchange is one request the model cares about.
type exchange struct {
	op      string // upload, get, modify, delete, list, toggle
	id      string // the path's certificate id
	project string // "" for the organization
	active  bool   // what a toggle sets
}

// fragmentRoutes matches a path as the fragment writes it, below any base
// URL: route cuts the path to its operation's part first.
var fragmentRoutes = sync.OnceValues(func() (routers.Router, error) { return spec.Router("") })

// operations say what each operation that carries a certificate is to the
// checker; toggles set active to whether they activate.
var operations = map[string]exchange{
	"listOrganizationCertificates":       {op: "list"},
	"listProjectCertificates":            {op: "list"},
	"uploadCertificate":                  {op: "upload"},
	"getCertificate":                     {op: "get"},
	"modifyCertificate":                  {op: "modify"},
	"deleteCertificate":                  {op: "delete"},
	"activateOrganizationCertificates":   {op: "toggle", active: true},
	"deactivateOrganizationCertificates": {op: "toggle"},
	"activateProjectCertificates":        {op: "toggle", active: true},
	"deactivateProjectCertificates":      {op: "toggle"},
}

// route finds the request's operation with the fragment's router; ok is
// false for anything that carries no certificate.
func route(method, path string) (exchange, bool) {
	i := strings.LastIndex(path, "/organization/")
	router, err := fragmentRoutes()
	if i < 0 || err != nil {
		return exchange{}, false
	}
	found, params, err := router.FindRoute(&http.Request{Method: method, URL: &url.URL{Path: path[i:]}})
	if err != nil {
		return exchange{}, false
	}
	e, ok := operations[found.Operation.OperationID]
	e.id, e.project = params["certificate_id"], params["project_id"]
	return e, ok
}

type modelKey struct{}

// JudgedByModel marks a request whose answer the stateful phase's model
// judges: it checks every field too, and its report shows the whole answer
// beside what it expected, which a FieldError from here would cut short.
// The certificates such requests upload are not this layer's to judge
// anywhere else either, as if someone else had uploaded them.
func JudgedByModel(ctx context.Context) context.Context {
	return context.WithValue(ctx, modelKey{}, true)
}

func (f *Fields) roundTrip(next http.RoundTripper, req *http.Request) (*http.Response, error) {
	e, ok := route(req.Method, req.URL.Path)
	if !ok || req.Context().Value(modelKey{}) != nil {
		return next.RoundTrip(req)
	}
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		reqBody, _ = io.ReadAll(body)
		_ = body.Close()
	}
	sent := time.Now()
	resp, err := next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	answered := time.Now()
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))

	if findings := f.observe(e, req, reqBody, body, sent, answered); len(findings) > 0 {
		return nil, &FieldError{Method: req.Method, Path: req.URL.RequestURI(), Findings: findings}
	}
	return resp, nil
}

// observe checks one answer against the model, then brings the model up to
// date with what the exchange did.
func (f *Fields) observe(e exchange, req *http.Request, reqBody, body []byte, sent, answered time.Time) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.certs == nil {
		f.certs = map[string]*stored{}
	}
	switch e.op {
	case "upload":
		return f.upload(reqBody, body, sent, answered)
	case "get", "modify":
		c := f.certs[e.id]
		if c == nil {
			return nil
		}
		var got wireCert
		if err := json.Unmarshal(body, &got); err != nil {
			return []string{"the answer is no certificate: " + err.Error()}
		}
		if e.op == "modify" {
			var rename struct {
				Name *string `json:"name"`
			}
			if json.Unmarshal(reqBody, &rename) == nil && rename.Name != nil {
				c.name = rename.Name
			}
			return check(c, got, want{object: "certificate", id: e.id, active: absentOr(c.active)})
		}
		q := req.URL.Query()
		withContent := slices.Contains(q["include[]"], "content") || slices.Contains(q["include"], "content")
		return check(c, got, want{object: "certificate", id: e.id, active: absent, content: withContent})
	case "delete":
		delete(f.certs, e.id)
		return nil
	case "toggle":
		var batch struct {
			IDs []string `json:"certificate_ids"`
		}
		_ = json.Unmarshal(reqBody, &batch)
		for _, id := range batch.IDs {
			if c := f.certs[id]; c != nil {
				if e.project == "" {
					c.active = e.active
				} else {
					if c.activeIn == nil {
						c.activeIn = map[string]bool{}
					}
					c.activeIn[e.project] = e.active
				}
			}
		}
		return f.items(body, itemObject(e.project), e.project, func(id string) string {
			if !slices.Contains(batch.IDs, id) {
				return "the toggle answers about " + id + ", which the request did not name"
			}
			return ""
		})
	case "list":
		return f.items(body, itemObject(e.project), e.project, nil)
	}
	return nil
}

func itemObject(project string) string {
	if project == "" {
		return "organization.certificate"
	}
	return "organization.project.certificate"
}

// upload checks the answer to an upload against the request and starts
// the model of the new certificate.
func (f *Fields) upload(reqBody, body []byte, sent, answered time.Time) []string {
	var up struct {
		Certificate string  `json:"certificate"`
		Name        *string `json:"name"`
	}
	var got wireCert
	if json.Unmarshal(reqBody, &up) != nil || json.Unmarshal(body, &got) != nil || got.ID == nil {
		return nil // the validator reports an answer of the wrong shape
	}
	block, _ := pem.Decode([]byte(up.Certificate))
	if block == nil {
		return nil // the specs about refused PEMs report an accepted one
	}
	parsed, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	if f.certs[*got.ID] != nil {
		return []string{"upload answers " + *got.ID + ", the id of a certificate uploaded before"}
	}
	c := &stored{name: up.Name, pem: up.Certificate, validAt: parsed.NotBefore.Unix(), expiresAt: parsed.NotAfter.Unix(),
		uploaded: [2]int64{sent.Unix(), answered.Unix()}}
	f.certs[*got.ID] = c
	return check(c, got, want{object: "certificate", active: absentOr(false)})
}

// items checks each item of a list or toggle answer that this process
// uploaded; idRule, if set, judges every item's id.
func (f *Fields) items(body []byte, object, project string, idRule func(id string) string) []string {
	var page struct {
		Data []wireCert `json:"data"`
	}
	if json.Unmarshal(body, &page) != nil {
		return nil // the validator reports an answer of the wrong shape
	}
	var findings []string
	for _, got := range page.Data {
		if got.ID == nil {
			continue
		}
		if idRule != nil {
			if msg := idRule(*got.ID); msg != "" {
				findings = append(findings, msg)
			}
		}
		if c := f.certs[*got.ID]; c != nil {
			findings = append(findings, check(c, got, want{object: object, active: equal(c.activeFor(project))})...)
		}
	}
	return findings
}

// activeRule is what an answer may say about active.
type activeRule struct {
	mayBeAbsent bool
	mustBe      *bool // nil: must be absent
}

var absent = activeRule{mayBeAbsent: true}

func absentOr(v bool) activeRule { return activeRule{mayBeAbsent: true, mustBe: &v} }
func equal(v bool) activeRule    { return activeRule{mustBe: &v} }

// want is what one answer should say about a certificate beyond what the
// model holds.
type want struct {
	object  string
	id      string // the path's id, when the answer is about one
	active  activeRule
	content bool // the PEM was asked for
}

// check is the one comparison of a certificate in an answer with the
// model: every field, whichever answer carries it.
func check(c *stored, got wireCert, w want) []string {
	id := "?"
	if got.ID != nil {
		id = *got.ID
	}
	var findings []string
	bad := func(format string, args ...any) { findings = append(findings, id+": "+fmt.Sprintf(format, args...)) }
	switch {
	case got.ID == nil:
		bad("id is missing")
	case w.id != "" && *got.ID != w.id:
		bad("id is %s, but the request was about %s", *got.ID, w.id)
	}
	if got.Object == nil || *got.Object != w.object {
		bad("object is %s, want %q", show(got.Object), w.object)
	}
	if !equalPtr(got.Name, c.name) {
		bad("name is %s, but the suite named it %s", show(got.Name), show(c.name))
	}
	switch {
	case got.CreatedAt == nil:
		bad("created_at is missing")
	case c.createdAt != 0 && *got.CreatedAt != c.createdAt:
		bad("created_at is %d, but the certificate was uploaded at %d", *got.CreatedAt, c.createdAt)
	case c.createdAt == 0 && (*got.CreatedAt < c.uploaded[0]-60 || *got.CreatedAt > c.uploaded[1]+60):
		bad("created_at is %d, not within a minute of the upload (%d..%d, Unix seconds)", *got.CreatedAt, c.uploaded[0], c.uploaded[1])
	case c.createdAt == 0:
		c.createdAt = *got.CreatedAt
	}
	switch r := w.active; {
	case got.Active == nil && !r.mayBeAbsent:
		bad("active is missing, want %v", *r.mustBe)
	case got.Active != nil && r.mustBe == nil:
		bad("active is %v, but this answer does not carry it", *got.Active)
	case got.Active != nil && *got.Active != *r.mustBe:
		bad("active is %v, but the suite left it %v here", *got.Active, *r.mustBe)
	}
	if got.Details == nil {
		bad("certificate_details is missing")
		return findings
	}
	if got.Details.ValidAt == nil || *got.Details.ValidAt != c.validAt {
		bad("certificate_details.valid_at is %s, want the certificate's NotBefore %d", show(got.Details.ValidAt), c.validAt)
	}
	if got.Details.ExpiresAt == nil || *got.Details.ExpiresAt != c.expiresAt {
		bad("certificate_details.expires_at is %s, want the certificate's NotAfter %d", show(got.Details.ExpiresAt), c.expiresAt)
	}
	switch {
	case w.content && (got.Details.Content == nil || *got.Details.Content != c.pem):
		bad("certificate_details.content is not the PEM as uploaded (%d bytes, want %d)", len(deref(got.Details.Content)), len(c.pem))
	case !w.content && got.Details.Content != nil:
		bad("certificate_details.content is there though nobody asked for it")
	}
	return findings
}

func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func show[T any](p *T) string {
	if p == nil {
		return "missing or null"
	}
	b, _ := json.Marshal(*p)
	return string(b)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
