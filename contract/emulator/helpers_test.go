package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
	"github.com/certcontract/certcontract/generated/spec"
)

// testKey is an admin key of the form the emulator accepts by default.
const testKey = "sk-admin-test"

// newEmulator starts cfg's emulator on a loopback httptest server and returns
// a client for it that checks every response against the fragment.
func newEmulator(t testing.TB, cfg emulator.Config) *apiClient {
	t.Helper()
	_, c := newServed(t, cfg)
	return c
}

type apiClient struct {
	base string
	key  string
	http *http.Client
}

// as returns a client of the same emulator with another key.
func (c *apiClient) as(key string) *apiClient {
	cc := *c
	cc.key = key
	return &cc
}

// response is one answer, already checked against the fragment.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a JSON body (nil: none; a string or []byte: sent as is).
func (c *apiClient) do(t testing.TB, method, path string, body any) response {
	t.Helper()
	return c.send(t, method, path, body, func(*http.Request) {})
}

func (c *apiClient) send(t testing.TB, method, path string, body any, edit func(*http.Request)) response {
	t.Helper()
	r, err := c.exchange(method, path, body, edit)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// exchange is send for goroutines other than the test's own: it reports
// failures as errors instead of stopping the test.
func (c *apiClient) exchange(method, path string, body any, edit func(*http.Request)) (response, error) {
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	case []byte:
		reader = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return response{}, fmt.Errorf("marshal body: %w", err)
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, reader)
	if err != nil {
		return response{}, fmt.Errorf("new request: %w", err)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	edit(req)
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: reading body: %w", method, path, err)
	}
	if err := checkAgainstFragment(req, resp, data); err != nil {
		return response{}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// decode unmarshals the body into v, failing the test on a status other than want.
func (r response) decode(t testing.TB, want int, v any) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body %s", r.status, want, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

// apiErr is the error body's content; param and code are "" when null.
type apiErr struct {
	status int
	typ    string
	param  string
	code   generated.ErrorCode
}

func (r response) apiError(t testing.TB) apiErr {
	t.Helper()
	var body generated.ErrorResponse
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("status %d with a body that is no error body: %s", r.status, r.body)
	}
	e := apiErr{status: r.status, typ: body.Error.Type}
	if body.Error.Param != nil {
		e.param = *body.Error.Param
	}
	if body.Error.Code != nil {
		e.code = *body.Error.Code
	}
	return e
}

// wantError fails the test unless r is the given error.
func (r response) wantError(t testing.TB, want apiErr) {
	t.Helper()
	if want.typ == "" {
		want.typ = "invalid_request_error"
	}
	if got := r.apiError(t); got != want {
		t.Fatalf("error %+v, want %+v; body %s", got, want, r.body)
	}
}

var fragment = sync.OnceValues(func() (routers.Router, error) { return spec.Router("") })

// checkAgainstFragment fails the test when a response has a status, header or
// body the fragment does not declare for the operation, so every test also
// proves the emulator answers only in the documented shapes.
func checkAgainstFragment(req *http.Request, resp *http.Response, body []byte) error {
	router, err := fragment()
	if err != nil {
		return fmt.Errorf("loading the fragment: %w", err)
	}
	routed := req.Clone(context.Background())
	routed.URL.Path = strings.TrimPrefix(req.URL.Path, emulator.BasePath)
	route, pathParams, err := router.FindRoute(routed)
	// The router ignores a trailing slash, which the API does not.
	if err != nil || strings.HasSuffix(routed.URL.Path, "/") {
		// An undeclared route: only the error body can be checked.
		var e generated.ErrorResponse
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusUnauthorized || json.Unmarshal(body, &e) != nil || e.Error.Type == "" {
			return fmt.Errorf("%s %s: undeclared route answered %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
		}
		return nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: pathParams, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s %s: response %d breaks the fragment: %w\n%s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if ra := resp.Header.Get("Retry-After"); ra == "" || ra == "0" {
			return fmt.Errorf("%s %s: %d without a Retry-After of at least 1 (%q)", req.Method, req.URL.Path, resp.StatusCode, ra)
		}
	}
	return nil
}

// newCertPEM returns a fresh self-signed CA certificate in PEM, valid for 90
// days unless opts say otherwise. No key material ever leaves the test.
func newCertPEM(t testing.TB, opts testcert.Options) string {
	t.Helper()
	c, err := testcert.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c.PEM
}

// upload stores a fresh certificate and returns it.
func (c *apiClient) upload(t testing.TB, name string) generated.Certificate {
	t.Helper()
	body := map[string]any{"certificate": newCertPEM(t, testcert.Options{})}
	if name != "" {
		body["name"] = name
	}
	var cert generated.Certificate
	c.do(t, http.MethodPost, "/organization/certificates", body).decode(t, http.StatusOK, &cert)
	return cert
}

// listAll walks a list page by page with the given limit and order and
// returns the items as the pages gave them.
func (c *apiClient) listAll(t testing.TB, path string, limit int, order string) []generated.OrganizationCertificate {
	t.Helper()
	var all []generated.OrganizationCertificate
	after := ""
	for range emulator.MaxCertificates + 2 {
		q := "?limit=" + strconv.Itoa(limit) + "&order=" + order
		if after != "" {
			q += "&after=" + after
		}
		var page generated.ListCertificatesResponse
		c.do(t, http.MethodGet, path+q, nil).decode(t, http.StatusOK, &page)
		all = append(all, page.Data...)
		if !page.HasMore {
			return all
		}
		after = *page.LastId
	}
	t.Fatalf("list %s never ended", path)
	return nil
}

// roundTrip sends req with c and reads the whole answer, failing the test
// when either goes wrong.
func roundTrip(t testing.TB, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}
