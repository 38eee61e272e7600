package emulator

import (
	"bytes"
	"net/http"
)

// heldAnswer keeps an answer's status and body instead of sending them, for
// an answer mutation to edit (editAnswer) or a connection fault to lose;
// its headers are the real writer's.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldAnswer) Header() http.Header         { return h.header }
func (h *heldAnswer) WriteHeader(status int)      { h.status = status }
func (h *heldAnswer) Write(p []byte) (int, error) { return h.body.Write(p) }
