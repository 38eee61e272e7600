package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// bodyEndpoints are the operations that take a body.
func bodyEndpoints() []endpoint {
	var out []endpoint
	for _, ep := range endpoints {
		if ep.body != nil {
			out = append(out, ep)
		}
	}
	return out
}

func TestBodyTooLarge(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	huge := `{"certificate": "` + strings.Repeat("A", emulator.MaxBodyBytes) + `"}`
	for _, ep := range bodyEndpoints() {
		t.Run(ep.name, func(t *testing.T) {
			c.do(t, ep.method, ep.path, huge).wantError(t, apiErr{status: http.StatusRequestEntityTooLarge, code: generated.ErrorCodeRequestTooLarge})
		})
		// Without Content-Length the cap still holds while reading.
		t.Run(ep.name+"/chunked", func(t *testing.T) {
			c.send(t, ep.method, ep.path, huge, func(r *http.Request) {
				r.Body = readerOnly{strings.NewReader(huge)}
				r.ContentLength = -1
			}).wantError(t, apiErr{status: http.StatusRequestEntityTooLarge, code: generated.ErrorCodeRequestTooLarge})
		})
	}
	// Exactly the cap is read, then judged on its content.
	exact := `{"name": "` + strings.Repeat("n", emulator.MaxBodyBytes-len(`{"name": ""}`)) + `"}`
	id := c.upload(t, "").Id
	c.do(t, http.MethodPost, "/organization/certificates/"+id, exact).decode(t, http.StatusOK, nil)
}

// readerOnly hides the length of a reader, so the request goes out chunked.
type readerOnly struct{ r *strings.Reader }

func (r readerOnly) Read(p []byte) (int, error) { return r.r.Read(p) }
func (r readerOnly) Close() error               { return nil }

func TestWrongContentType(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	for _, ep := range bodyEndpoints() {
		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "json"} {
			t.Run(ep.name+"/"+ct, func(t *testing.T) {
				c.send(t, ep.method, ep.path, ep.body, func(r *http.Request) {
					if ct == "" {
						r.Header.Del("Content-Type")
					} else {
						r.Header.Set("Content-Type", ct)
					}
				}).wantError(t, apiErr{status: http.StatusUnsupportedMediaType, code: generated.ErrorCodeUnsupportedMediaType})
			})
		}
	}
	// Parameters of the media type are fine.
	id := c.upload(t, "").Id
	c.send(t, http.MethodPost, "/organization/certificates/"+id, map[string]any{"name": "n"}, func(r *http.Request) {
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
	}).decode(t, http.StatusOK, nil)
}

func TestMalformedBodies(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	bodies := []struct {
		name string
		body string
	}{
		{"empty", ""},
		{"whitespace", "  \n"},
		{"truncated", `{"certificate_ids": ["a"`},
		{"trailing comma", `{"certificate_ids": ["a"],}`},
		{"two documents", `{} {}`},
		{"single quotes", `{'name': 'n'}`},
		{"not JSON", `name=n`},
		{"invalid UTF-8", "{\"name\": \"\xff\"}"},
		{"null", `null`},
		{"a number", `42`},
		{"a string", `"cert"`},
	}
	for _, ep := range bodyEndpoints() {
		for _, b := range bodies {
			t.Run(ep.name+"/"+b.name, func(t *testing.T) {
				r := c.do(t, ep.method, ep.path, b.body)
				if got := r.apiError(t); got.status != http.StatusBadRequest || got.typ != "invalid_request_error" {
					t.Fatalf("%+v, want 400 invalid_request_error: %s", got, r.body)
				}
			})
		}
	}
}

// Odd inputs get an answer in the fragment's shapes, an error body whenever
// refused, never a 500, and the emulator keeps serving.
func TestOddInputsNeverFail(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	id := c.upload(t, "").Id
	tests := []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/organization/certificates/%00", nil},
		{http.MethodGet, "/organization/certificates/" + strings.Repeat("x", 4000), nil},
		{http.MethodGet, "/organization/certificates/cert_%2F..%2F", nil},
		{http.MethodGet, "/organization/certificates?limit=1e3", nil},
		{http.MethodGet, "/organization/certificates?limit=99999999999999999999", nil},
		{http.MethodGet, "/organization/certificates?limit=1&limit=2", nil},
		{http.MethodGet, "/organization/certificates?after=", nil},
		{http.MethodGet, "/organization/certificates?%zz", nil},
		{http.MethodGet, "/organization/projects//certificates", nil},
		{http.MethodGet, "/organization/certificates/", nil},
		{http.MethodGet, "/organization/certificates/" + id + "/", nil},
		{http.MethodGet, "/organization/projects/proj_default/certificates/", nil},
		{http.MethodGet, "/organization/certificates/%2F", nil},
		{http.MethodPost, "/organization/certificates/", map[string]any{"name": "n"}},
		{http.MethodPatch, "/organization/certificates/" + id, map[string]any{"name": "n"}},
		{http.MethodPut, "/organization/certificates", nil},
		{http.MethodGet, "", nil},
		{http.MethodGet, "/", nil},
		{http.MethodPost, "/organization/certificates", map[string]any{"certificate": strings.Repeat("-----BEGIN CERTIFICATE-----\n", 500)}},
		{http.MethodPost, "/organization/certificates", `{"certificate": "\u0000"}`},
		{http.MethodPost, "/organization/certificates/activate", `{"certificate_ids": [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]}`},
		{http.MethodPost, "/organization/certificates/activate", `{"certificate_ids": ["a"], "certificate_ids": []}`},
		{http.MethodPost, "/organization/certificates/" + id, `{"name": "` + strings.Repeat("é", 1000) + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path[:min(len(tt.path), 60)], func(t *testing.T) {
			r := c.do(t, tt.method, tt.path, tt.body)
			if r.status >= 500 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if r.status >= 400 {
				if e := r.apiError(t); e.typ != "invalid_request_error" {
					t.Fatalf("%d %s", r.status, r.body)
				}
			}
		})
	}
	var got generated.Certificate
	c.do(t, http.MethodGet, "/organization/certificates/"+id, nil).decode(t, http.StatusOK, &got)
}

// A GET with a body is served; the body is not read.
func TestBodyOnGetIsIgnored(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	c.send(t, http.MethodGet, "/organization/certificates", nil, func(r *http.Request) {
		r.Body = readerOnly{strings.NewReader(`{"x": 1}`)}
		r.ContentLength = -1
	}).decode(t, http.StatusOK, nil)
}

// The fragment's router takes a trailing slash that net/http's mux does not
// route, and such a request was answered with net/http's plain-text 404.
func TestRegressionTrailingSlashGotPlainText404(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	id := c.upload(t, "").Id
	for _, path := range []string{"/organization/certificates/", "/organization/certificates/" + id + "/", "/organization/projects/proj_alpha/certificates/"} {
		r := c.do(t, http.MethodGet, path, nil)
		r.wantError(t, apiErr{status: http.StatusNotFound})
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s: Content-Type %q", path, ct)
		}
	}
}
