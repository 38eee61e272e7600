package contract_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
)

// retryTransport rides out a real API's rate limiting: a 429 or 503 is retried
// after its Retry-After, a few times, so a busy live organization does not
// fail specs that have nothing to do with rate limits. It sits below the
// validator, which therefore sees only the final answer, and leaves alone the
// faults a spec forces on purpose.
type retryTransport struct {
	next     http.RoundTripper
	attempts int
	maxWait  time.Duration
}

func (t retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if err != nil || attempt >= t.attempts || req.Header.Get(emulator.FaultHeader) != "" ||
			(resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
			return resp, err
		}
		wait := time.Second
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		if req.GetBody == nil && req.Body != nil && req.Body != http.NoBody {
			return resp, nil // the body is spent; let the spec see the answer
		}
		_ = resp.Body.Close()
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(min(wait, t.maxWait)):
		}
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
	}
}

var _ = Describe("Riding out rate limits on a remote API", func() {
	// answers replies in turn, then keeps repeating the last one.
	serve := func(statuses ...int) (url string, hits *atomic.Int32) {
		hits = &atomic.Int32{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := int(hits.Add(1))
			// A retry that lost the body shows up as a 400 the spec does not want.
			if body, _ := io.ReadAll(r.Body); string(body) != `{"x":1}` {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(statuses[min(n, len(statuses))-1])
		}))
		DeferCleanup(srv.Close)
		return srv.URL, hits
	}

	DescribeTable("retries 429 and 503 only while it may",
		func(ctx SpecContext, statuses []int, forced bool, want int, wantHits int32) {
			url, hits := serve(statuses...)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"x":1}`))
			Expect(err).NotTo(HaveOccurred())
			if forced {
				req.Header.Set(emulator.FaultHeader, "429")
			}
			rt := retryTransport{next: http.DefaultTransport, attempts: 3, maxWait: time.Millisecond}
			resp, err := rt.RoundTrip(req)
			Expect(err).NotTo(HaveOccurred())
			_ = resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(want))
			Expect(hits.Load()).To(Equal(wantHits))
		},
		Entry("a 429 then success", []int{429, 200}, false, 200, int32(2)),
		Entry("a 503 then success", []int{503, 200}, false, 200, int32(2)),
		Entry("a 500 is final", []int{500, 200}, false, 500, int32(1)),
		Entry("429 until attempts run out", []int{429}, false, 429, int32(3)),
		Entry("a fault forced on purpose", []int{429, 200}, true, 429, int32(1)),
	)
})
