package fidelity

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/fidelity/har"
)

// Options configure a replay.
type Options struct {
	// Target is the base URL to replay against, such as
	// http://127.0.0.1:8080/v1. Empty: an emulator in this process, with the
	// recording's projects and its fault header on.
	Target string
	// Key is sent for every recorded organization. Empty: each recorded
	// organization gets a key of its own, sk-admin-replay-<run>-<n>, which
	// any emulator accepts.
	Key string
	// Projects maps recorded project ids to the target's; unlisted ones are
	// sent as recorded.
	Projects map[string]string
	// Client sends the replayed requests (default: one that follows no
	// redirect and gives up on an exchange after a minute).
	Client *http.Client
}

// Side is what one side of an exchange answered, for a report.
type Side struct {
	Status int    `json:"status"`
	Body   string `json:"body,omitempty"`
}

// Exchange is one recorded exchange and what its replay showed.
type Exchange struct {
	Entry     int    `json:"entry"` // position in the recording, from 1
	Process   int    `json:"process"`
	Sequence  int    `json:"sequence"`
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Path      string `json:"path"` // below the base URL, with the query, as recorded
	Recorded  Side   `json:"recorded"`
	Replayed  *Side  `json:"replayed,omitempty"`
	// Skipped says why the exchange was not replayed.
	Skipped     string       `json:"skipped,omitempty"`
	Divergences []Divergence `json:"divergences,omitempty"`
	// Notes say what was left out of the comparison and why.
	Notes []string `json:"notes,omitempty"`
	// fields are the folded paths of the recorded answer's fields, for a
	// group's count of exchanges that could diverge.
	fields map[string]bool
	// Follows is the entry of the first divergence in the same
	// organization, when there was one before: state the replay changed
	// differently makes later answers differ too, so the first one is where
	// to look.
	Follows int `json:"follows,omitempty"`
}

// Result is a whole replay.
type Result struct {
	Target      string     `json:"target"`
	RecordedRun string     `json:"recordedRun,omitempty"`
	ReplayRun   string     `json:"replayRun,omitempty"`
	Exchanges   []Exchange `json:"exchanges"`
}

const opUpload = "uploadCertificate"

// mutating are the operations that change an organization.
var mutating = []string{opUpload, "modifyCertificate", "deleteCertificate",
	"activateOrganizationCertificates", "deactivateOrganizationCertificates",
	"activateProjectCertificates", "deactivateProjectCertificates"}

var listing = []string{"listOrganizationCertificates", "listProjectCertificates"}

