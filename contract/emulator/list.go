package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// Lists are the hot path: reflecting over every item of every page would cost
// more than all the rest of a request. So each certificate's list items are
// encoded once, with package generated's item types, and kept in its Memo;
// the envelope, a generated ListCertificatesResponse or
// ListProjectCertificatesResponse, is marshalled per request with an empty
// data array, and the items are spliced into it. Both halves come from the
// generated types, so a new field of either in the fragment reaches the
// emulator's lists.

// emptyData is where the items go in a marshalled envelope. Its first
// occurrence is the envelope's own field: inside a JSON string a quote is
// always escaped, so `data":` cannot occur there, and an envelope has no
// other object with a data field.
var emptyData = []byte(`"data":[]`)

// writeList answers a page, or an activation or deactivation (a list of
// items as well): envelope is the generated response with every field but
// Data set, and Data empty but not nil.
func writeList(w http.ResponseWriter, envelope any, items []store.Item, project bool) {
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
	body := append((*buf)[:0], env[:at]...)
	for i, it := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, listItem(it, project)...)
	}
	body = append(body, env[at:]...)
	writeBody(w, http.StatusOK, body)
	*buf = body[:0]
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
