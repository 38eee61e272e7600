package stateful

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/certcontract/certcontract/contract/curl"
	"github.com/certcontract/certcontract/contract/model"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/contract/validator"
)

// sequence is one drawn sequence against one organization.
type sequence struct {
	ctx   context.Context
	cfg   *Config
	n     int
	key   string
	model *model.Model

	labels    map[string]string // certificate id -> c1, c2, ... in upload order
	created   []string          // every id an upload answered with
	removed   map[string]bool
	foreignID string
	fillPEM   string
	filling   bool

	steps      []*step
	divergence *divergence
}

// step is one request and its answer.
type step struct {
	req       model.Request
	wire      curl.Request
	status    int
	requestID string
	label     string // the label an upload's answer got
	fill      bool   // one of the uploads of a fill
}

// divergence is where the target and the model part.
type divergence struct {
	headline string // what diverged, as the report says it
	list     string // the list the check after the last step read; "" when the answer itself diverged
	diffs    []string
	got      string
	want     string
	note     string
	reads    []curl.Request // the requests the check made
	readIDs  []string       // and their x-request-ids
}

func newSequence(ctx context.Context, cfg *Config, n int) *sequence {
	return &sequence{
		ctx: ctx, cfg: cfg, n: n, key: cfg.Organization(n),
		model:   model.New(model.Config{Projects: cfg.Projects, Shared: cfg.Shared}),
		labels:  map[string]string{},
		removed: map[string]bool{},
	}
}

func (s *sequence) run(t *rapid.T) {
	actions := map[string]func(*rapid.T){
		"":                                   s.check,
		string(model.Upload):                 s.upload,
		string(model.Get):                    s.get,
		string(model.Modify):                 s.modify,
		string(model.Delete):                 s.delete,
		string(model.ListOrganization):       s.list(model.ListOrganization),
		string(model.ListProject):            s.list(model.ListProject),
		string(model.ActivateOrganization):   s.toggle(model.ActivateOrganization),
		string(model.DeactivateOrganization): s.toggle(model.DeactivateOrganization),
		string(model.ActivateProject):        s.toggle(model.ActivateProject),
		string(model.DeactivateProject):      s.toggle(model.DeactivateProject),
	}
	if !s.cfg.Shared {
		// The 50 limit after deletions needs a full organization; on a
		// shared one the phase never takes that much room.
		actions["fill to the limit"] = s.fill
	}
	t.Repeat(actions)
}

// Kinds of certificate an upload sends; most are valid, so that sequences
// get somewhere.
const (
	pemValid   = "valid"
	pemGarbage = "garbage"
	pemExpired = "expired"
	pemChain   = "a chain"
)

func (s *sequence) pem(t *rapid.T, kind string) string {
	issue := func(opts testcert.Options) string {
		c, err := testcert.New(opts)
		if err != nil {
			t.Fatalf("making a certificate: %v", err)
		}
		return c.PEM
	}
	switch kind {
	case pemGarbage:
		return "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
	case pemExpired:
		now := time.Now()
		return issue(testcert.Options{NotBefore: now.Add(-30 * 24 * time.Hour), NotAfter: now.Add(-time.Hour)})
	case pemChain:
		return issue(testcert.Options{}) + issue(testcert.Options{})
	}
	return issue(testcert.Options{})
}

func (s *sequence) name(t *rapid.T, what string) *string {
	if !s.cfg.Shared && !rapid.Bool().Draw(t, what+" named") {
		return nil
	}
	n := s.cfg.Name(fmt.Sprintf("s%d-%d", s.n, len(s.steps)+1))
	return &n
}

func (s *sequence) upload(t *rapid.T) {
	if s.cfg.Shared && len(s.model.IDs()) >= MaxOwnedShared {
		t.Skip("enough certificates of its own on a shared organization")
	}
	kind := rapid.SampledFrom([]string{pemValid, pemValid, pemValid, pemValid, pemGarbage, pemExpired, pemChain}).Draw(t, "certificate")
	s.do(t, model.Request{Op: model.Upload, PEM: s.pem(t, kind), Name: s.name(t, "upload")}, false)
}

