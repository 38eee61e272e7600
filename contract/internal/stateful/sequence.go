package stateful

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"pgregory.net/rapid"

	"github.com/certcontract/certcontract/contract/internal/curl"
	"github.com/certcontract/certcontract/contract/internal/model"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/contract/validator"
)

// sequence is one drawn sequence against one organization.
type sequence struct {
	ctx    context.Context
	cfg    *Config
	n      int
	shared *runState
	key    string
	model  *model.Model

	labels      map[string]string // certificate id -> c1, c2, ... in upload order
	created     []string          // every id an upload answered with
	removed     map[string]bool
	sentForeign bool // the sequence sent the other organization's certificate
	fillPEM     string
	filling     bool

	steps      []*step
	divergence *divergence
	// last is the certificate the latest step was about: bugs live in what
	// happens to one certificate over several steps, so ids are drawn
	// from it often.
	last        string
	lastProject string
	// track follows the transitions the sequence applies, for the run's
	// coverage.
	track track
}

// stopper ends a sequence: rapid's T for drawn sequences, tourT for the
// tour's.
type stopper interface {
	Fatalf(format string, args ...any)
	Skip(args ...any)
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

func newSequence(ctx context.Context, cfg *Config, n int, run *runState) *sequence {
	if cfg.Mark != nil {
		ctx = cfg.Mark(ctx)
	}
	return &sequence{
		ctx: ctx, cfg: cfg, n: n, shared: run, key: cfg.Organization(n),
		model:   model.New(model.Config{Projects: cfg.Projects, Shared: cfg.Shared}),
		labels:  map[string]string{},
		removed: map[string]bool{},
	}
}

func (s *sequence) run(t *rapid.T) {
	t.Repeat(map[string]func(*rapid.T){
		"":     func(t *rapid.T) { s.check(t) },
		"step": s.step,
	})
}

// weights say how often each operation is drawn: the ones that change state
// most, and so make the sequences bugs live in, most often. Filling the
// organization to its limit is for an organization of its own only: a
// shared one never lends the phase that much room.
var weights = []struct {
	op     string
	weight int
}{
	{string(model.Get), 2},
	{string(model.Modify), 2},
	{string(model.ListOrganization), 4},
	{string(model.ListProject), 2},
	{string(model.Upload), 6},
	{string(model.Delete), 4},
	{string(model.ActivateOrganization), 4},
	{string(model.DeactivateOrganization), 4},
	{string(model.ActivateProject), 6},
	{string(model.DeactivateProject), 6},
	// A full organization makes every later step dearer: a sequence in
	// three fills it, often to the limit.
	{opFill, 1},
}

const opFill = "upload several"

// step draws one operation and sends it.
func (s *sequence) step(t *rapid.T) {
	var ops []string
	for _, w := range weights {
		if w.op != opFill || !s.cfg.Shared {
			ops = append(ops, slices.Repeat([]string{w.op}, w.weight)...)
		}
	}
	op := rapid.SampledFrom(ops).Draw(t, "operation")
	if !s.shared.spent {
		if s.shared.left <= 0 {
			// Skipped after a draw, the step counts as rejected, and rapid
			// soon ends the sequence.
			t.Skip("the run's steps are spent")
		}
		s.shared.left--
	}
	switch op {
	case string(model.Upload):
		s.upload(t)
	case opFill:
		s.fill(t)
	case string(model.Get):
		s.get(t)
	case string(model.Modify):
		s.modify(t)
	case string(model.Delete):
		s.delete(t)
	case string(model.ListOrganization), string(model.ListProject):
		s.list(t, model.Op(op))
	default:
		s.toggle(t, model.Op(op))
	}
}

// Kinds of certificate an upload sends; most are valid, so that sequences
// get somewhere.
const (
	pemValid   = "valid"
	pemGarbage = "garbage"
	pemExpired = "expired"
	pemChain   = "a chain"
	// pemUnfit is a CA certificate missing one published requirement.
	pemUnfit = "a CA missing a requirement"
)

// unfit are the CA certificates pemUnfit draws from, by what they miss;
// each is a kind of its own for pem.
var unfit = map[string]testcert.Options{
	"basic constraints CA:TRUE":  {NotCA: true},
	"Subject Key Identifier":     {NoSubjectKeyID: true},
	"Authority Key Identifier":   {NoAuthorityKeyID: true},
	"Certificate Sign, CRL Sign": {NoCertSign: true},
}

func (s *sequence) pem(t stopper, kind string) string {
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
	if opts, ok := unfit[kind]; ok {
		return issue(opts)
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
	kinds := append(slices.Repeat([]string{pemValid}, 8), pemGarbage, pemExpired, pemChain, pemUnfit)
	kind := rapid.SampledFrom(kinds).Draw(t, "certificate")
	if kind == pemUnfit {
		kind = rapid.SampledFrom(slices.Sorted(maps.Keys(unfit))).Draw(t, "missing")
	}
	s.do(t, model.Request{Op: model.Upload, PEM: s.pem(t, kind), Name: s.name(t, "upload")}, false)
}

// fill uploads one certificate several times under one name, in three
// draws of four until the organization holds 50: one step, so that a shrunk sequence
// stays short, and one loop in the reproduction. Shrinking turns a fill the
// failure does not need into a single upload.
func (s *sequence) fill(t *rapid.T) {
	missing := model.MaxCertificates - len(s.model.IDs())
	if missing <= 0 {
		t.Skip("already full")
	}
	n := missing
	if rapid.IntRange(0, 3).Draw(t, "to the limit") == 0 {
		n = rapid.IntRange(1, missing).Draw(t, "uploads")
	}
	if s.fillPEM == "" {
		s.fillPEM = s.pem(t, pemValid)
	}
	req := model.Request{Op: model.Upload, PEM: s.fillPEM, Name: s.name(t, "fill")}
	s.filling = true
	defer func() { s.filling = false }()
	for range n {
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

// Draws keep the same domain whatever the state, with a fallback where a
// choice has nothing to pick from: rapid shortens a sequence by dropping
// steps, and each later step must still mean what it meant, or the shorter
// sequence fails some other way and is thrown away.

// drawID draws a certificate id: mostly one of the sequence's own, else one
// it deleted, one nobody has, or one of another organization. ok says it is
// one of its own.
func (s *sequence) drawID(t *rapid.T, label string) (id string, ok bool) {
	kind := rapid.SampledFrom([]string{idOwn, idOwn, idOwn, idOwn, idDeleted, idUnknown, idForeign}).Draw(t, label+" kind")
	switch deleted := s.model.Deleted(); {
	case kind == idOwn && len(s.model.IDs()) > 0:
		return s.drawOwn(t, label), true
	case kind == idDeleted && len(deleted) > 0:
		return recent(t, deleted, label), false
	case kind == idForeign && s.cfg.Foreign != "":
		return s.foreign(t), false
	}
	return s.cfg.UnknownID, false
}

// drawOwn draws one of the sequence's own ids, the last one touched as
// often as all the others. The others are picked by upload, newest first,
// deleted ones counted too and passed over: dropping an older upload or a
// delete leaves the pick alone.
func (s *sequence) drawOwn(t *rapid.T, label string) string {
	own := s.model.IDs()
	if rapid.Bool().Draw(t, label+" is the last one") && slices.Contains(own, s.last) {
		return s.last
	}
	i := rapid.IntRange(0, 15).Draw(t, label)
	for k := range len(s.created) {
		id := s.created[len(s.created)-1-(i+k)%len(s.created)]
		if slices.Contains(own, id) {
			return id
		}
	}
	return own[0] // an upload the model took that the answer did not name
}

// recent picks one of ids by how recent it is, the newest first, so that
// dropping an older step leaves the pick alone.
func recent(t *rapid.T, ids []string, label string) string {
	i := rapid.IntRange(0, 15).Draw(t, label)
	return ids[len(ids)-1-i%len(ids)]
}

// drawMistake makes one request in four a mistake, one of mistakes; ""
// is a request without one. Shrinking leads towards no mistake.
func (s *sequence) drawMistake(t *rapid.T, mistakes []string) string {
	if rapid.IntRange(0, 3).Draw(t, "a mistake") < 3 {
		return ""
	}
	return rapid.SampledFrom(mistakes).Draw(t, "mistake")
}

// drawProject draws a project, as often the one the last project step
// was about as any: what one project's step does to another shows only
// over several steps.
func (s *sequence) drawProject(t *rapid.T) string {
	if rapid.Bool().Draw(t, "the last project") && s.lastProject != "" {
		return s.lastProject
	}
	return rapid.SampledFrom(s.cfg.Projects).Draw(t, "project_id")
}

// foreign is a certificate of another organization, uploaded on the run's
// first use.
func (s *sequence) foreign(t *rapid.T) string {
	if s.shared.foreignID == "" {
		r := Wire(s.cfg.BaseURL, model.Request{Op: model.Upload, PEM: s.pem(t, pemValid)})
		resp, body, err := send(s.ctx, s.cfg.Client, s.cfg.Foreign, r)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("uploading a certificate to another organization: %v %s", err, body)
		}
		got, err := model.Decode(model.Upload, resp.StatusCode, body)
		if err != nil {
			t.Fatalf("uploading a certificate to another organization: %v", err)
		}
		s.shared.foreignID = got.Certificate.ID
	}
	s.sentForeign = true
	return s.shared.foreignID
}

func (s *sequence) get(t *rapid.T) {
	id, own := s.drawID(t, "certificate_id")
	req := model.Request{Op: model.Get, CertificateID: id}
	include := rapid.SampledFrom([]string{"none", "content", "private_key"}).Draw(t, "include")
	if include == "private_key" && !own {
		include = "none" // one mistake at a time
	}
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
	listLimitZero      = "limit 0"
	listLimitOver      = "limit 101"
	listOrderSideways  = "order=sideways"
	listUnknownCursor  = "unknown cursor"
	listStaleCursor    = "deleted cursor"
	listUnknownProject = "unknown project"
)

func (s *sequence) list(t *rapid.T, op model.Op) {
	req := model.Request{Op: op}
	mistakes := []string{listLimitZero, listLimitOver, listOrderSideways, listUnknownCursor, listStaleCursor}
	if op == model.ListProject {
		req.Project = s.drawProject(t)
		mistakes = append(mistakes, listUnknownProject)
	}
	mistake := s.drawMistake(t, mistakes)
	req.Limit = rapid.SampledFrom([]*int{nil, ptr(1), ptr(2), ptr(3), ptr(model.MaxLimit)}).Draw(t, "limit")
	req.Order = rapid.SampledFrom([]*string{nil, ptr("asc"), ptr("desc")}).Draw(t, "order")
	// Mostly after a cursor: what pages do after a change shows there.
	if rapid.IntRange(0, 3).Draw(t, "from the start") != 0 && len(s.model.IDs()) > 0 {
		req.After = ptr(s.drawOwn(t, "after"))
	}
	switch mistake {
	case "":
	case listLimitZero:
		req.Limit = ptr(0)
	case listLimitOver:
		req.Limit = ptr(model.MaxLimit + 1)
	case listOrderSideways:
		req.Order = ptr("sideways")
	case listUnknownCursor:
		req.After = ptr(s.cfg.UnknownID)
	case listStaleCursor:
		req.After = ptr(s.cfg.UnknownID)
		if deleted := s.model.Deleted(); len(deleted) > 0 {
			req.After = ptr(recent(t, deleted, "deleted after"))
		}
	case listUnknownProject:
		req.Project = s.cfg.UnknownProject
	}
	s.do(t, req, mistake == listLimitZero || mistake == listLimitOver || mistake == listOrderSideways)
}

// Mistakes a toggle can make, one at a time.
const (
	toggleUnknownID      = "one unknown id"
	toggleDeletedID      = "one deleted id"
	toggleForeignID      = "one id of another organization"
	toggleNoIDs          = "no ids"
	toggleElevenIDs      = "11 ids"
	toggleUnknownProject = "unknown project"
)

func (s *sequence) toggle(t *rapid.T, op model.Op) {
	req := model.Request{Op: op}
	mistakes := []string{toggleUnknownID, toggleDeletedID, toggleForeignID, toggleNoIDs, toggleElevenIDs}
	if op == model.ActivateProject || op == model.DeactivateProject {
		req.Project = s.drawProject(t)
		mistakes = append(mistakes, toggleUnknownProject)
	}
	mistake := s.drawMistake(t, mistakes)
	// Repeats allowed: a repeated id is answered once.
	n := rapid.IntRange(1, 4).Draw(t, "batch size")
	own := s.model.IDs()
	if len(own) > 0 {
		for i := range n {
			req.IDs = append(req.IDs, s.drawOwn(t, fmt.Sprintf("id %d", i)))
		}
	}
	deleted := s.model.Deleted()
	switch {
	case mistake == toggleNoIDs, mistake == toggleElevenIDs && len(own) == 0:
		mistake, req.IDs = toggleNoIDs, []string{}
	case mistake == toggleElevenIDs:
		for len(req.IDs) <= model.MaxBatch {
			req.IDs = append(req.IDs, own[len(req.IDs)%len(own)])
		}
	case mistake == toggleDeletedID && len(deleted) > 0:
		req.IDs = s.insert(t, req.IDs, recent(t, deleted, "deleted id"))
	case mistake == toggleForeignID && s.cfg.Foreign != "":
		req.IDs = s.insert(t, req.IDs, s.foreign(t))
	case len(own) == 0, mistake != "" && mistake != toggleUnknownProject:
		// Nothing of its own to toggle yet: the unknown id is the mistake.
		req.IDs = s.insert(t, req.IDs, s.cfg.UnknownID)
	case mistake == toggleUnknownProject:
		req.Project = s.cfg.UnknownProject
	}
	s.do(t, req, mistake == toggleNoIDs || mistake == toggleElevenIDs)
}

// insert puts an id that is not the sequence's own somewhere in a batch.
func (s *sequence) insert(t *rapid.T, ids []string, odd string) []string {
	at := rapid.IntRange(0, len(ids)).Draw(t, "odd one at")
	return slices.Insert(ids, at, odd)
}

// do sends one request, compares the answer with the model and fails the
// sequence at the first divergence. breaksFragment marks requests the
// validating transport must see as deliberately invalid.
func (s *sequence) do(t stopper, req model.Request, breaksFragment bool) bool {
	ctx := s.ctx
	if breaksFragment {
		ctx = validator.ExpectInvalidRequest(ctx)
	}
	st := &step{req: req, wire: Wire(s.cfg.BaseURL, req), fill: s.filling}
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
	// Only steps that change one of the sequence's own certificates count
	// as touching it: reads and mistakes leave the last one alone, so that
	// dropping them while shrinking changes nothing that follows.
	switch own, toggle := s.model.IDs(), len(req.IDs) > 0; {
	case st.label != "":
		s.last = got.Certificate.ID
	case req.Op == model.Modify && slices.Contains(own, req.CertificateID):
		s.last = req.CertificateID
	case toggle && slices.Contains(own, req.IDs[0]):
		s.last = req.IDs[0]
		if slices.Contains(s.cfg.Projects, req.Project) {
			s.lastProject = req.Project
		}
	}
	before := s.model.IDs()
	o := s.model.Step(req, got)
	if !s.shared.spent {
		newID := ""
		if st.label != "" {
			newID = got.Certificate.ID
		}
		s.track.applied(s.shared.transitions, req, before, newID, o)
	}
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
func (s *sequence) check(t stopper) {
	if len(s.steps) == 0 && !s.cfg.Shared {
		return // an organization of its own starts empty
	}
	// The lists are read at once, each by its own goroutine: a check is
	// most of what a step costs.
	scopes := append([]string{""}, s.cfg.Projects...)
	walks := make([]walked, len(scopes))
	var wg sync.WaitGroup
	for i, project := range scopes {
		wg.Go(func() { walks[i] = s.walk(project) })
	}
	wg.Wait()
	for i, project := range scopes {
		w := walks[i]
		if w.err != nil {
			if s.ctx.Err() != nil {
				t.Skip("interrupted")
			}
			s.diverge(t, &divergence{headline: "then reading " + listName(project) + " to the end failed:", list: listName(project),
				diffs: []string{w.err.Error()}, reads: w.reads, readIDs: w.readIDs})
			return
		}
		if diffs := s.model.CompareWalk(project, true, w.items); len(diffs) > 0 {
			got, want, note := showWalk(w.items, s.model.Walk(project, true))
			s.diverge(t, &divergence{headline: "then " + listName(project) + ", read to the end, differs from the model:", list: listName(project),
				diffs: diffs, got: got, want: want, note: note, reads: w.reads, readIDs: w.readIDs})
			return
		}
	}
	if !s.shared.spent {
		s.track.read(s.shared.transitions)
	}
}

func listName(project string) string {
	if project == "" {
		return "the organization list"
	}
	return "the list of project " + project
}

// walked is a list read to the end: its certificates, or why it could not
// be read, and the requests that read it.
type walked struct {
	items   []model.Item
	reads   []curl.Request
	readIDs []string
	err     error
}

// walk reads a list in pages of 100, newest first; project "" is the
// organization list.
func (s *sequence) walk(project string) (w walked) {
	req := model.Request{Op: model.ListOrganization, Limit: ptr(model.MaxLimit)}
	if project != "" {
		req.Op, req.Project = model.ListProject, project
	}
	for range 100 {
		r := Wire(s.cfg.BaseURL, req)
		w.reads = append(w.reads, r)
		resp, body, err := send(s.ctx, s.cfg.Client, s.key, r)
		if err != nil {
			w.err = err
			return w
		}
		w.readIDs = append(w.readIDs, resp.Header.Get("X-Request-Id"))
		got, err := model.Decode(req.Op, resp.StatusCode, body)
		if err != nil {
			w.err = err
			return w
		}
		if got.List == nil {
			w.err = fmt.Errorf("%d %s", resp.StatusCode, body)
			return w
		}
		w.items = append(w.items, got.List.Data...)
		if !got.List.HasMore || got.List.LastID == nil {
			return w
		}
		req.After = got.List.LastID
	}
	w.err = fmt.Errorf("%s did not end after 100 pages", listName(project))
	return w
}

// diverge records where the sequence failed and stops it. The message
// rapid compares while shrinking names only the operation and the field,
// without ids or positions, so that a shorter sequence failing the same way
// counts as the same failure.
func (s *sequence) diverge(t stopper, d *divergence) {
	s.divergence = d
	s.shared.spent = true
	t.Fatalf("%s", s.failingAs())
}

// failingAs is how the sequence failed, as the message rapid compares.
func (s *sequence) failingAs() string {
	op, d := "the check", s.divergence
	if d.list == "" && len(s.steps) > 0 {
		op = string(s.steps[len(s.steps)-1].req.Op)
	}
	return fmt.Sprintf("%s: %s", op, category(d.diffs))
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
			_, _, _ = send(ctx, s.cfg.Client, s.key, Wire(s.cfg.BaseURL, r))
		}
		resp, _, err := send(ctx, s.cfg.Client, s.key, Wire(s.cfg.BaseURL, model.Request{Op: model.Delete, CertificateID: id}))
		if err == nil && (resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotFound) {
			s.forget(id)
		}
	}
}

// transcript is the sequence as drawn, one line per numbered step (a fill
// is one), ids as labels.
func (s *sequence) transcript() []string {
	groups := s.groups()
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = s.labelled(s.steps[g[0]].req.String())
		if len(g) > 1 {
			out[i] += fmt.Sprintf(" ×%d", len(g))
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }
