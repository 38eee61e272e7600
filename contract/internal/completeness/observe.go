package completeness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/curl"
	"github.com/certcontract/certcontract/contract/internal/model"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/stateful"
	"github.com/certcontract/certcontract/contract/testcert"
)

// Observed is what the emulator and the model did over a run of every
// operation: what the guards hold the fragment against.
type Observed struct {
	// produced are the properties the emulator answered with, by declaring
	// name, and the values each took.
	produced map[string]map[string]bool
	// unpredicted are properties the emulator answered with where the
	// model's expectation lacks them, with the places.
	unpredicted map[string][]string
	// uncelled are certificate fields the emulator answered with in an
	// answer of the field × answer table that has no cell for them.
	uncelled map[mutation.Field][]mutation.Answer
	// sent are the inputs the model's requests can carry, "op in name".
	sent map[string]bool
	// ignored are the inputs whose every value tried left the emulator's
	// answer as it was, with the values tried.
	ignored map[string][]string
	// refused are request enum values the emulator or the model does not
	// take, "op in name=value", with what each said.
	refused map[string]string
	// unknown are the fragment's operations the model has no Op for, so
	// that neither it nor this run sends them.
	unknown []string
}

const (
	basePath = "http://emulator" + emulator.BasePath
	key      = "sk-admin-completeness"
	project  = "proj_default"
)

// runner drives the emulator in process and the model side by side.
type runner struct {
	frag  *Fragment
	srv   http.Handler
	model *model.Model
	obs   *Observed
	ids   []string // the certificates uploaded, in order
	names []string // the names given
	pems  []string // the certificates' PEMs
}

// Observe runs every operation of the fragment against a fresh emulator
// and the model: uploads, both lists with every query parameter, get with
// and without content, a rename, the four toggles, a delete and refusals. An
// answer the model disagrees with is an error: the guards judge what the
// two produce, and the stateful phase is the place for their differences.
func Observe(f *Fragment) (*Observed, error) {
	srv, err := emulator.New(emulator.Config{Keys: []string{key}})
	if err != nil {
		return nil, err
	}
	return observe(f, srv)
}

func newRunner(f *Fragment, srv http.Handler) *runner {
	return &runner{frag: f, srv: srv, model: model.New(model.Config{Projects: emulator.DefaultProjects}), obs: &Observed{
		produced: map[string]map[string]bool{}, unpredicted: map[string][]string{}, uncelled: map[mutation.Field][]mutation.Answer{},
		sent: map[string]bool{}, ignored: map[string][]string{}, refused: map[string]string{},
	}}
}

func observe(f *Fragment, srv http.Handler) (*Observed, error) {
	r := newRunner(f, srv)
	if err := r.scenario(); err != nil {
		return nil, err
	}
	for _, op := range f.Operations {
		if !slices.Contains(model.Ops, model.Op(op)) {
			r.obs.unknown = append(r.obs.unknown, op)
		}
	}
	r.sendable()
	for _, in := range f.Inputs {
		if in.In == openapi3.ParameterInQuery && reads(in.Op) {
			if err := r.probe(in); err != nil {
				return nil, err
			}
		}
		for _, v := range in.Enum {
			if err := r.enumValue(in, v); err != nil {
				return nil, err
			}
		}
	}
	// Last: these change the organization behind the model's back.
	for _, in := range f.Inputs {
		if in.In == "body" {
			if err := r.probeBody(in); err != nil {
				return nil, err
			}
		}
	}
	return r.obs, nil
}

