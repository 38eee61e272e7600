package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestCeilingSendsTheEmulatorsBytes is the regression of a ceiling that
// answered the page chunked: without the emulator's Content-Length, net/http
// frames a body of this size differently, and the ceiling measured other
// bytes than the emulator sends.
func TestCeilingSendsTheEmulatorsBytes(t *testing.T) {
	body := strings.Repeat("x", 4139)
	a := answer{header: http.Header{
		"Content-Type":   {"application/json"},
		"Content-Length": {"4139"},
		"X-Request-Id":   {"req_0123456789abcdef"},
	}, body: []byte(body)}
	c, err := startCeiling(a)
	if err != nil {
		t.Fatal(err)
	}
	defer c.stop()

	conn, err := net.Dial("tcp", c.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for range 2 { // the second answer too, on the same connection
		if _, err := io.WriteString(conn, "GET /v1/organization/certificates?limit=20 HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.TransferEncoding != nil || resp.ContentLength != 4139 || string(got) != body {
			t.Fatalf("transfer encoding %v, length %d, %d bytes of body; want the body as is with its length", resp.TransferEncoding, resp.ContentLength, len(got))
		}
		for _, h := range []string{"Content-Type", "X-Request-Id"} {
			if resp.Header.Get(h) != a.header.Get(h) {
				t.Errorf("%s: %q, want %q", h, resp.Header.Get(h), a.header.Get(h))
			}
		}
	}
}
