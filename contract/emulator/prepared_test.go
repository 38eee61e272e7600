package emulator

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// The prepared check may only skip kin-openapi for requests kin-openapi
// accepts: every query and body here gets the very same verdict, refusal
// for refusal, with and without it.
func TestPreparedOnlyAcceptsWhatTheFragmentDoes(t *testing.T) {
	v, err := sharedRequestValidator()
	if err != nil {
		t.Fatal(err)
	}
	if len(v.prepared) == 0 {
		t.Fatal("no operation has a prepared query: the fast path is never taken")
	}
	unprepared := *v
	unprepared.prepared = nil

	names := []string{"limit", "after", "order", "include", "include[]", "limt", "LIMIT", ""}
	values := []string{"", "0", "1", "20", "100", "101", "020", "+5", "-1", "1e1", "5.0", " 5", "99999999999", "desc", "asc", "DESC", "content", "cert_1", "%zz", "é"}
	var pairs []string
	for _, n := range names {
		for _, val := range values {
			pairs = append(pairs, url.QueryEscape(n)+"="+url.QueryEscape(val))
		}
		pairs = append(pairs, url.QueryEscape(n))
	}
	queries := []string{"", "limit=20&order=desc&after=cert_1", "limit=1&limit=2", "order=asc&order=asc", "limit=20;order=asc", "a=%zz",
		// What the prepared check's own reading of a raw query must not take differently from url.ParseQuery.
		"limit=1&&order=asc", "&limit=1", "limit=1&", "limit=1=2", "after=a=b", "after=a+b", "after=a%20b", "li%6Dit=1", "limit=1&limit", "limit&limit=1"}
	queries = append(queries, pairs...)
	for _, a := range pairs[:len(pairs)/2] {
		for _, b := range []string{"limit=20", "order=asc", "after=cert_9", "limit=0", "limt=3"} {
			queries = append(queries, a+"&"+b)
		}
	}
	routes := []struct{ method, path string }{
		{http.MethodGet, "/organization/certificates"},
		{http.MethodGet, "/organization/projects/proj_alpha/certificates"},
		{http.MethodGet, "/organization/certificates/cert_1"},
		{http.MethodDelete, "/organization/certificates/cert_1"},
		{http.MethodPost, "/organization/certificates/activate"},
	}
	fast := 0
	for _, rt := range routes {
		for _, q := range queries {
			target := BasePath + rt.path + "?" + q
			want := checked(&unprepared, httptest.NewRequest(rt.method, target, nil))
			got := checked(v, httptest.NewRequest(rt.method, target, nil))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: %s; want %s", rt.method, target, verdict(got), verdict(want))
			}
			if got == nil {
				fast++
			}
		}
	}
	if fast == 0 {
		t.Error("no query was accepted")
	}

	ids := func(n int) string { return `{"certificate_ids":[` + strings.Repeat(`"cert_1",`, n-1) + `"cert_1"]}` }
	bodies := []string{
		ids(1), ids(10), ids(11), `{"certificate_ids":[]}`, `{"certificate_ids":"cert_1"}`, `{"certificate_ids":[1]}`,
		`{"certificate_ids":[null]}`, `{"certificate_ids":null}`, `{"certificate_ids":[["a"]]}`, `{"Certificate_IDs":["a"]}`,
		`{"certificate_ids":["a"],"certificate_ids":["b"]}`, `{"certificate_\u0069ds":["a"]}`, `{"certificate_ids":["a"],"x":1}`,
		` { "certificate_ids" : [ "a" , "b\"]" ] } `, `{}`, `[]`, `"x"`, `null`, `{"certificate":"pem"}`, `{"certificate":"pem","name":"n"}`,
		`{"name":"n"}`, `{"name":null}`, `{"name":1}`, `{"name":""}`, `{"certificate":"a","name":"b","extra":true}`, `{"certificate":{"a":"b"}}`,
		"", "{", "\xff",
	}
	bodyRoutes := []string{"/organization/certificates/activate", "/organization/projects/proj_alpha/certificates/deactivate",
		"/organization/certificates", "/organization/certificates/cert_1"}
	fast = 0
	for _, path := range bodyRoutes {
		for _, query := range []string{"", "?limit=1"} {
			for _, body := range bodies {
				req := func() *http.Request {
					r := httptest.NewRequest(http.MethodPost, BasePath+path+query, strings.NewReader(body))
					r.Header.Set("Content-Type", "application/json")
					return r
				}
				want := checked(&unprepared, req())
				got := checked(v, req())
				if !reflect.DeepEqual(got, want) {
					t.Errorf("POST %s%s %s: %s; want %s", path, query, body, verdict(got), verdict(want))
				}
				if got == nil {
					fast++
				}
			}
		}
	}
	if fast == 0 {
		t.Error("no body was accepted")
	}
}

func verdict(e *apiError) string {
	if e == nil {
		return "accepted"
	}
	return fmt.Sprintf("%d %q (param %q)", e.status, e.message, e.param)
}

// checked is v's verdict on r, found and checked as the emulator does.
func checked(v *requestValidator, r *http.Request) *apiError {
	route, params := v.find(r)
	_, _, _, apiErr := v.check(r, route, params)
	return apiErr
}

// TestPreparedCheckIsUsed holds the emulator to its fast path: a plain valid
// request of an operation prepare took is accepted by its prepared check,
// not by kin-openapi (the check says so). It
// failed when the prepared checks were keyed by a document the router did
// not share. An operation whose schemas grew past what prepare takes (the
// regeneration fire drill adds such a parameter) is skipped, but not all.
func TestPreparedCheckIsUsed(t *testing.T) {
	v, err := sharedRequestValidator()
	if err != nil {
		t.Fatal(err)
	}
	fast := 0
	for _, tc := range []struct{ method, target, body string }{
		{http.MethodGet, "/organization/certificates?limit=2", ""},
		{http.MethodGet, "/organization/projects/proj_alpha/certificates", ""},
		{http.MethodPost, "/organization/certificates/activate", `{"certificate_ids":["cert_1"]}`},
	} {
		r := httptest.NewRequest(tc.method, BasePath+tc.target, strings.NewReader(tc.body))
		if tc.body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		route, params := v.find(r)
		if route == nil {
			t.Fatalf("%s %s: no route", tc.method, tc.target)
		}
		if v.prepared[route.Operation.OperationID] == nil {
			t.Logf("%s %s: %s has no prepared check", tc.method, tc.target, route.Operation.OperationID)
			continue
		}
		if _, _, plain, apiErr := v.check(r, route, params); apiErr != nil || !plain {
			t.Errorf("%s %s: not accepted by the prepared check (%v)", tc.method, tc.target, verdict(apiErr))
		}
		fast++
	}
	if fast == 0 {
		t.Error("no operation the router finds has a prepared check")
	}
}
