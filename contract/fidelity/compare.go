package fidelity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Check names what kind of difference a divergence is; allow-list entries
// name the checks they cover.
type Check string

const (
	CheckStatus     Check = "status"      // another status
	CheckHeader     Check = "header"      // Content-Type, or Retry-After or X-Request-Id present on one side only
	CheckError      Check = "error"       // another error type, code or param
	CheckValue      Check = "value"       // another value of a field
	CheckMissing    Check = "missing"     // a field the recording has and the replay lacks
	CheckExtra      Check = "extra"       // a field the replay has and the recording lacks
	CheckType       Check = "type"        // a field of another JSON type
	CheckID         Check = "id"          // an id that refers to another certificate
	CheckItems      Check = "items"       // a list holding other certificates, or in another order
	CheckBody       Check = "body"        // a body that is not JSON and differs
	CheckTimestamp  Check = "timestamp"   // a timestamp that is not whole seconds on one side
	CheckNoResponse Check = "no-response" // the replay got no answer
)

// Divergence is one difference between a recorded answer and the replayed one.
type Divergence struct {
	Check Check `json:"check"`
	// Field is where in the body, such as data[1].active or error.code;
	// the header's name for CheckHeader; empty for the status.
	Field    string `json:"field,omitempty"`
	Recorded string `json:"recorded"`
	Replayed string `json:"replayed"`
	// AllowedBy names the allow-list entry that expects this divergence.
	AllowedBy string `json:"allowedBy,omitempty"`
}

// answer is one side of an exchange, as compared.
type answer struct {
	status  int
	headers map[string]string // lower-case names: content-type, retry-after, x-request-id
	has     map[string]bool
	body    []byte
	// sent and answered bound the exchange on the clock of the side that
	// made it: the recorder's, or the replay's.
	sent, answered time.Time
}

// Fields compared by role rather than by value.
var (
	idFields = []string{"id", "first_id", "last_id"}
	// created_at is when the server stored the certificate, different in
	// every run. valid_at and expires_at are read from the certificate the
	// replay sends unchanged, so they are compared by value.
	timeFields = []string{"created_at"}
	// Page fields describe the whole list; they are compared only when
	// every item of the page is comparable.
	pageFields = []string{"first_id", "last_id", "has_more"}
)

// comparison compares one exchange.
type comparison struct {
	m *mapper
	// uncomparable are recorded ids whose presence in a list says nothing
	// about the emulator: certificates the recording did not create
	// (foreign) or touched by another process at the same moment.
	uncomparable map[string]string // id -> why
	// interchangeable says whether two recorded certificates may be listed
	// in either order.
	interchangeable func(a, b string) bool
	// cursor is the recorded certificate a page continues after (its
	// after); "" for a first page.
	cursor string
	// upload says the exchange stored the certificate it answers with, so
	// its created_at is the exchange's own time.
	upload bool
	// rec and rep are when each side's exchange happened.
	rec, rep window
	out      []Divergence
	notes    []string
}

func (c *comparison) diverge(check Check, field, recorded, replayed string) {
	c.out = append(c.out, Divergence{Check: check, Field: field, Recorded: recorded, Replayed: replayed})
}

func (c *comparison) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !slices.Contains(c.notes, n) {
		c.notes = append(c.notes, n)
	}
}

func (c *comparison) compare(rec, rep answer) {
	c.rec, c.rep = window{rec.sent, rec.answered}, window{rep.sent, rep.answered}
	if rec.status != rep.status {
		c.diverge(CheckStatus, "", strconv.Itoa(rec.status), strconv.Itoa(rep.status))
		return
	}
	if a, b := mediaType(rec.headers["content-type"]), mediaType(rep.headers["content-type"]); a != b {
		c.diverge(CheckHeader, "Content-Type", a, b)
	}
	for _, h := range []string{"Retry-After", "X-Request-Id"} {
		k := strings.ToLower(h)
		if rec.has[k] != rep.has[k] {
			c.diverge(CheckHeader, h, presence(rec.has[k]), presence(rep.has[k]))
		}
	}
	c.body(rec.body, rep.body)
}

func presence(b bool) string {
	if b {
		return "present"
	}
	return "absent"
}

func mediaType(ct string) string {
	if ct == "" {
		return "(none)"
	}
	t, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ct
	}
	return t
}

func decodeJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

