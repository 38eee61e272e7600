package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"sync"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// Lists are the hot path: reflecting over every item of every page would cost
// more than all the rest of a request. So each certificate's list items are
// encoded once, with package generated's item types, and kept in its Memo;
// the envelope, a generated ListCertificatesResponse or
// ListProjectCertificatesResponse, is marshalled once per form (ids or
// none, has_more or not) with an empty data array and marker ids, and the
// items and the page's ids are spliced into it. Both halves come from the
// generated types, so a new field of either in the fragment reaches the
// emulator's lists.

// emptyData is where the items go in a marshalled envelope. Its first
// occurrence is the envelope's own field: inside a JSON string a quote is
// always escaped, so `data":` cannot occur there, and an envelope has no
// other object with a data field.
var emptyData = []byte(`"data":[]`)

// The marker ids an envelope is marshalled with, where first_id and last_id
// go: json.Marshal writes a control character as \u00XX, so no other string
// of an envelope (its object, a constant) can read the same.
const firstMarker, lastMarker = "\x01", "\x02"

// envelope is one list answer's envelope: what builds it from a page's
// ends, and its forms marshalled once.
type envelope struct {
	build func(first, last *string, hasMore bool) any
	forms [2][2]*envelopeForm // [the page has ids][has_more]
}

// envelopeForm is a marshalled envelope cut where the items, first_id and
// last_id go; holes in the order they occur.
type envelopeForm struct {
	pieces [][]byte // len(holes)+1
	holes  []hole
}

type hole int

const (
	itemsHole hole = iota
	firstIDHole
	lastIDHole
)

// idMarkers are what an envelope marshalled with the marker ids holds at
// each id's hole.
var idMarkers = [...][]byte{firstIDHole: []byte(`"\u0001"`), lastIDHole: []byte(`"\u0002"`)}

// newEnvelope marshals build's four forms; a form that does not marshal,
// or lacks its data field, is left nil and answered as before, by
// marshalling the envelope per request (which answers a 500).
func newEnvelope(build func(first, last *string, hasMore bool) any) *envelope {
	e := &envelope{build: build}
	first, last := firstMarker, lastMarker
	for _, ids := range []bool{false, true} {
		for _, hasMore := range []bool{false, true} {
			var env []byte
			var err error
			if ids {
				env, err = json.Marshal(build(&first, &last, hasMore))
			} else {
				env, err = json.Marshal(build(nil, nil, hasMore))
			}
			if err == nil {
				e.forms[b2i(ids)][b2i(hasMore)] = cut(env)
			}
		}
	}
	return e
}

// cut finds the holes of a marshalled envelope; nil without its data field.
func cut(env []byte) *envelopeForm {
	at := bytes.Index(env, emptyData)
	if at < 0 {
		return nil
	}
	type found struct {
		at, end int
		hole    hole
	}
	holes := []found{{at + len(emptyData) - 1, at + len(emptyData) - 1, itemsHole}}
	for h := firstIDHole; h <= lastIDHole; h++ {
		if at := bytes.Index(env, idMarkers[h]); at >= 0 {
			holes = append(holes, found{at, at + len(idMarkers[h]), h})
		}
	}
	slices.SortFunc(holes, func(a, b found) int { return a.at - b.at })
	f := &envelopeForm{}
	from := 0
	for _, h := range holes {
		f.pieces = append(f.pieces, env[from:h.at])
		f.holes = append(f.holes, h.hole)
		from = h.end
	}
	f.pieces = append(f.pieces, env[from:])
	return f
}

// writeList answers a page, or an activation or deactivation (a list of
// items as well): first and last are the page's ends, nil for an empty
// page or an envelope without them.
func writeList(w http.ResponseWriter, e *envelope, first, last *string, hasMore bool, items []store.Item, project bool) {
	f := e.forms[b2i(first != nil)][b2i(hasMore)]
	if f == nil || (first != nil && !(plainJSON(*first) && plainJSON(*last))) {
		writeMarshalledList(w, e.build(first, last, hasMore), items, project)
		return
	}
	buf := listBuffers.Get().(*[]byte)
	defer listBuffers.Put(buf)
	body := append((*buf)[:0], f.pieces[0]...)
	for i, h := range f.holes {
		switch h {
		case itemsHole:
			body = appendItems(body, items, project)
		case firstIDHole:
			body = append(append(append(body, '"'), *first...), '"')
		case lastIDHole:
			body = append(append(append(body, '"'), *last...), '"')
		}
		body = append(body, f.pieces[i+1]...)
	}
	writeBody(w, http.StatusOK, body)
	*buf = body[:0]
}

// plainJSON says whether json.Marshal writes s as it is between quotes:
// printable ASCII but for what it escapes (quote, backslash, and <, >, &
// for HTML). The emulator's ids always are.
func plainJSON(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// writeMarshalledList answers a list whose envelope is marshalled now:
// envelope is the generated response with every field but Data set, and
// Data empty but not nil.
func writeMarshalledList(w http.ResponseWriter, envelope any, items []store.Item, project bool) {
	env, err := json.Marshal(envelope)
	at := bytes.Index(env, emptyData)
	if err != nil || at < 0 {
		// Generated envelopes always marshal, with their data field.
		internalError().write(w)
		return
	}
	at += len(emptyData) - 1 // at the closing bracket

	buf := listBuffers.Get().(*[]byte)
	defer listBuffers.Put(buf)
	body := appendItems(append((*buf)[:0], env[:at]...), items, project)
	body = append(body, env[at:]...)
	writeBody(w, http.StatusOK, body)
	*buf = body[:0]
}

// appendItems appends the items' encodings, comma-separated.
func appendItems(body []byte, items []store.Item, project bool) []byte {
	for i, it := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, listItem(it, project)...)
	}
	return body
}

// listBuffers recycle list bodies: once Write returns, net/http holds no
// reference to them.
var listBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// listItems are a certificate's encoded list items: [project scope][active].
type listItems [2][2][]byte

// listItem returns the certificate's encoded item, encoding all four forms
// the first time. A certificate never changes once stored (a rename stores
// a new one), so they never go stale; two requests racing here store equal
// values.
func listItem(it store.Item, project bool) []byte {
	enc, _ := it.Memo.Load().(*listItems)
	if enc == nil {
		enc = new(listItems)
		for _, active := range []bool{false, true} {
			// Items hold only strings, integers and booleans: marshalling cannot fail.
			enc[0][b2i(active)], _ = json.Marshal(organizationItem(store.Item{Certificate: it.Certificate, Active: active}))
			enc[1][b2i(active)], _ = json.Marshal(projectItem(store.Item{Certificate: it.Certificate, Active: active}))
		}
		it.Memo.Store(enc)
	}
	return enc[b2i(project)][b2i(it.Active)]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pageEnds are a page's first_id and last_id: null when it is empty.
func pageEnds(page store.Page) (first, last *string) {
	if len(page.Items) == 0 {
		return nil, nil
	}
	return &page.Items[0].ID, &page.Items[len(page.Items)-1].ID
}
