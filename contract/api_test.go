package contract_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/validator"
	"github.com/certcontract/certcontract/generated"
)

// api builds clients for the target; every one sends through the validating
// transport.
type api struct {
	baseURL string
	http    *http.Client
}

func newAPI(baseURL string, hc *http.Client) *api {
	return &api{baseURL: baseURL, http: hc}
}

// client authenticates with key; an empty key sends no Authorization header.
func (a *api) client(key string) *generated.ClientWithResponses {
	GinkgoHelper()
	return a.clientWith(a.http, key)
}

// recordingClient is a client that also keeps the last response's headers,
// which the generated results do not expose uniformly.
func (a *api) recordingClient(key string) (*generated.ClientWithResponses, *lastResponse) {
	GinkgoHelper()
	last := &lastResponse{next: a.http.Transport}
	return a.clientWith(&http.Client{Transport: last}, key), last
}

type lastResponse struct {
	next http.RoundTripper
	mu   sync.Mutex
	h    http.Header
}

func (l *lastResponse) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err == nil {
		l.mu.Lock()
		l.h = resp.Header.Clone()
		l.mu.Unlock()
	}
	return resp, err
}

func (l *lastResponse) header() http.Header {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.h
}

func (a *api) clientWith(hc *http.Client, key string) *generated.ClientWithResponses {
	GinkgoHelper()
	opts := []generated.ClientOption{generated.WithHTTPClient(hc)}
	if key != "" {
		opts = append(opts, generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+key)
			return nil
		}))
	}
	c, err := generated.NewClientWithResponses(a.baseURL, opts...)
	Expect(err).NotTo(HaveOccurred())
	return c
}

// org is the organization a spec works in. On the emulator every spec gets a
// fresh one (any sk-admin- key is its own organization), so specs cannot see
// each other's certificates; live, all share the configured organization and
// every spec looks only at what it created.
type org struct {
	*generated.ClientWithResponses
	key      string
	projects []string // the first is the project specs use by default
}

var orgSeq atomic.Int64

func newOrg() *org {
	GinkgoHelper()
	if cfg.remote() {
		return &org{ClientWithResponses: target.client(cfg.adminKey), key: cfg.adminKey, projects: []string{cfg.projectID}}
	}
	key := fmt.Sprintf("sk-admin-%s-%d-%d", runID, GinkgoParallelProcess(), orgSeq.Add(1))
	return &org{ClientWithResponses: target.client(key), key: key, projects: emulator.DefaultProjects}
}

func (o *org) project() string { return o.projects[0] }

// lastProject is a project other than the default one where there is one, so
// project specs do not only ever touch the first.
func (o *org) lastProject() string { return o.projects[len(o.projects)-1] }

// unknownProject is a project id no organization has.
func unknownProject() string { return "proj_contract_missing_" + runID }

// unknownCertificate is a certificate id no organization has.
func unknownCertificate() string { return "cert_contract_missing_" + runID }

// certName carries the run id so a sweep can find whatever this run created.
func certName(label string) string { return "contract-" + runID + "-" + label }

// invalid marks a request as deliberately breaking the fragment: it is sent,
// and only its response is validated.
func invalid(ctx context.Context) context.Context { return validator.ExpectInvalidRequest(ctx) }

// withFault asks the emulator to answer this request with a fault (with
// Faults.Header on, or -fault-header on the command).
func withFault(status int) generated.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set(emulator.FaultHeader, strconv.Itoa(status))
		return nil
	}
}

// must fails the spec on a transport error, which includes every validation
// failure of the exchange.
func must[R any](r R, err error) R {
	GinkgoHelper()
	if err != nil {
		// The message is the validator's report (method, path, status,
		// finding, body), already redacted; printed as is, it reads best.
		Fail(err.Error())
	}
	return r
}

type result interface {
	StatusCode() int
	GetBody() []byte
}

func expectStatus(r result, status int) {
	GinkgoHelper()
	Expect(r.StatusCode()).To(Equal(status), "unexpected status; body: %s", excerpt(r.GetBody()))
}

func excerpt(b []byte) string {
	if len(b) > 512 {
		return string(b[:512]) + "..."
	}
	return string(b)
}

// wantError is the part of an error body a spec checks; empty fields are not
// checked.
type wantError struct {
	status int
	typ    string
	param  string
	code   string
}

func expectError(r result, want wantError) {
	GinkgoHelper()
	expectStatus(r, want.status)
	var body generated.ErrorResponse
	Expect(json.Unmarshal(r.GetBody(), &body)).To(Succeed())
	Expect(body.Error.Message).NotTo(BeEmpty(), "the error should say what went wrong")
	if want.typ != "" {
		Expect(body.Error.Type).To(Equal(want.typ), "error type; body: %s", r.GetBody())
	}
	if want.param != "" {
		Expect(body.Error.Param).To(HaveValue(Equal(want.param)), "error param; body: %s", r.GetBody())
	}
	if want.code != "" {
		Expect(body.Error.Code).To(HaveValue(Equal(want.code)), "error code; body: %s", r.GetBody())
	}
}

