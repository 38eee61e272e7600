package model_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/internal/model"
	"github.com/certcontract/certcontract/contract/testcert"
)

var projects = []string{"proj_a", "proj_b"}

// now is the model's clock in these tests; certificates are made relative to
// the real clock, so it must be close to it.
var now = time.Now()

func newModel(shared bool) *model.Model {
	return model.New(model.Config{Projects: projects, Shared: shared, Now: func() time.Time { return now }})
}

// stored is a certificate as the tests' make-believe API stored it.
type stored struct {
	id        string
	name      *string
	createdAt int64
	cert      testcert.Certificate
}

func makeCert(t *testing.T, opts testcert.Options) testcert.Certificate {
	t.Helper()
	c, err := testcert.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// step sends req to the model with the answer given as status and JSON body.
func step(t *testing.T, m *model.Model, req model.Request, status int, body string) model.Outcome {
	t.Helper()
	got, err := model.Decode(req.Op, status, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return m.Step(req, got)
}

// agree fails unless the model accepts the answer.
func agree(t *testing.T, m *model.Model, req model.Request, status int, body string) {
	t.Helper()
	if o := step(t, m, req, status, body); len(o.Diffs) > 0 {
		t.Fatalf("%s answered %d %s\nthe model wants %s\ndiffs:\n  %s", req, status, body, o.Want, strings.Join(o.Diffs, "\n  "))
	}
}

// disagree fails unless the model rejects the answer with a diff containing
// each of want.
func disagree(t *testing.T, m *model.Model, req model.Request, status int, body string, want ...string) {
	t.Helper()
	o := step(t, m, req, status, body)
	joined := strings.Join(o.Diffs, "\n")
	if len(o.Diffs) == 0 {
		t.Fatalf("%s answered %d %s: the model agrees, want a difference", req, status, body)
	}
	for _, w := range want {
		if !strings.Contains(joined, w) {
			t.Errorf("%s: diffs do not mention %q:\n%s", req, w, joined)
		}
	}
}

// apply moves the model through a request the tests do not look at the
// answer of: the model follows its own expectation whatever the answer.
func apply(m *model.Model, req model.Request) {
	m.Step(req, model.Response{Status: 200})
}

// upload stores a fresh certificate in the model, answered as a correct API
// would.
func upload(t *testing.T, m *model.Model, id string, createdAt int64, name string) stored {
	t.Helper()
	s := stored{id: id, createdAt: createdAt, cert: makeCert(t, testcert.Options{})}
	if name != "" {
		s.name = &name
	}
	agree(t, m, model.Request{Op: model.Upload, PEM: s.cert.PEM, Name: s.name}, 200, s.single(""))
	return s
}

func (s stored) fields() string {
	return fmt.Sprintf(`"id":%q,"name":%s,"created_at":%d`, s.id, js(s.name), s.createdAt)
}

func (s stored) details(content bool) string {
	d := fmt.Sprintf(`"valid_at":%d,"expires_at":%d`, s.cert.NotBefore.Unix(), s.cert.NotAfter.Unix())
	if content {
		d += `,"content":` + js(s.cert.PEM)
	}
	return `"certificate_details":{` + d + `}`
}

// single is the body of upload, get or modify; extra is appended as is.
func (s stored) single(extra string) string {
	return `{"object":"certificate",` + s.fields() + `,` + s.details(false) + extra + `}`
}

func (s stored) item(object string, active bool) string {
	return fmt.Sprintf(`{"object":%q,%s,%s,"active":%t}`, object, s.fields(), s.details(false), active)
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// page is a list body of items, with its cursors taken from them.
func page(hasMore bool, ids []string, items ...string) string {
	first, last := "null", "null"
	if len(ids) > 0 {
		first, last = js(ids[0]), js(ids[len(ids)-1])
	}
	return fmt.Sprintf(`{"object":"list","data":[%s],"has_more":%t,"first_id":%s,"last_id":%s}`,
		strings.Join(items, ","), hasMore, first, last)
}

func errorBody(typ, param, code string) string {
	null := func(s string) string {
		if s == "" {
			return "null"
		}
		return js(s)
	}
	return fmt.Sprintf(`{"error":{"message":"something","type":%q,"param":%s,"code":%s}}`, typ, null(param), null(code))
}

func ptr[T any](v T) *T { return &v }

var testcertDefaults = testcert.Options{}
