package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logSink batches log lines into few writes. Under load, one write per
// request line costs about as much as serving the request; batched, the lines
// reach the output within flushEvery, and all of them on close.
type logSink struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

const flushEvery = 100 * time.Millisecond

func newLogSink(w io.Writer) *logSink {
	s := &logSink{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go s.flushLoop()
	return s
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *logSink) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.w.Flush()
}

func (s *logSink) flushLoop() {
	defer close(s.done)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			s.flush()
		case <-s.stop:
			s.flush()
			return
		}
	}
}

// Close stops the flushing and writes out what is left.
func (s *logSink) Close() {
	close(s.stop)
	<-s.done
}