func badRequest(param string) wantError {
	return wantError{status: http.StatusBadRequest, typ: "invalid_request_error", param: param}
}

func notFound(param string) wantError {
	return wantError{status: http.StatusNotFound, param: param, code: "not_found"}
}

var unauthorized = wantError{status: http.StatusUnauthorized, typ: "invalid_request_error", code: "invalid_api_key"}

// upload stores a fresh valid certificate under certName(label) and removes it
// when the spec ends, however it ends.
func (o *org) upload(ctx context.Context, label string) (generated.Certificate, issued) {
	GinkgoHelper()
	c := validCert()
	name := certName(label)
	res := must(o.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: c.pem, Name: &name}))
	expectStatus(res, http.StatusOK)
	o.removeLater(res.JSON200.Id)
	return *res.JSON200, c
}

// uploadN uploads n certificates, label-1 ... label-n, in that order.
func (o *org) uploadN(ctx context.Context, label string, n int) []generated.Certificate {
	GinkgoHelper()
	certs := make([]generated.Certificate, n)
	for i := range certs {
		certs[i], _ = o.upload(ctx, fmt.Sprintf("%s-%d", label, i+1))
	}
	return certs
}

// withContent asks get for the PEM as uploaded.
var withContent = &generated.GetCertificateParams{Include: &[]generated.GetCertificateParamsInclude{generated.GetCertificateParamsIncludeContent}}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

func ids(certs []generated.Certificate) []string {
	out := make([]string, len(certs))
	for i, c := range certs {
		out[i] = c.Id
	}
	return out
}

// allPages follows a list's cursor to the end; page answers the page after
// a cursor.
func allPages[T any](list string, page func(after *string) (data []T, hasMore bool, lastID *string)) []T {
	GinkgoHelper()
	var all []T
	var after *string
	for range 1000 {
		data, hasMore, lastID := page(after)
		all = append(all, data...)
		if !hasMore {
			return all
		}
		Expect(lastID).NotTo(BeNil(), "a page with has_more needs a last_id")
		after = lastID
	}
	Fail("the " + list + " did not end after 1000 pages")
	return nil
}

// walkOrg and walkProject read a whole list in pages of 100, the most one page
// may hold, so a walk costs as few requests as possible.
func (o *org) walkOrg(ctx context.Context) []generated.OrganizationCertificate {
	GinkgoHelper()
	limit, order := 100, generated.ListOrganizationCertificatesParamsOrderDesc
	return allPages("organization list", func(after *string) ([]generated.OrganizationCertificate, bool, *string) {
		GinkgoHelper()
		res := must(o.ListOrganizationCertificatesWithResponse(ctx, &generated.ListOrganizationCertificatesParams{Limit: &limit, Order: &order, After: after}))
		expectStatus(res, http.StatusOK)
		return res.JSON200.Data, res.JSON200.HasMore, res.JSON200.LastId
	})
}

func (o *org) walkProject(ctx context.Context, project string) []generated.OrganizationProjectCertificate {
	GinkgoHelper()
	limit, order := 100, generated.ListProjectCertificatesParamsOrderDesc
	return allPages("project list", func(after *string) ([]generated.OrganizationProjectCertificate, bool, *string) {
		GinkgoHelper()
		res := must(o.ListProjectCertificatesWithResponse(ctx, project, &generated.ListProjectCertificatesParams{Limit: &limit, Order: &order, After: after}))
		expectStatus(res, http.StatusOK)
		return res.JSON200.Data, res.JSON200.HasMore, res.JSON200.LastId
	})
}

// activeInOrg reports the certificate's organization state as the list shows it.
func (o *org) activeInOrg(ctx context.Context, id string) bool {
	GinkgoHelper()
	for _, c := range o.walkOrg(ctx) {
		if c.Id == id {
			return c.Active
		}
	}
	Fail("certificate " + id + " is not in the organization list")
	return false
}

// activeInProject reports the certificate's state in one project.
func (o *org) activeInProject(ctx context.Context, project, id string) bool {
	GinkgoHelper()
	for _, c := range o.walkProject(ctx, project) {
		if c.Id == id {
			return c.Active
		}
	}
	Fail("certificate " + id + " is not in the list of project " + project)
	return false
}

func toggle(ids ...string) generated.ToggleCertificatesRequest {
	return generated.ToggleCertificatesRequest{CertificateIds: ids}
}

func (o *org) activateOrg(ctx context.Context, ids ...string) {
	GinkgoHelper()
	expectStatus(must(o.ActivateOrganizationCertificatesWithResponse(ctx, toggle(ids...))), http.StatusOK)
}

func (o *org) activateProject(ctx context.Context, project string, ids ...string) {
	GinkgoHelper()
	expectStatus(must(o.ActivateProjectCertificatesWithResponse(ctx, project, toggle(ids...))), http.StatusOK)
}

func jsonString(s string) string {
	b, err := json.Marshal(s)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}
