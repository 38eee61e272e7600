package contract_test

import (
	"context"
	"net/http"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/generated"
)

// api builds clients for the target; every one sends through the suite's
// transport chain (suite.Transport).
type api struct {
	baseURL string
	http    *http.Client
}

func newAPI(baseURL string, hc *http.Client) *api {
	return &api{baseURL: baseURL, http: hc}
}

// client authenticates with key; an empty key sends no Authorization header.
func (a *api) client(key string) *generated.ClientWithResponses {
	GinkgoHelper()
	return a.clientWith(a.http, key)
}

// recordingClient is a client that also keeps the last response's headers,
// which the generated results do not expose uniformly.
func (a *api) recordingClient(key string) (*generated.ClientWithResponses, *lastResponse) {
	GinkgoHelper()
	last := &lastResponse{next: a.http.Transport}
	return a.clientWith(&http.Client{Transport: last, Timeout: a.http.Timeout}, key), last
}

func (a *api) clientWith(hc *http.Client, key string) *generated.ClientWithResponses {
	GinkgoHelper()
	opts := []generated.ClientOption{generated.WithHTTPClient(hc)}
	if key != "" {
		opts = append(opts, generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+key)
			return nil
		}))
	}
	c, err := generated.NewClientWithResponses(a.baseURL, opts...)
	Expect(err).NotTo(HaveOccurred())
	return c
}

type lastResponse struct {
	next http.RoundTripper
	mu   sync.Mutex
	h    http.Header
}

func (l *lastResponse) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err == nil {
		l.mu.Lock()
		l.h = resp.Header.Clone()
		l.mu.Unlock()
	}
	return resp, err
}

func (l *lastResponse) header() http.Header {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.h
}
