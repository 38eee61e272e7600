package completeness

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated/spec"
)

// Each guard is shown failing on a fragment that declares one thing more
// than the emulator or the model follows, and passing once an exception
// lists it. The things added are named guard_drill, so that no real change
// to the fragment collides with them, and only the findings the addition
// brings are compared: after a `make generate` that TestFragmentIsFollowed
// fails on, these tests still pass.

func fragment(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := spec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func newEmulator(t *testing.T) http.Handler {
	t.Helper()
	srv, err := emulator.New(emulator.Config{Keys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// added are the findings on doc against srv, with the project's
// exceptions and extra ones, that the project's fragment against its
// emulator does not have.
func added(t *testing.T, doc *openapi3.T, srv http.Handler, extra ...Exception) []Finding {
	t.Helper()
	return without(findings(t, doc, srv, extra...), findings(t, fragment(t), newEmulator(t)))
}

// without drops from got the findings base has, by guard and name.
func without(got, base []Finding) []Finding {
	return slices.DeleteFunc(got, func(f Finding) bool {
		return slices.ContainsFunc(base, func(b Finding) bool { return b.Guard == f.Guard && b.Name == f.Name })
	})
}

// findings runs every guard on doc against srv, with the project's
// exceptions and extra ones.
func findings(t *testing.T, doc *openapi3.T, srv http.Handler, extra ...Exception) []Finding {
	t.Helper()
	f, err := Read(doc)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := observe(f, srv)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := ProjectExceptions()
	if err != nil {
		t.Fatal(err)
	}
	ex.Entries = append(ex.Entries, extra...)
	return Check(f, obs, ex)
}

// expect fails unless the findings are exactly want, as "guard: name", and
// each says where to update (the text has want's fragment).
func expect(t *testing.T, got []Finding, want map[string]string) {
	t.Helper()
	var names []string
	for _, f := range got {
		name := f.Guard + ": " + f.Name
		names = append(names, name)
		if w, ok := want[name]; ok && !strings.Contains(f.Text, w) {
			t.Errorf("%s: %q lacks %q", name, f.Text, w)
		}
		if strings.Contains(f.String(), "\n") {
			t.Errorf("%s: more than one line", name)
		}
	}
	slices.Sort(names)
	var wantNames []string
	for name := range want {
		wantNames = append(wantNames, name)
	}
	slices.Sort(wantNames)
	if !slices.Equal(names, wantNames) {
		t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(names, "\n  "), strings.Join(wantNames, "\n  "))
		for _, f := range got {
			t.Log(f)
		}
	}
}

func addProperty(doc *openapi3.T, schema, name string, s *openapi3.Schema) {
	doc.Components.Schemas[schema].Value.Properties[name] = openapi3.NewSchemaRef("", s)
}

func TestResponsesGuardNamesAPropertyTheEmulatorNeverProduces(t *testing.T) {
	doc := fragment(t)
	addProperty(doc, "Certificate", "guard_drill", openapi3.NewStringSchema())
	expect(t, added(t, doc, newEmulator(t)), map[string]string{
		"responses: Certificate.guard_drill": "in getCertificate 200, modifyCertificate 200, uploadCertificate 200, never produced by the emulator: produce it in contract/emulator",
	})
	t.Run("listed as not emulated", func(t *testing.T) {
		expect(t, added(t, doc, newEmulator(t), Exception{Guard: GuardResponses, Name: "Certificate.guard_drill", Reason: "r"}), nil)
	})
}

// producing wraps the emulator so that every single certificate it answers
// with carries guard_drill: an emulator taught a new field, the checks
// and the model not yet.
func producing(srv http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		var body map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil && body["object"] == "certificate" {
			body["guard_drill"] = "9f:86:d0:81"
			b, _ := json.Marshal(body)
			rec.Body = bytes.NewBuffer(b)
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

func TestChecksGuardNamesAProducedPropertyWithoutCellOrPrediction(t *testing.T) {
	doc := fragment(t)
	addProperty(doc, "Certificate", "guard_drill", openapi3.NewStringSchema())
	expect(t, added(t, doc, producing(newEmulator(t))), map[string]string{
		"checks: Certificate.guard_drill": "produced by the emulator in getCertificate 200, modifyCertificate 200, uploadCertificate 200, predicted by no model answer: add it to contract/internal/model",
		"checks: field guard_drill":       "in the get, modify, upload answers, which have no cell for it in the field × answer table: add its break to breakOf",
	})
}

func TestChecksGuardNamesAnOperationTheModelDoesNotKnow(t *testing.T) {
	doc := fragment(t)
	get := doc.Paths.Find("/organization/certificates/{certificate_id}").Get
	verify := *get
	verify.OperationID, verify.Parameters = "guardDrill", nil
	doc.Paths.Set("/organization/certificates/{certificate_id}/guard_drill", &openapi3.PathItem{Post: &verify})
	expect(t, added(t, doc, newEmulator(t)), map[string]string{
		"checks: guardDrill": "an operation the model does not know",
	})
}

func TestInputsGuardNamesWhatTheModelCannotSend(t *testing.T) {
	doc := fragment(t)
	param := openapi3.NewQueryParameter("guard_drill").WithSchema(openapi3.NewBoolSchema())
	list := doc.Paths.Find("/organization/certificates").Get
	list.Parameters = append(list.Parameters, &openapi3.ParameterRef{Value: param})
	addProperty(doc, "UploadCertificateRequest", "guard_drill", openapi3.NewStringSchema())
	expect(t, added(t, doc, newEmulator(t)), map[string]string{
		"inputs: listOrganizationCertificates query guard_drill": "not sent by the model's requests: add it to model.Request",
		"inputs: uploadCertificate body guard_drill":             "send it in stateful.Wire",
	})
}

// ignoring wraps the emulator so that it drops a query parameter.
func ignoring(srv http.Handler, param string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del(param)
		r.URL.RawQuery = q.Encode()
		srv.ServeHTTP(w, r)
	})
}

// ignoringField wraps the emulator so that it drops a body property.
func ignoringField(srv http.Handler, field string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if r.Body != nil && json.NewDecoder(r.Body).Decode(&body) == nil {
			delete(body, field)
			b, _ := json.Marshal(body)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}
		srv.ServeHTTP(w, r)
	})
}

// The scenario needs every input honoured, or the model disagrees; the
// probes then run against an emulator that ignores one.
func TestInputsGuardNamesAnInputTheEmulatorIgnores(t *testing.T) {
	f, err := Read(fragment(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		input string
		srv   func(http.Handler) http.Handler
		want  map[string]string
	}{
		{"order", func(h http.Handler) http.Handler { return ignoring(h, "order") }, map[string]string{
			"inputs: listOrganizationCertificates query order": "the emulator answers the same with it as without it (tried asc, desc): honour it in contract/emulator",
			"inputs: listProjectCertificates query order":      "tried asc, desc",
		}},
		{"name", func(h http.Handler) http.Handler { return ignoringField(h, "name") }, map[string]string{
			"inputs: uploadCertificate body name": "the emulator answers the same with it as without it",
			"inputs: modifyCertificate body name": "the emulator answers the same with it as without it",
		}},
	} {
		t.Run(tc.input, func(t *testing.T) {
			srv := newEmulator(t)
			r := newRunner(f, srv)
			if err := r.scenario(); err != nil {
				t.Fatal(err)
			}
			r.sendable()
			r.srv = tc.srv(srv)
			for _, in := range f.Inputs {
				if in.Name != tc.input {
					continue
				}
				probe := r.probeBody
				if in.In == openapi3.ParameterInQuery {
					probe = r.probe
				}
				if err := probe(in); err != nil {
					t.Fatal(err)
				}
			}
			ex, err := ProjectExceptions()
			if err != nil {
				t.Fatal(err)
			}
			expect(t, without(Check(f, r.obs, ex), findings(t, fragment(t), newEmulator(t))), tc.want)
		})
	}
}

func TestEnumsGuardNamesANewValue(t *testing.T) {
	doc := fragment(t)
	order := doc.Components.Parameters["Order"].Value.Schema.Value
	order.Enum = append(order.Enum, "guard-drill")
	deleted := doc.Components.Schemas["DeleteCertificateResponse"].Value.Properties["object"].Value
	deleted.Enum = append(deleted.Enum, "guard-drill")
	expect(t, added(t, doc, newEmulator(t)), map[string]string{
		"enums: listOrganizationCertificates query order=guard-drill": "accept it in contract/emulator",
		"enums: listProjectCertificates query order=guard-drill":      "the emulator answers 400",
		"enums: DeleteCertificateResponse.object=guard-drill":         "allowed in deleteCertificate 200, never produced by the emulator",
	})
}

func TestExceptions(t *testing.T) {
	t.Run("a stale entry fails", func(t *testing.T) {
		expect(t, added(t, fragment(t), newEmulator(t), Exception{Guard: GuardInputs, Name: "getCertificate query guard_drill", Reason: "r"}), map[string]string{
			"exceptions: inputs getCertificate query guard_drill": "no longer finds it: remove the entry",
		})
	})
	for name, data := range map[string]string{
		"no reason":     "exceptions:\n  - {guard: responses, name: A.b}\n",
		"unknown guard": "exceptions:\n  - {guard: answers, name: A.b, reason: r}\n",
		"no name":       "exceptions:\n  - {guard: responses, reason: r}\n",
		"twice":         "exceptions:\n  - {guard: responses, name: A.b, reason: r}\n  - {guard: responses, name: A.b, reason: s}\n",
		"unknown key":   "exceptions:\n  - {guard: responses, name: A.b, reason: r, operations: [x]}\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseExceptions([]byte(data)); err == nil {
				t.Error("parsed")
			}
		})
	}
}

func TestReadRefusesWhatItCannotWalk(t *testing.T) {
	doc := fragment(t)
	doc.Components.Schemas["Certificate"].Value.AllOf = openapi3.SchemaRefs{openapi3.NewSchemaRef("", openapi3.NewObjectSchema())}
	if _, err := Read(doc); err == nil || !strings.Contains(err.Error(), "allOf") {
		t.Errorf("Read: %v, want an error naming allOf", err)
	}
}
