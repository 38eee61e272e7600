package emulator

import (
	"net"
	"net/http"

	"github.com/certcontract/certcontract/contract/emulator/internal/answer"
)

// playConnectionFault serves the request with serve (not at all for a
// reset), then breaks the connection as c says.
func playConnectionFault(w http.ResponseWriter, c ConnectionFault, serve func(http.ResponseWriter)) {
	held := answer.Hold(w)
	if c != FaultReset {
		serve(held)
	}
	rc := http.NewResponseController(w)
	if c == FaultTruncate {
		w.WriteHeader(held.Status)
		body := held.Body.Bytes()
		_, _ = w.Write(body[:len(body)/2])
		_ = rc.Flush()
	}
	conn, _, err := rc.Hijack()
	if err != nil {
		// HTTP/2, or a ResponseWriter that cannot give up its connection:
		// net/http's own way to abort, which drops the stream or the
		// connection without an answer.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok && c != FaultTruncate {
		// Discard what is unsent and send a reset rather than an orderly
		// close, as a crashed server or a dropped route does.
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