// scenario sends every operation, each answer of the field × answer table
// and a refusal or two. It leaves the organization holding c1, active for
// the organization and proj_default, and c2, active nowhere and renamed,
// for the probes.
func (r *runner) scenario() error {
	names := []*string{ptr("alpha"), nil, ptr("gamma")}
	for i, name := range names {
		// Each valid for a different time, so that a probe tells them apart.
		c, err := testcert.New(testcert.Options{NotAfter: time.Now().AddDate(0, 0, 90+i)})
		if err != nil {
			return err
		}
		r.pems = append(r.pems, c.PEM)
		if err := r.step(model.Request{Op: model.Upload, PEM: c.PEM, Name: name}); err != nil {
			return err
		}
	}
	c1, c2, c3 := r.ids[0], r.ids[1], r.ids[2]
	seq := []model.Request{
		{Op: model.ActivateOrganization, IDs: []string{c1, c2}},
		{Op: model.ActivateProject, Project: project, IDs: []string{c1, c3}},
		{Op: model.Get, CertificateID: c1},
		{Op: model.Get, CertificateID: c1, Include: []string{"content"}},
		{Op: model.Modify, CertificateID: c2, Name: ptr("beta")},
		{Op: model.ListOrganization},
		{Op: model.ListOrganization, Order: ptr("asc"), Limit: ptr(2)},
		{Op: model.ListProject, Project: project},
		{Op: model.ListProject, Project: project, Order: ptr("asc"), After: &c1},
		{Op: model.DeactivateOrganization, IDs: []string{c2}},
		{Op: model.DeactivateProject, Project: project, IDs: []string{c3}},
		{Op: model.Delete, CertificateID: c3},
		// Refusals, for the error body.
		{Op: model.Get, CertificateID: c3},
		{Op: model.ListOrganization, Limit: ptr(0)},
	}
	for _, req := range seq {
		if err := r.step(req); err != nil {
			return err
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// step sends req to the emulator and the model, and records what the
// emulator produced, what the model predicted, and the cells the answer
// needs.
func (r *runner) step(req model.Request) error {
	status, body := r.send(stateful.Wire(basePath, req))
	got, err := model.Decode(req.Op, status, body)
	if err != nil {
		return err
	}
	out := r.model.Step(req, got)
	if len(out.Diffs) > 0 {
		return fmt.Errorf("the emulator and the model disagree on %s: %s (the stateful phase finds such differences; fix them first)", req, strings.Join(out.Diffs, "; "))
	}
	if req.Op == model.Upload && status == http.StatusOK {
		r.ids = append(r.ids, got.Certificate.ID)
		if req.Name != nil {
			r.names = append(r.names, *req.Name)
		}
	}
	answer, want := decode(body), decode(wantBody(out.Want))
	place := fmt.Sprintf("%s %d", req.Op, status)
	predicted := map[string]bool{}
	r.frag.produced(string(req.Op), status, want, func(name string, _ any) { predicted[name] = true })
	r.frag.produced(string(req.Op), status, answer, func(name string, v any) {
		if r.obs.produced[name] == nil {
			r.obs.produced[name] = map[string]bool{}
		}
		if s, ok := v.(string); ok {
			r.obs.produced[name][s] = true
		}
		if !predicted[name] && !slices.Contains(r.obs.unpredicted[name], place) {
			r.obs.unpredicted[name] = append(r.obs.unpredicted[name], place)
		}
	})
	if a := answerOf(req); a != "" && status == http.StatusOK {
		r.cells(a, answer)
	}
	return nil
}

func (r *runner) send(w curl.Request) (int, []byte) {
	req := httptest.NewRequest(w.Method, w.URL, bytes.NewReader(w.Body))
	req.Header = w.Header.Clone()
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	r.srv.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func decode(body []byte) any {
	var v any
	_ = json.Unmarshal(body, &v)
	return v
}

// wantBody is the body of the model's expectation: Response prints as its
// status and its body as the wire carries it.
func wantBody(want model.Response) []byte {
	_, body, _ := strings.Cut(want.String(), " ")
	return []byte(body)
}

// answerOf is the answer of the field × answer table a request gets.
func answerOf(req model.Request) mutation.Answer {
	asc := req.Order != nil && *req.Order == "asc"
	switch {
	case req.Op == model.ListOrganization && asc:
		return mutation.AnswerOrgListAsc
	case req.Op == model.ListProject && asc:
		return mutation.AnswerProjectListAsc
	}
	return answers[req.Op]
}

// answers are the answers of the field × answer table by operation; a list
// is in descending order unless it asks for asc.
var answers = map[model.Op]mutation.Answer{
	model.Upload:                 mutation.AnswerUpload,
	model.Get:                    mutation.AnswerGet,
	model.Modify:                 mutation.AnswerModify,
	model.ListOrganization:       mutation.AnswerOrgListDesc,
	model.ListProject:            mutation.AnswerProjectListDesc,
	model.ActivateOrganization:   mutation.AnswerActivateOrg,
	model.DeactivateOrganization: mutation.AnswerDeactivateOrg,
	model.ActivateProject:        mutation.AnswerActivateProject,
	model.DeactivateProject:      mutation.AnswerDeactivateProject,
}

// cells notes every field a certificate of answer a carries that the field
// × answer table has no cell for: a field nobody checks in every answer.
func (r *runner) cells(a mutation.Answer, answer any) {
	certs := []any{answer}
	if m, ok := answer.(map[string]any); ok {
		if data, ok := m["data"].([]any); ok {
			certs = data
		}
	}
	have := map[mutation.Field]bool{}
	for _, c := range mutation.FieldCells() {
		if c.Answer == a {
			have[c.Field] = true
		}
	}
	for _, c := range certs {
		for _, f := range leaves(c) {
			if !have[f] && !slices.Contains(r.obs.uncelled[f], a) {
				r.obs.uncelled[f] = append(r.obs.uncelled[f], a)
			}
		}
	}
}

// leaves are the keys of every value in a JSON object that is no object
// itself, at any depth: the fields of a certificate as the table names them.
func leaves(v any) []mutation.Field {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var out []mutation.Field
	for k, v := range m {
		if _, nested := v.(map[string]any); nested {
			out = append(out, leaves(v)...)
		} else {
			out = append(out, mutation.Field(k))
		}
	}
	return out
}

// sendable finds the inputs the model's requests can carry: a request of
// every operation with every field of model.Request set, as the stateful
// phase sends it.
func (r *runner) sendable() {
	for _, op := range model.Ops {
		req := model.Request{Op: op}
		v := reflect.ValueOf(&req).Elem()
		for i := range v.NumField() {
			if f := v.Field(i); f.Type() != reflect.TypeFor[model.Op]() {
				fill(f, "probe")
			}
		}
		w := stateful.Wire(basePath, req)
		u, _ := url.Parse(w.URL)
		for name := range u.Query() {
			r.obs.sent[fmt.Sprintf("%s query %s", op, name)] = true
		}
		var body map[string]json.RawMessage
		_ = json.Unmarshal(w.Body, &body)
		for name := range body {
			r.obs.sent[fmt.Sprintf("%s body %s", op, name)] = true
		}
	}
}

// fill sets a field of model.Request to a value made from s; it reports
// whether it could.
func fill(f reflect.Value, s string) bool {
	t := f.Type()
	if t.Kind() == reflect.Pointer {
		v := reflect.New(t.Elem())
		if !fill(v.Elem(), s) {
			return false
		}
		f.Set(v)
		return true
	}
	switch t.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			n = 1
		}
		f.SetInt(n)
	case reflect.Bool:
		f.SetBool(s == "true")
	case reflect.Slice:
		if t.Elem().Kind() != reflect.String {
			return false
		}
		f.Set(reflect.ValueOf([]string{s}).Convert(t))
	default:
		return false
	}
	return true
}

// reads reports whether op reads without changing anything, so that the
// same request answers the same.
func reads(op string) bool {
	return op == string(model.ListOrganization) || op == string(model.ListProject) || op == string(model.Get)
}

// base is the request a query parameter's probe adds to.
func (r *runner) base(op string) model.Request {
	return model.Request{Op: model.Op(op), Project: project, CertificateID: r.ids[0]}
}

// probe tells whether the emulator honours a query parameter of a reading
// operation: some value the parameter's schema allows must change the
// answer to the same request without it. The organization holds active and
// inactive certificates, named and not, so a filter, a page size, an order,
// a cursor or an extra field all show.
func (r *runner) probe(in Input) error {
	w := stateful.Wire(basePath, r.base(in.Op))
	status, without := r.send(w)
	if status != http.StatusOK {
		return fmt.Errorf("%s: %d without %s", in.Op, status, in.Name)
	}
	values := r.candidates(in.Schema)
	for _, v := range values {
		u, _ := url.Parse(w.URL)
		q := u.Query()
		q.Set(in.Name, v)
		u.RawQuery = q.Encode()
		w.URL = u.String()
		if status, with := r.send(w); status == http.StatusOK && !bytes.Equal(with, without) {
			return nil
		}
	}
	r.obs.ignored[in.String()] = values
	return nil
}

// candidates are the values a probe tries for a parameter: every value its
// schema allows where it lists them, else its bounds and default, both
// booleans, and the organization's ids, names and projects.
func (r *runner) candidates(s *openapi3.Schema) []string {
	if s.Type.Is(openapi3.TypeArray) && s.Items != nil {
		s = s.Items.Value
	}
	var out []string
	add := func(v any) {
		if str := fmt.Sprint(v); !slices.Contains(out, str) {
			out = append(out, str)
		}
	}
	for _, v := range s.Enum {
		add(v)
	}
	if len(out) > 0 {
		return out
	}
	switch {
	case s.Type.Is(openapi3.TypeBoolean):
		add(true)
		add(false)
	case s.Type.Is(openapi3.TypeInteger) || s.Type.Is(openapi3.TypeNumber):
		for _, v := range []*float64{s.Min, s.Max} {
			if v != nil {
				add(int64(*v))
			}
		}
		if s.Default != nil {
			add(s.Default)
		}
		add(1)
		add(2)
	default:
		for _, v := range slices.Concat(r.ids, r.names, emulator.DefaultProjects, r.pems) {
			add(v)
		}
	}
	return out
}

// probeBody tells whether the emulator honours a request-body property:
// some value its schema allows, in place of the one a request has or
// added to it, must change the answer beyond what changes between two
// sends of the same request (a new certificate's id and created_at).
func (r *runner) probeBody(in Input) error {
	base, ok := r.bodyBase(in.Op)
	if !ok {
		return nil // an operation the model does not know: the checks guard names it
	}
	w := stateful.Wire(basePath, base)
	status, first := r.send(w)
	_, again := r.send(w)
	if status != http.StatusOK {
		return fmt.Errorf("%s: %d to %s", in.Op, status, w.Body)
	}
	baseline := flatten(decode(first), "")
	volatile := map[string]bool{}
	for k, v := range flatten(decode(again), "") {
		if baseline[k] != v {
			volatile[k] = true
		}
	}
	values := r.candidates(in.Schema)
	for _, v := range values {
		var body map[string]any
		if err := json.Unmarshal(w.Body, &body); err != nil {
			return err
		}
		body[in.Name] = typed(in.Schema, v)
		sent := w
		sent.Body, _ = json.Marshal(body)
		status, answer := r.send(sent)
		if status != http.StatusOK {
			continue
		}
		got := flatten(decode(answer), "")
		for k := range maps.Keys(merged(got, baseline)) {
			if !volatile[k] && baseline[k] != got[k] && !(isNow(baseline[k]) && isNow(got[k])) {
				return nil
			}
		}
	}
	r.obs.ignored[in.String()] = values
	return nil
}

// isNow tells whether a flattened value is a Unix time within a minute of
// now: the time of the request itself (an upload's created_at), which two
// identical requests share only when no second boundary falls between
// them, so it is no evidence that an input was honoured.
func isNow(v string) bool {
	n, err := strconv.ParseInt(v, 10, 64)
	return err == nil && time.Since(time.Unix(n, 0)).Abs() < time.Minute
}

// bodyBase is a request of op the emulator accepts, leaving c1 active and
// c2 inactive whatever it toggles.
func (r *runner) bodyBase(op string) (model.Request, bool) {
	req := model.Request{Op: model.Op(op), Project: project}
	switch req.Op {
	case model.Upload:
		req.PEM = r.pems[0]
	case model.Modify:
		req.CertificateID = r.ids[1]
	case model.ActivateOrganization, model.ActivateProject:
		req.IDs = r.ids[:1]
	case model.DeactivateOrganization, model.DeactivateProject:
		req.IDs = r.ids[1:2]
	default:
		return req, false
	}
	return req, true
}

// typed is a candidate value as its schema's type puts it in JSON.
func typed(s *openapi3.Schema, v string) any {
	switch {
	case s.Type.Is(openapi3.TypeArray) && s.Items != nil:
		return []any{typed(s.Items.Value, v)}
	case s.Type.Is(openapi3.TypeInteger) || s.Type.Is(openapi3.TypeNumber):
		n, _ := strconv.ParseFloat(v, 64)
		return n
	case s.Type.Is(openapi3.TypeBoolean):
		return v == "true"
	}
	return v
}

func merged(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// flatten is every value of a JSON document by its path, such as
// data.0.certificate_details.valid_at.
func flatten(v any, path string) map[string]string {
	out := map[string]string{}
	switch v := v.(type) {
	case map[string]any:
		for k, item := range v {
			maps.Copy(out, flatten(item, path+"."+k))
		}
	case []any:
		for i, item := range v {
			maps.Copy(out, flatten(item, path+"."+strconv.Itoa(i)))
		}
	default:
		b, _ := json.Marshal(v)
		out[path] = string(b)
	}
	return out
}

// enumValue sends a request enum value through the model's own request, to
// the emulator and the model: both must take it, and agree on the answer.
// A value the model cannot send is the inputs guard's to name.
func (r *runner) enumValue(in Input, value string) error {
	name := fmt.Sprintf("%s=%s", in, value)
	req, ok := r.carrying(in, value)
	if !ok {
		if r.obs.sent[in.String()] {
			r.obs.refused[name] = "the model's requests cannot carry this value"
		}
		return nil
	}
	status, body := r.send(stateful.Wire(basePath, req))
	got, err := model.Decode(req.Op, status, body)
	if err != nil {
		return err
	}
	out := r.model.Step(req, got)
	switch {
	case status != http.StatusOK:
		r.obs.refused[name] = fmt.Sprintf("the emulator answers %d %s", status, bytes.TrimSpace(body))
	case len(out.Diffs) > 0:
		r.obs.refused[name] = "the model expects " + out.Want.String()
	}
	return nil
}

// carrying is a request of in's operation that the model's wire sends with
// in set to value: each field of model.Request is tried in turn.
func (r *runner) carrying(in Input, value string) (model.Request, bool) {
	base := r.base(in.Op)
	t := reflect.TypeFor[model.Request]()
	for i := range t.NumField() {
		req := base
		f := reflect.ValueOf(&req).Elem().Field(i)
		if f.Type() == reflect.TypeFor[model.Op]() || !fill(f, value) {
			continue
		}
		if carries(stateful.Wire(basePath, req), in, value) {
			return req, true
		}
	}
	return base, false
}

// carries reports whether a request sends value as in, alone or in an array.
func carries(w curl.Request, in Input, value string) bool {
	if in.In == openapi3.ParameterInQuery {
		u, _ := url.Parse(w.URL)
		return slices.Contains(u.Query()[in.Name], value)
	}
	var body map[string]any
	_ = json.Unmarshal(w.Body, &body)
	switch v := body[in.Name].(type) {
	case []any:
		return slices.Contains(v, any(value))
	default:
		return v == any(value)
	}
}