// fill uploads one certificate, under one name, until the organization
// holds 50: one action, so that a shrunk sequence stays short, and one loop
// in the reproduction.
func (s *sequence) fill(t *rapid.T) {
	missing := model.MaxCertificates - len(s.model.IDs())
	if missing <= 0 {
		t.Skip("already full")
	}
	// Rarer than the other actions: a full organization makes every later
	// step dearer, and most sequences are about something else.
	if rapid.IntRange(0, 3).Draw(t, "fill now") != 0 {
		t.Skip("not this time")
	}
	if s.fillPEM == "" {
		s.fillPEM = s.pem(t, pemValid)
	}
	req := model.Request{Op: model.Upload, PEM: s.fillPEM, Name: s.name(t, "fill")}
	s.filling = true
	defer func() { s.filling = false }()
	for range missing {
		if !s.do(t, req, false) {
			return
		}
	}
}

// Where an id comes from.
const (
	idOwn     = "own"
	idDeleted = "deleted"
	idUnknown = "unknown"
	idForeign = "another organization's"
)

// drawID draws a certificate id: mostly one of the sequence's own, else one
// it deleted, one nobody has, or one of another organization. ok says it is
// one of its own.
func (s *sequence) drawID(t *rapid.T, label string) (id string, ok bool) {
	own, deleted := s.model.IDs(), s.model.Deleted()
	var kinds []string
	if len(own) > 0 {
		kinds = append(kinds, idOwn, idOwn, idOwn)
	}
	if len(deleted) > 0 {
		kinds = append(kinds, idDeleted)
	}
	kinds = append(kinds, idUnknown)
	if s.cfg.Foreign != nil {
		kinds = append(kinds, idForeign)
	}
	switch rapid.SampledFrom(kinds).Draw(t, label+" kind") {
	case idOwn:
		return rapid.SampledFrom(own).Draw(t, label), true
	case idDeleted:
		return rapid.SampledFrom(deleted).Draw(t, label), false
	case idForeign:
		return s.foreign(t), false
	}
	return s.cfg.UnknownID, false
}

// foreign is a certificate of another organization, uploaded on first use.
func (s *sequence) foreign(t *rapid.T) string {
	if s.foreignID == "" {
		r := wire(s.cfg.BaseURL, model.Request{Op: model.Upload, PEM: s.pem(t, pemValid)})
		resp, body, err := send(s.ctx, s.cfg.Client, s.cfg.Foreign(s.n), r)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("uploading a certificate to another organization: %v %s", err, body)
		}
		got, err := model.Decode(model.Upload, resp.StatusCode, body)
		if err != nil {
			t.Fatalf("uploading a certificate to another organization: %v", err)
		}
		s.foreignID = got.Certificate.ID
	}
	return s.foreignID
}

func (s *sequence) get(t *rapid.T) {
	id, own := s.drawID(t, "certificate_id")
	includes := []string{"none", "content"}
	if own {
		includes = append(includes, "private_key") // one mistake at a time
	}
	req := model.Request{Op: model.Get, CertificateID: id}
	include := rapid.SampledFrom(includes).Draw(t, "include")
	if include != "none" {
		req.Include = []string{include}
	}
	s.do(t, req, include == "private_key")
}

func (s *sequence) modify(t *rapid.T) {
	id, _ := s.drawID(t, "certificate_id")
	s.do(t, model.Request{Op: model.Modify, CertificateID: id, Name: s.name(t, "rename")}, false)
}

func (s *sequence) delete(t *rapid.T) {
	id, _ := s.drawID(t, "certificate_id")
	s.do(t, model.Request{Op: model.Delete, CertificateID: id}, false)
}

