package negative

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/certcontract/certcontract/generated/spec"
)

const baseURL = "http://127.0.0.1:1/v1"

var fixture = Fixture{
	Path: map[string]string{"certificate_id": "cert_x", "project_id": "proj_x"},
	Fields: map[string]any{
		"certificate":     "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n",
		"certificate_ids": []string{"cert_x"},
		"name":            "contract-negative",
	},
}

// finding is one thing kin-openapi found wrong with a request, and the
// parameter or top-level body field it is about.
type finding struct {
	param string
	err   error
}

// validationFindings lists what kin-openapi finds wrong with req, one entry
// per finding.
func validationFindings(t *testing.T, doc *openapi3.T, req *http.Request) []finding {
	t.Helper()
	doc.Servers = openapi3.Servers{{URL: baseURL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	})
	if err == nil {
		return nil
	}
	var all openapi3.MultiError
	if !errors.As(err, &all) {
		all = openapi3.MultiError{err}
	}
	var out []finding
	for _, e := range all {
		var reqErr *openapi3filter.RequestError
		if !errors.As(e, &reqErr) {
			out = append(out, finding{err: e})
			continue
		}
		inner := openapi3.MultiError{reqErr.Err}
		errors.As(reqErr.Err, &inner)
		for _, ie := range inner {
			f := finding{err: ie}
			var schemaErr *openapi3.SchemaError
			switch {
			case reqErr.Parameter != nil:
				f.param = reqErr.Parameter.Name
			case errors.As(ie, &schemaErr) && len(schemaErr.JSONPointer()) > 0:
				f.param = schemaErr.JSONPointer()[0]
			}
			out = append(out, f)
		}
	}
	return out
}

func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := spec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Each case must break its constraint and nothing else: kin-openapi, the
// validator the suite and the emulator use, finds exactly one thing wrong,
// at the case's param, and the same request without the break is valid.
func TestEachCaseBreaksOnlyItsConstraint(t *testing.T) {
	doc := loadDoc(t)
	cases, err := Derive(doc)
	if err != nil {
		t.Fatal(err)
	}
	validated := map[string]bool{}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			req, err := c.Request(context.Background(), baseURL, fixture)
			if err != nil {
				t.Fatal(err)
			}
			found := validationFindings(t, doc, req)
			if len(found) != 1 {
				t.Fatalf("%d findings, want exactly 1: %v", len(found), found)
			}
			if found[0].param != c.Param {
				t.Errorf("the finding is about %q, want %q: %v", found[0].param, c.Param, found[0].err)
			}

			if validated[c.OperationID] {
				return
			}
			validated[c.OperationID] = true
			valid := c
			valid.In, valid.Param = "", ""
			req, err = valid.Request(context.Background(), baseURL, fixture)
			if err != nil {
				t.Fatal(err)
			}
			if found := validationFindings(t, doc, req); len(found) > 0 {
				t.Fatalf("without the break the request is still invalid: %v", found)
			}
		})
	}
}

// Every kind of constraint the package knows, on a made-up operation: each
// derived case must still break exactly one.
const everyKind = `
openapi: 3.0.3
info: {title: every kind, version: "1"}
paths:
  /things/{thing_id}:
    parameters:
      - {name: thing_id, in: path, required: true, schema: {type: integer, format: int32, minimum: 1}}
    post:
      operationId: makeThing
      parameters:
        - {name: size, in: query, required: true, schema: {type: number, exclusiveMinimum: true, minimum: 0, maximum: 10}}
        - {name: loud, in: query, schema: {type: boolean}}
        - name: tags[]
          in: query
          style: form
          explode: true
          schema: {type: array, minItems: 2, maxItems: 3, items: {type: string, minLength: 2, maxLength: 4}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [label, parts]
              properties:
                label: {type: string, minLength: 1, maxLength: 8, nullable: true}
                count: {type: integer, format: int32, maximum: 5}
                parts:
                  type: array
                  minItems: 1
                  items:
                    type: object
                    required: [kind]
                    properties:
                      kind: {type: string, enum: [a, b]}
      responses:
        "200": {description: made}
`

func TestEveryKindOfConstraintBreaksAlone(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(everyKind))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := Derive(doc)
	if err != nil {
		t.Fatal(err)
	}
	f := Fixture{Path: map[string]string{"thing_id": "7"}}
	var got []string
	for _, c := range cases {
		got = append(got, c.In+" "+c.Param+": "+c.Constraint)
		req, err := c.Request(context.Background(), baseURL, f)
		if err != nil {
			t.Fatal(err)
		}
		found := validationFindings(t, doc, req)
		if len(found) != 1 || found[0].param != c.Param {
			t.Errorf("%s: %v, want one finding about %s", c.Name(), found, c.Param)
		}
	}
	for _, want := range []string{
		"path thing_id: type integer", "path thing_id: minimum 1", "path thing_id: format int32",
		"query size: required", "query size: minimum 0", "query size: maximum 10", "query loud: type boolean",
		"query tags[]: minItems 2", "query tags[]: maxItems 3", "query tags[]: items: minLength 2", "query tags[]: items: maxLength 4",
		"body label: required", "body label: minLength 1", "body label: maxLength 8",
		"body count: maximum 5", "body count: format int32", "body count: nullable false",
		"body parts: minItems 1", "body parts: items: required kind", "body parts: items: kind: enum [a b]", "body parts: items: kind: nullable false",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("no case %q; derived:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if slices.Contains(got, "body label: nullable false") {
		t.Error("a nullable field got a null case")
	}
}