// Replay sends the recorded requests in order to the target and compares
// every answer with the recorded one. An error means the replay could not
// run at all; divergences are in the result.
func Replay(ctx context.Context, f *har.File, opts Options) (*Result, error) {
	log := &f.Log
	if len(log.Entries) == 0 {
		return nil, errors.New("the recording holds no exchange")
	}
	base := recordedBase(log)
	ops, err := newOperations(base)
	if err != nil {
		return nil, err
	}
	var recordedRun string
	var projects []string
	if log.Run != nil {
		recordedRun, projects = log.Run.ID, log.Run.Projects
	}
	target := strings.TrimSuffix(opts.Target, "/")
	if target == "" {
		emu, err := emulator.New(emulator.Config{Projects: projects, Faults: emulator.Faults{Header: true}})
		if err != nil {
			return nil, err
		}
		srv := httptest.NewServer(emu) // 127.0.0.1, a free port
		defer srv.Close()
		target = srv.URL + emulator.BasePath
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{
			Timeout:       time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}

	p := plan(log, ops, base)
	m := newMapper(recordedRun, opts.Key, opts.Projects)
	res := &Result{Target: target, RecordedRun: recordedRun, ReplayRun: m.replayRun}
	if opts.Target == "" {
		res.Target = "an emulator in this process"
	}
	lost := map[string]int{}            // recorded id -> entry whose upload the replay did not repeat
	firstDivergence := map[string]int{} // organization -> entry
	for i := range log.Entries {
		e := &log.Entries[i]
		x := Exchange{
			Entry: i + 1, Process: e.Process, Sequence: e.Sequence, Operation: p.op[i],
			Method: e.Request.Method, Path: below(base, e.Request.URL),
			Recorded: Side{Status: e.Response.Status, Body: excerpt([]byte(e.Response.Content.Text))},
		}
		x.Skipped = p.skip(e, lost)
		if x.Skipped == "" {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			rep, err := send(ctx, client, target, base, e, m)
			switch {
			case err != nil:
				x.Replayed = &Side{}
				x.Divergences = []Divergence{{Check: CheckNoResponse, Recorded: fmt.Sprint(e.Response.Status), Replayed: err.Error()}}
			default:
				x.Replayed = &Side{Status: rep.status, Body: excerpt(rep.body)}
				c := &comparison{m: m, uncomparable: p.uncomparable(i, lost), interchangeable: p.interchangeable,
					cursor: cursorOf(e), upload: p.op[i] == opUpload}
				recorded := recordedAnswer(e)
				x.fields = fieldsOf(recorded.body)
				c.compare(recorded, rep)
				x.Divergences, x.Notes = c.out, c.notes
			}
			if len(x.Divergences) > 0 {
				if n, ok := firstDivergence[org(e)]; ok {
					x.Follows = n
				} else {
					firstDivergence[org(e)] = i + 1
				}
			}
			if p.op[i] == opUpload && e.Response.Status == http.StatusOK {
				recID := p.created[i]
				if x.Replayed.Status == http.StatusOK && rep.body != nil {
					if v, ok := decodeJSON(rep.body); ok && idOf(v) != "" {
						m.bind(recID, idOf(v))
						recID = ""
					}
				}
				if recID != "" {
					lost[recID] = i + 1
				}
			}
		}
		res.Exchanges = append(res.Exchanges, x)
	}
	return res, nil
}

// recordedBase is the base URL the recording's paths hang below: what the
// recorder wrote down, or for a file another tool wrote, the host and /v1.
func recordedBase(l *har.Log) string {
	if l.Run != nil && l.Run.BaseURL != "" {
		return strings.TrimSuffix(l.Run.BaseURL, "/")
	}
	u, err := url.Parse(l.Entries[0].Request.URL)
	if err != nil {
		return ""
	}
	base := u.Scheme + "://" + u.Host
	if strings.HasPrefix(u.Path, emulator.BasePath+"/") {
		base += emulator.BasePath
	}
	return base
}

// below is a recorded URL's path and query below the base URL's path. Only
// the path counts: parallel processes each start an emulator of their own,
// on a port of its own.
func below(base, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	rest := u.RequestURI()
	if b, err := url.Parse(base); err == nil {
		if r, ok := strings.CutPrefix(rest, strings.TrimSuffix(b.Path, "/")); ok && (r == "" || r[0] == '/' || r[0] == '?') {
			return r
		}
	}
	return rest
}

// cursorOf is the certificate a recorded list request continues after, ""
// for none.
func cursorOf(e *har.Entry) string {
	u, err := url.Parse(e.Request.URL)
	if err != nil {
		return ""
	}
	return u.Query().Get("after")
}

func send(ctx context.Context, client *http.Client, target, base string, e *har.Entry, m *mapper) (answer, error) {
	var body io.Reader
	if e.Request.PostData != nil {
		b, err := e.Request.PostData.Body()
		if err != nil {
			return answer{}, err
		}
		if e.Request.PostData.Encoding == "" {
			b = []byte(m.translate(string(b)))
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, e.Request.Method, target+m.translate(below(base, e.Request.URL)), body)
	if err != nil {
		return answer{}, err
	}
	for _, h := range e.Request.Headers {
		switch strings.ToLower(h.Name) {
		case "host", "content-length", "connection", "accept-encoding", "transfer-encoding":
			continue // the transport sets these for the request it really sends
		}
		req.Header.Add(h.Name, m.translate(h.Value))
	}
	sent := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return answer{}, err
	}
	a := answer{status: resp.StatusCode, body: b, headers: map[string]string{}, has: map[string]bool{}, sent: sent, answered: time.Now()}
	for k, v := range resp.Header {
		k = strings.ToLower(k)
		a.headers[k], a.has[k] = v[0], true
	}
	return a, nil
}

func recordedAnswer(e *har.Entry) answer {
	body, _ := e.Response.Content.Body() // har.Read checked it decodes
	a := answer{status: e.Response.Status, body: body, headers: map[string]string{}, has: map[string]bool{},
		sent: e.StartedDateTime, answered: e.StartedDateTime.Add(time.Duration(e.Time * float64(time.Millisecond)))}
	for _, h := range e.Response.Headers {
		k := strings.ToLower(h.Name)
		if !a.has[k] {
			a.headers[k], a.has[k] = h.Value, true
		}
	}
	return a
}

// replayPlan is what a replay knows about the recording before sending
// anything: each entry's operation, the certificates the recording created,
// and which list items cannot be compared.
type replayPlan struct {
	entries []har.Entry
	op      []string
	created map[int]string // upload entry -> recorded id it created
	origin  map[string]int // recorded id -> upload entry that created it
	// foreign are certificates the recording's lists show but it never
	// created: the organization held them already, and the target does not.
	foreign map[string]bool
	// concurrent names, per list entry, the certificates another process of
	// the run changed in the same organization while the list was answered;
	// which state the list saw is down to timing.
	concurrent map[int]map[string]string
}

func plan(l *har.Log, ops *operations, base string) *replayPlan {
	p := &replayPlan{entries: l.Entries, op: make([]string, len(l.Entries)), created: map[int]string{},
		origin: map[string]int{}, foreign: map[string]bool{}, concurrent: map[int]map[string]string{}}
	createdIDs := p.origin
	for i, e := range l.Entries {
		p.op[i] = ops.name(e.Request.Method, base+below(base, e.Request.URL))
		if p.op[i] == opUpload && e.Response.Status == http.StatusOK {
			body, _ := e.Response.Content.Body()
			if v, ok := decodeJSON(body); ok && idOf(v) != "" {
				p.created[i] = idOf(v)
				createdIDs[idOf(v)] = i
			}
		}
	}
	for i, e := range l.Entries {
		if !slices.Contains(listing, p.op[i]) || e.Response.Status != http.StatusOK {
			continue
		}
		body, _ := e.Response.Content.Body()
		v, _ := decodeJSON(body)
		obj, _ := v.(map[string]any)
		items, _ := obj["data"].([]any)
		for _, it := range items {
			if id := idOf(it); id != "" {
				if _, ok := createdIDs[id]; !ok {
					p.foreign[id] = true
				}
			}
		}
	}
	for i, a := range l.Entries {
		if !slices.Contains(listing, p.op[i]) {
			continue
		}
		for j, b := range l.Entries {
			if b.Process == a.Process || !slices.Contains(mutating, p.op[j]) || !overlap(&a, &b) || org(&a) != org(&b) {
				continue
			}
			touched := tokensIn(b.Request.URL+" "+b.Request.PostData.String(), createdIDs)
			if id, ok := p.created[j]; ok {
				touched = append(touched, id)
			}
			for _, id := range touched {
				if p.concurrent[i] == nil {
					p.concurrent[i] = map[string]string{}
				}
				p.concurrent[i][id] = fmt.Sprintf("changed by process %d (entry %d) while this list was answered", b.Process, j+1)
			}
		}
	}
	return p
}

// interchangeable says whether two recorded certificates were uploaded by
// different processes at the same moment: which one the server stored first,
// and so their order in a list and which of them a page holds at its edge,
// is down to timing.
func (p *replayPlan) interchangeable(a, b string) bool {
	i, okA := p.origin[a]
	j, okB := p.origin[b]
	return okA && okB && p.entries[i].Process != p.entries[j].Process && overlap(&p.entries[i], &p.entries[j])
}

// uncomparable is what list entry i cannot be compared on.
func (p *replayPlan) uncomparable(i int, lost map[string]int) map[string]string {
	out := map[string]string{}
	for id, n := range lost {
		out[id] = fmt.Sprintf("entry %d created it in the recording but not in the replay", n)
	}
	for id := range p.foreign {
		out[id] = "a certificate this recording did not create"
	}
	for id, why := range p.concurrent[i] {
		out[id] = why
	}
	return out
}

// skip says why an entry cannot be replayed, or "".
func (p *replayPlan) skip(e *har.Entry, lost map[string]int) string {
	switch s := e.Response.Status; {
	case s == 0:
		return "no answer was recorded: " + e.Comment
	case (s == http.StatusTooManyRequests || s == http.StatusServiceUnavailable) && !hasHeader(e.Request.Headers, emulator.FaultHeader):
		return fmt.Sprintf("the recorded API answered %d on its own (a rate limit or an outage), which no replay can repeat", s)
	}
	request := e.Request.URL + " " + e.Request.PostData.String()
	for _, id := range token.FindAllString(request, -1) {
		if n, ok := lost[id]; ok {
			return fmt.Sprintf("uses %s, which entry %d created in the recording but not in the replay", id, n)
		}
		if p.foreign[id] {
			return fmt.Sprintf("uses %s, a certificate this recording did not create", id)
		}
	}
	return ""
}

func hasHeader(h []har.NameValue, name string) bool {
	_, ok := har.Header(h, name)
	return ok
}

func org(e *har.Entry) string {
	v, _ := har.Header(e.Request.Headers, "Authorization")
	return v
}

func overlap(a, b *har.Entry) bool {
	aEnd := a.StartedDateTime.Add(time.Duration(a.Time * float64(time.Millisecond)))
	bEnd := b.StartedDateTime.Add(time.Duration(b.Time * float64(time.Millisecond)))
	return !b.StartedDateTime.After(aEnd) && !a.StartedDateTime.After(bEnd)
}