// Mistakes a list request can make, one at a time.
const (
	listRight          = "right"
	listLimitZero      = "limit 0"
	listLimitOver      = "limit 101"
	listOrderSideways  = "order=sideways"
	listUnknownCursor  = "unknown cursor"
	listStaleCursor    = "deleted cursor"
	listUnknownProject = "unknown project"
)

func (s *sequence) list(op model.Op) func(*rapid.T) {
	return func(t *rapid.T) {
		req := model.Request{Op: op}
		mistakes := []string{listRight, listRight, listRight, listRight, listRight, listLimitZero, listLimitOver, listOrderSideways, listUnknownCursor}
		if len(s.model.Deleted()) > 0 {
			mistakes = append(mistakes, listStaleCursor)
		}
		if op == model.ListProject {
			req.Project = rapid.SampledFrom(s.cfg.Projects).Draw(t, "project_id")
			mistakes = append(mistakes, listUnknownProject)
		}
		mistake := rapid.SampledFrom(mistakes).Draw(t, "mistake")
		req.Limit = rapid.SampledFrom([]*int{nil, ptr(1), ptr(2), ptr(3), ptr(model.MaxLimit)}).Draw(t, "limit")
		req.Order = rapid.SampledFrom([]*string{nil, ptr("asc"), ptr("desc")}).Draw(t, "order")
		if own := s.model.IDs(); len(own) > 0 && rapid.Bool().Draw(t, "after one") {
			req.After = ptr(rapid.SampledFrom(own).Draw(t, "after"))
		}
		switch mistake {
		case listLimitZero:
			req.Limit = ptr(0)
		case listLimitOver:
			req.Limit = ptr(model.MaxLimit + 1)
		case listOrderSideways:
			req.Order = ptr("sideways")
		case listUnknownCursor:
			req.After = ptr(s.cfg.UnknownID)
		case listStaleCursor:
			req.After = ptr(rapid.SampledFrom(s.model.Deleted()).Draw(t, "deleted after"))
		case listUnknownProject:
			req.Project = s.cfg.UnknownProject
		}
		s.do(t, req, mistake == listLimitZero || mistake == listLimitOver || mistake == listOrderSideways)
	}
}

// Mistakes a toggle can make, one at a time.
const (
	toggleRight          = "right"
	toggleUnknownID      = "one unknown id"
	toggleDeletedID      = "one deleted id"
	toggleForeignID      = "one id of another organization"
	toggleNoIDs          = "no ids"
	toggleElevenIDs      = "11 ids"
	toggleUnknownProject = "unknown project"
)

func (s *sequence) toggle(op model.Op) func(*rapid.T) {
	return func(t *rapid.T) {
		req := model.Request{Op: op}
		own := s.model.IDs()
		mistakes := []string{toggleRight, toggleRight, toggleRight, toggleRight, toggleUnknownID, toggleNoIDs}
		if len(own) > 0 {
			mistakes = append(mistakes, toggleElevenIDs)
		}
		if len(s.model.Deleted()) > 0 {
			mistakes = append(mistakes, toggleDeletedID)
		}
		if s.cfg.Foreign != nil {
			mistakes = append(mistakes, toggleForeignID)
		}
		if op == model.ActivateProject || op == model.DeactivateProject {
			req.Project = rapid.SampledFrom(s.cfg.Projects).Draw(t, "project_id")
			mistakes = append(mistakes, toggleUnknownProject)
		}
		mistake := rapid.SampledFrom(mistakes).Draw(t, "mistake")
		if len(own) > 0 {
			// Repeats allowed: a repeated id is answered once.
			n := rapid.IntRange(1, min(4, model.MaxBatch)).Draw(t, "batch size")
			for i := range n {
				req.IDs = append(req.IDs, rapid.SampledFrom(own).Draw(t, fmt.Sprintf("id %d", i)))
			}
		}
		odd := ""
		switch mistake {
		case toggleRight, toggleUnknownProject:
			if len(own) == 0 {
				t.Skip("nothing to toggle yet")
			}
			if mistake == toggleUnknownProject {
				req.Project = s.cfg.UnknownProject
			}
		case toggleUnknownID:
			odd = s.cfg.UnknownID
		case toggleDeletedID:
			odd = rapid.SampledFrom(s.model.Deleted()).Draw(t, "deleted id")
		case toggleForeignID:
			odd = s.foreign(t)
		case toggleNoIDs:
			req.IDs = []string{}
		case toggleElevenIDs:
			for len(req.IDs) <= model.MaxBatch {
				req.IDs = append(req.IDs, own[len(req.IDs)%len(own)])
			}
		}
		if odd != "" {
			at := rapid.IntRange(0, len(req.IDs)).Draw(t, "odd one at")
			req.IDs = slices.Insert(req.IDs, at, odd)
		}
		s.do(t, req, mistake == toggleNoIDs || mistake == toggleElevenIDs)
	}
}

// do sends one request, compares the answer with the model and fails the
// sequence at the first divergence. breaksFragment marks requests the
// validating transport must see as deliberately invalid.
func (s *sequence) do(t *rapid.T, req model.Request, breaksFragment bool) bool {
	ctx := s.ctx
	if breaksFragment {
		ctx = validator.ExpectInvalidRequest(ctx)
	}
	st := &step{req: req, wire: wire(s.cfg.BaseURL, req), fill: s.filling}
	s.steps = append(s.steps, st)
	resp, body, err := send(ctx, s.cfg.Client, s.key, st.wire)
	if err != nil {
		if s.ctx.Err() != nil {
			t.Skip("interrupted")
		}
		s.diverge(t, &divergence{headline: "the exchange failed:", diffs: []string{err.Error()}})
		return false
	}
	st.status, st.requestID = resp.StatusCode, resp.Header.Get("X-Request-Id")
	got, err := model.Decode(req.Op, resp.StatusCode, body)
	if err != nil {
		s.diverge(t, &divergence{headline: "the answer cannot be read:", diffs: []string{err.Error()}, got: string(body)})
		return false
	}
	if req.Op == model.Upload && got.Certificate != nil && got.Certificate.ID != "" {
		id := got.Certificate.ID
		s.created = append(s.created, id)
		s.labels[id] = fmt.Sprintf("c%d", len(s.labels)+1)
		st.label = s.labels[id]
		if s.cfg.Created != nil {
			s.cfg.Created(s.key, id)
		}
	}
	if req.Op == model.Delete && resp.StatusCode == http.StatusOK {
		s.forget(req.CertificateID)
	}
	o := s.model.Step(req, got)
	if len(o.Diffs) > 0 {
		s.diverge(t, &divergence{headline: "the answer differs from the model:", diffs: o.Diffs, got: got.String(), want: o.Want.String(), note: o.Note})
		return false
	}
	return true
}

func (s *sequence) forget(id string) {
	s.removed[id] = true
	if s.cfg.Removed != nil {
		s.cfg.Removed(s.key, id)
	}
}

// check reads the organization list and every project's list to the end and
// compares them with the model, after every step, and before the first on a
// shared organization.
func (s *sequence) check(t *rapid.T) {
	if len(s.steps) == 0 && !s.cfg.Shared {
		return // an organization of its own starts empty
	}
	scopes := append([]string{""}, s.cfg.Projects...)
	for _, project := range scopes {
		op := model.ListOrganization
		if project != "" {
			op = model.ListProject
		}
		items, reads, readIDs, err := s.walk(op, project)
		if err != nil {
			if s.ctx.Err() != nil {
				t.Skip("interrupted")
			}
			s.diverge(t, &divergence{headline: "then reading " + listName(project) + " to the end failed:", list: listName(project),
				diffs: []string{err.Error()}, reads: reads, readIDs: readIDs})
			return
		}
		if diffs := s.model.CompareWalk(project, true, items); len(diffs) > 0 {
			s.diverge(t, &divergence{headline: "then " + listName(project) + ", read to the end, differs from the model:", list: listName(project),
				diffs: diffs, got: showItems(items), want: showItems(s.model.Walk(project, true)), reads: reads, readIDs: readIDs})
			return
		}
	}
}

