package main

import (
	"strings"
	"testing"
	"time"
)

func TestLogSinkFlushesOnItsOwnAndOnClose(t *testing.T) {
	var out syncBuffer
	sink := newLogSink(&out)
	if _, err := sink.Write([]byte("first\n")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * flushEvery)
	for out.String() != "first\n" {
		if time.Now().After(deadline) {
			t.Fatalf("a line still unwritten after %v: %q", 10*flushEvery, out.String())
		}
		time.Sleep(flushEvery / 4)
	}
	if _, err := sink.Write([]byte("last\n")); err != nil {
		t.Fatal(err)
	}
	sink.Close()
	if got := out.String(); !strings.HasSuffix(got, "last\n") {
		t.Fatalf("Close left a line unwritten: %q", got)
	}
}
