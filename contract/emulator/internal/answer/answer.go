// Package answer writes the emulator's JSON answers and holds one back for
// whoever must change or lose it before it is sent: an answer mutation
// (contract/emulator/internal/mutant) or a connection fault.
package answer

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// Held keeps an answer's status and body instead of sending them; its
// headers are the real writer's.
type Held struct {
	header http.Header
	Status int
	Body   bytes.Buffer
}

// Hold returns a Held answer whose headers are w's, with status 200 until
// the answer says otherwise.
func Hold(w http.ResponseWriter) *Held { return &Held{header: w.Header(), Status: http.StatusOK} }

func (h *Held) Header() http.Header         { return h.header }
func (h *Held) WriteHeader(status int)      { h.Status = status }
func (h *Held) Write(p []byte) (int, error) { return h.Body.Write(p) }

// Send writes the held answer to w as it was.
func (h *Held) Send(w http.ResponseWriter) {
	w.WriteHeader(h.Status)
	_, _ = w.Write(h.Body.Bytes())
}

// contentTypeJSON is shared by every answer: net/http only reads a header's
// values, and a capacity of one makes an append copy them.
var contentTypeJSON = []string{"application/json"}

// WriteJSON answers status with v as its JSON body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Every value written is a generated model, which always marshals.
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	WriteBody(w, status, body)
}

// WriteBody answers status with body, a JSON document. The headers are
// assigned under their canonical names, as Set would store them, without
// Set's new slice for a value that never changes.
func WriteBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