func listName(project string) string {
	if project == "" {
		return "the organization list"
	}
	return "the list of project " + project
}

// walk reads a list in pages of 100, newest first.
func (s *sequence) walk(op model.Op, project string) (items []model.Item, reads []curl.Request, readIDs []string, err error) {
	req := model.Request{Op: op, Project: project, Limit: ptr(model.MaxLimit)}
	for range 100 {
		r := wire(s.cfg.BaseURL, req)
		reads = append(reads, r)
		resp, body, err := send(s.ctx, s.cfg.Client, s.key, r)
		if err != nil {
			return nil, reads, readIDs, err
		}
		readIDs = append(readIDs, resp.Header.Get("X-Request-Id"))
		got, err := model.Decode(op, resp.StatusCode, body)
		if err != nil {
			return nil, reads, readIDs, err
		}
		if got.List == nil {
			return nil, reads, readIDs, fmt.Errorf("%d %s", resp.StatusCode, body)
		}
		items = append(items, got.List.Data...)
		if !got.List.HasMore || got.List.LastID == nil {
			return items, reads, readIDs, nil
		}
		req.After = got.List.LastID
	}
	return nil, reads, readIDs, fmt.Errorf("%s did not end after 100 pages", listName(project))
}

// diverge records where the sequence failed and stops it. The message
// rapid compares while shrinking names only the operation and the field,
// without ids or positions, so that a shorter sequence failing the same way
// counts as the same failure.
func (s *sequence) diverge(t *rapid.T, d *divergence) {
	s.divergence = d
	op := "the check"
	if d.list == "" && len(s.steps) > 0 {
		op = string(s.steps[len(s.steps)-1].req.Op)
	}
	t.Fatalf("%s: %s", op, category(d.diffs))
}

var (
	idPattern    = regexp.MustCompile(`cert_[A-Za-z0-9_]+`)
	indexPattern = regexp.MustCompile(`\[\d+\]`)
)

func category(diffs []string) string {
	if len(diffs) == 0 {
		return "diverged"
	}
	field, _, _ := strings.Cut(diffs[0], ":")
	field = idPattern.ReplaceAllString(field, "<id>")
	return indexPattern.ReplaceAllString(field, "[]")
}

// cleanup removes what the sequence stored on a shared organization,
// deactivating it everywhere first. An organization of its own, on the
// emulator, is left as it is: nothing else ever reads it.
func (s *sequence) cleanup() {
	if !s.cfg.Shared {
		return
	}
	ctx := s.ctx
	if s.cfg.Quiet != nil {
		ctx = s.cfg.Quiet(ctx)
	}
	// Cleanup runs even when the run was interrupted: it gets a minute of
	// its own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	for _, id := range s.created {
		if s.removed[id] {
			continue
		}
		off := []model.Request{{Op: model.DeactivateOrganization, IDs: []string{id}}}
		for _, p := range s.cfg.Projects {
			off = append(off, model.Request{Op: model.DeactivateProject, Project: p, IDs: []string{id}})
		}
		for _, r := range off {
			_, _, _ = send(ctx, s.cfg.Client, s.key, wire(s.cfg.BaseURL, r))
		}
		resp, _, err := send(ctx, s.cfg.Client, s.key, wire(s.cfg.BaseURL, model.Request{Op: model.Delete, CertificateID: id}))
		if err == nil && (resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotFound) {
			s.forget(id)
		}
	}
}

// transcript is the sequence as drawn, one line per step, ids as labels.
func (s *sequence) transcript() []string {
	out := make([]string, len(s.steps))
	for i, st := range s.steps {
		out[i] = s.labelled(st.req.String())
	}
	return out
}

func ptr[T any](v T) *T { return &v }
