package emulator

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// A list answer from an envelope's kept forms is byte for byte the one
// marshalling the generated envelope per request gives, for every form and
// for ids json.Marshal escapes (which take the marshalling path).
func TestKeptEnvelopesAnswerAsMarshalling(t *testing.T) {
	name := "a <name>"
	items := []store.Item{
		{Certificate: &store.Certificate{ID: "cert_a", Name: &name, CreatedAt: 1, ValidAt: 2, ExpiresAt: 3}, Active: true},
		{Certificate: &store.Certificate{ID: "cert_b", CreatedAt: 4, ValidAt: 5, ExpiresAt: 6}},
	}
	pages := [][]store.Item{nil, items[:1], items}
	// Each an id json.Marshal escapes, alone and as a page's last.
	for _, id := range []string{`cert_"`, `cert_\`, "cert_<", "cert_>", "cert_&", "cert_é", "cert_\x01", "cert_\x7f", "cert_\u2028", "cert_\xff"} {
		odd := store.Item{Certificate: &store.Certificate{ID: id, CreatedAt: 7, ValidAt: 8, ExpiresAt: 9}}
		pages = append(pages, []store.Item{odd}, []store.Item{items[0], odd})
	}
	envelopes := map[string]*envelope{
		"organization page": organizationPage, "project page": projectPage,
		"organization activation": organizationActivation, "organization deactivation": organizationDeactivation,
		"project activation": projectActivation, "project deactivation": projectDeactivation,
	}
	for name, e := range envelopes {
		for _, page := range pages {
			for _, hasMore := range []bool{false, true} {
				for _, project := range []bool{false, true} {
					first, last := pageEnds(store.Page{Items: page})
					kept, marshalled := httptest.NewRecorder(), httptest.NewRecorder()
					writeList(kept, e, first, last, hasMore, page, project)
					writeMarshalledList(marshalled, e.build(first, last, hasMore), page, project)
					if kept.Code != marshalled.Code || !bytes.Equal(kept.Body.Bytes(), marshalled.Body.Bytes()) {
						t.Errorf("%s, %d items, has_more %v: %d %s; marshalled %d %s", name, len(page), hasMore,
							kept.Code, kept.Body, marshalled.Code, marshalled.Body)
					}
				}
			}
		}
	}
	if f := organizationPage.forms[1][1]; f == nil || len(f.holes) != 3 {
		t.Errorf("the page's form with ids has holes %v, want the items, first_id and last_id", f)
	}
}