func (c *comparison) body(rec, rep []byte) {
	if len(rec) == 0 && len(rep) == 0 {
		return
	}
	r, okR := decodeJSON(rec)
	p, okP := decodeJSON(rep)
	if !okR || !okP {
		if want := c.m.translate(string(rec)); want != string(rep) {
			c.diverge(CheckBody, "", excerpt(rec), excerpt(rep))
		}
		return
	}
	c.walk("", r, p)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func lastKey(path string) string {
	if i := strings.LastIndexAny(path, ".]"); i >= 0 {
		return path[i+1:]
	}
	return path
}

func (c *comparison) walk(path string, r, p any) {
	key := lastKey(path)
	switch {
	case slices.Contains(idFields, key):
		c.id(path, r, p)
		return
	case slices.Contains(timeFields, key):
		c.timestamp(path, r, p)
		return
	case path == "error.message":
		if s, ok := r.(string); ok && s != "" {
			if s, ok := p.(string); !ok || s == "" {
				c.diverge(CheckValue, path, "a message", show(p))
			}
		}
		return
	}
	if kindOf(r) != kindOf(p) {
		check := CheckType
		if strings.HasPrefix(path, "error.") {
			check = CheckError // a code or param that is null on one side is another code or param
		}
		c.diverge(check, path, kindOf(r)+" "+show(r), kindOf(p)+" "+show(p))
		return
	}
	switch r := r.(type) {
	case map[string]any:
		c.object(path, r, p.(map[string]any))
	case []any:
		c.array(path, r, p.([]any))
	case string:
		if want := c.m.translate(r); want != p.(string) {
			c.value(path, strconv.Quote(r), strconv.Quote(p.(string)))
		}
	default:
		if show(r) != show(p) {
			c.value(path, show(r), show(p))
		}
	}
}

func (c *comparison) value(path, rec, rep string) {
	check := CheckValue
	if strings.HasPrefix(path, "error.") {
		check = CheckError
	}
	c.diverge(check, path, rec, rep)
}

func (c *comparison) object(path string, r, p map[string]any) {
	// A list's items are compared as certificates, by id; the page fields
	// only when every item was comparable and no certificate of the
	// organization was uncomparable at that moment: has_more speaks of the
	// certificates past the page too, and one that another process changed
	// meanwhile, or that only the recording held, may stand there.
	listed, complete := false, true
	if items, ok := r["data"].([]any); ok && isCertificateList(items) {
		if reps, ok := p["data"].([]any); ok {
			listed, complete = true, c.list(join(path, "data"), items, reps) && len(c.uncomparable) == 0
		}
	}
	// The recorded fields, then the replay's extra ones, each sorted.
	keys := slices.Sorted(maps.Keys(r))
	var extra []string
	for k := range p {
		if _, ok := r[k]; !ok {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	keys = append(keys, extra...)
	for _, k := range keys {
		if (k == "data" && listed) || (!complete && slices.Contains(pageFields, k)) {
			continue
		}
		rv, inR := r[k]
		pv, inP := p[k]
		switch {
		case !inP:
			c.diverge(CheckMissing, join(path, k), show(rv), "(absent)")
		case !inR:
			c.diverge(CheckExtra, join(path, k), "(absent)", show(pv))
		default:
			c.walk(join(path, k), rv, pv)
		}
	}
}

// array compares a plain array item by item.
func (c *comparison) array(path string, r, p []any) {
	if len(r) != len(p) {
		c.diverge(CheckValue, path, fmt.Sprintf("%d items %s", len(r), show(r)), fmt.Sprintf("%d items %s", len(p), show(p)))
		return
	}
	for i := range r {
		c.walk(fmt.Sprintf("%s[%d]", path, i), r[i], p[i])
	}
}

func isCertificateList(items []any) bool {
	for _, it := range items {
		if o, ok := it.(map[string]any); !ok || o["id"] == nil {
			return false
		}
	}
	return true
}

func idOf(item any) string {
	if o, ok := item.(map[string]any); ok {
		if s, ok := o["id"].(string); ok {
			return s
		}
	}
	return ""
}

// list compares the certificates of a page: the same ones, in the same order,
// with the same fields. Certificates the recording could not have in common
// with the replay are left out; it reports false when any was, because then
// the page as a whole (its size, first_id, last_id, has_more) says nothing.
func (c *comparison) list(path string, rec, rep []any) (complete bool) {
	var recIDs, repIDs []string
	recByID, repByID := map[string]any{}, map[string]any{}
	left := 0
	aside := c.besideCursor(rec, rep)
	for _, it := range rec {
		id := idOf(it)
		if why, ok := c.uncomparable[id]; ok {
			left++
			c.note("%s: %s", id, why)
			continue
		}
		if aside[id] {
			left++
			c.note("%s: %s", id, c.besideCursorWhy())
			continue
		}
		recIDs = append(recIDs, id)
		recByID[id] = it
	}
	for _, it := range rep {
		id := idOf(it)
		if orig, ok := c.m.back[id]; ok {
			if _, skip := c.uncomparable[orig]; skip {
				left++
				continue
			}
			if aside[orig] {
				left++
				c.note("%s: %s", orig, c.besideCursorWhy())
				continue
			}
		}
		repIDs = append(repIDs, id)
		repByID[id] = it
	}
	want := make([]string, len(recIDs))
	for i, id := range recIDs {
		want[i] = c.m.translate(id)
	}
	if left > 0 {
		// Membership says nothing now; the order of what both hold still does.
		common := func(ids, other []string) []string {
			var out []string
			for _, id := range ids {
				if slices.Contains(other, id) {
					out = append(out, id)
				}
			}
			return out
		}
		want, repIDs = common(want, repIDs), common(repIDs, want)
	}
	if !c.sameOrder(want, repIDs) {
		// The replayed ids are shown as the recorded certificates they stand
		// for, so the two lists read side by side.
		as := make([]string, len(repIDs))
		for i, id := range repIDs {
			if orig, ok := c.m.back[id]; ok {
				as[i] = orig
			} else {
				as[i] = id + " (not in the recording)"
			}
		}
		c.diverge(CheckItems, path, idList(recIDs, len(rec)), idList(as, len(rep)))
	}
	for _, id := range recIDs {
		if p, ok := repByID[c.m.translate(id)]; ok {
			c.walk(path+"["+id+"]", recByID[id], p)
		}
	}
	return left == 0
}

// besideCursor returns the certificates (recorded ids) that only one side's
// page holds and that another process uploaded at the same moment as the
// page's cursor. Which of the two the server stored first decides which side
// of the cursor such a certificate lies, and the replay stores them in the
// order their uploads started: one side's page after the cursor holds it,
// the other's does not and holds the next certificate instead. A
// certificate both pages hold is compared as any other.
func (c *comparison) besideCursor(rec, rep []any) map[string]bool {
	if c.cursor == "" || c.interchangeable == nil {
		return nil
	}
	inRec, inRep := map[string]bool{}, map[string]bool{}
	for _, it := range rec {
		inRec[idOf(it)] = true
	}
	for _, it := range rep {
		if orig, ok := c.m.back[idOf(it)]; ok {
			inRep[orig] = true
		}
	}
	out := map[string]bool{}
	for _, pair := range [][2]map[string]bool{{inRec, inRep}, {inRep, inRec}} {
		for id := range pair[0] {
			if !pair[1][id] && c.interchangeable(id, c.cursor) {
				out[id] = true
			}
		}
	}
	return out
}

func (c *comparison) besideCursorWhy() string {
	return "uploaded at the same moment as the cursor " + c.cursor + " by another process, so which side of it the server put it is down to timing"
}

// sameOrder reports whether the replay listed the certificates the recording
// listed (want, in replayed ids), in the same order, but for certificates
// that may take each other's places: which of two certificates uploaded at
// the same moment the server stored first decides their order, and at a
// page's edge which of them the page holds.
func (c *comparison) sameOrder(want, got []string) bool {
	if slices.Equal(want, got) {
		return true
	}
	if len(want) != len(got) || c.interchangeable == nil {
		return false
	}
	swappable := func(a, b string) bool { return c.interchangeable(c.m.back[a], c.m.back[b]) }
	var onlyWant, onlyGot, common []string
	for _, id := range want {
		if slices.Contains(got, id) {
			common = append(common, id)
		} else {
			onlyWant = append(onlyWant, id)
		}
	}
	for _, id := range got {
		if !slices.Contains(want, id) {
			onlyGot = append(onlyGot, id)
		}
	}
	for i := range onlyWant {
		if !swappable(onlyWant[i], onlyGot[i]) {
			return false
		}
	}
	pos := make(map[string]int, len(got))
	for i, id := range got {
		pos[id] = i
	}
	for i, a := range common {
		for _, b := range common[i+1:] {
			if pos[b] < pos[a] && !swappable(a, b) {
				return false
			}
		}
	}
	return true
}

func idList(ids []string, total int) string {
	s := fmt.Sprintf("%s [%s]", plural(len(ids), "certificate", "certificates"), strings.Join(ids, ", "))
	if len(ids) != total {
		s += fmt.Sprintf(" of %d on the page", total)
	}
	return s
}

// id compares an id by the certificate it refers to.
func (c *comparison) id(path string, r, p any) {
	rs, okR := r.(string)
	ps, okP := p.(string)
	if !okR || !okP {
		if show(r) != show(p) {
			c.diverge(CheckID, path, show(r), show(p))
		}
		return
	}
	if want, ok := c.m.ids[rs]; ok {
		orig := c.m.back[ps]
		if want != ps && (c.interchangeable == nil || !c.interchangeable(rs, orig)) {
			c.diverge(CheckID, path, rs+" (replayed as "+want+")", ps)
		}
		return
	}
	if orig, ok := c.m.back[ps]; ok {
		c.diverge(CheckID, path, rs, ps+" (the replay of "+orig+")")
	}
	// Neither side is known: a certificate created right here (an upload's
	// answer), or an id the request named that no certificate has.
}

func wholeSeconds(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	_, err := n.Int64()
	return err == nil
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}

// show renders a JSON value for a report, long ones cut.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return excerpt(b)
}

const excerptLen = 160

func excerpt(b []byte) string {
	s := string(b)
	if len(s) > excerptLen {
		return s[:excerptLen] + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return s
}
