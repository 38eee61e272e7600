package generated

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const fuzzKey = "sk-admin-fuzz0123456789SECRET"

// answerDoer answers every request with the same response, built anew each
// time, without a network: the fuzzer's answer to every attempt.
type answerDoer struct {
	status int
	header http.Header
	body   []byte

	mu       sync.Mutex
	requests int
}

func (d *answerDoer) Do(req *http.Request) (*http.Response, error) {
	d.mu.Lock()
	d.requests++
	d.mu.Unlock()
	return &http.Response{
		StatusCode:    d.status,
		Status:        fmt.Sprintf("%d %s", d.status, http.StatusText(d.status)),
		Header:        d.header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(d.body)),
		ContentLength: -1,
		Request:       req,
	}, nil
}

// fuzzCalls are the AdminClient calls the fuzzer picks from: the ten
// operations, then the two walks over every page. Each returns its result
// (nil on error) and the number of pages a walk asked for.
var fuzzCalls = []func(context.Context, *AdminClient) (any, error){
	func(ctx context.Context, c *AdminClient) (any, error) {
		return c.ListOrganizationCertificates(ctx, ListOptions{Limit: 2})
	},
	func(ctx context.Context, c *AdminClient) (any, error) { return c.UploadCertificate(ctx, "pem", "name") },
	func(ctx context.Context, c *AdminClient) (any, error) {
		return c.ActivateOrganizationCertificates(ctx, "cert_1")
	},
	func(ctx context.Context, c *AdminClient) (any, error) {
		return c.DeactivateOrganizationCertificates(ctx, "cert_1")
	},
	func(ctx context.Context, c *AdminClient) (any, error) { return c.GetCertificate(ctx, "cert_1", true) },
	func(ctx context.Context, c *AdminClient) (any, error) { return c.ModifyCertificate(ctx, "cert_1", "n") },
	func(ctx context.Context, c *AdminClient) (any, error) { return c.DeleteCertificate(ctx, "cert_1") },
	func(ctx context.Context, c *AdminClient) (any, error) {
		return c.ListProjectCertificates(ctx, "proj_1", ListOptions{})
	},
	func(ctx context.Context, c *AdminClient) (any, error) {
		return c.ActivateProjectCertificates(ctx, "proj_1", "cert_1")
	},
	func(ctx context.Context, c *AdminClient) (any, error) {
		return c.DeactivateProjectCertificates(ctx, "proj_1", "cert_1")
	},
	func(ctx context.Context, c *AdminClient) (any, error) {
		return walkAll(c.AllOrganizationCertificates(ctx, ListOptions{}))
	},
	func(ctx context.Context, c *AdminClient) (any, error) {
		return walkAll(c.AllProjectCertificates(ctx, "proj_1", ListOptions{}))
	},
}

func walkAll[T any](seq func(func(T, error) bool)) (any, error) {
	items := []T{}
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
}

// FuzzAnswerDecoding feeds the client every kind of answer: any status,
// body and the headers that steer it (Content-Type, Retry-After,
// retry-after-ms, x-should-retry, X-Request-Id), for every operation and
// both page walks. Whatever comes back, the client does not panic, returns
// a result or an error and never both, names the operation in its error,
// keeps the key out of every rendering of it, waits no longer than its
// limits allow, ends every walk, and returns only results that have the
// fragment's shape. Its seeds, one file per kind of answer, are in
// testdata/fuzz/FuzzAnswerDecoding.
func FuzzAnswerDecoding(f *testing.F) {
	f.Fuzz(func(t *testing.T, op uint8, status int, contentType, retryAfter, retryAfterMs, shouldRetry, requestID string, body []byte) {
		call := fuzzCalls[int(op)%len(fuzzCalls)]
		if status < 0 {
			status = -(status + 1)
		}
		status = 100 + status%500
		doer := &answerDoer{status: status, header: http.Header{}, body: body}
		for k, v := range map[string]string{"Content-Type": contentType, "Retry-After": retryAfter, "Retry-After-Ms": retryAfterMs, "X-Should-Retry": shouldRetry, "X-Request-Id": requestID} {
			if v != "" {
				doer.header.Set(k, v)
			}
		}
		var waits []time.Duration
		c, err := New(WithBaseURL("https://api.example.test/v1"), WithAdminKey(fuzzKey), WithHTTPClient(doer), WithMaxResponseBytes(64<<10),
			optionFunc(func(s *settings) error {
				s.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}

		got, err := call(t.Context(), c)

		for _, w := range waits {
			if w < 0 || w > defaultRetryPolicy.maxRetryAfter {
				t.Errorf("waited %v; want 0..%v", w, defaultRetryPolicy.maxRetryAfter)
			}
		}
		// Two pages at most: the second repeats the first's cursor.
		if maxRequests := 2 * (defaultRetryPolicy.maxRetries + 1); doer.requests > maxRequests {
			t.Errorf("%d requests; want at most %d", doer.requests, maxRequests)
		}
		if err == nil {
			if got == nil || reflect.ValueOf(got).IsNil() {
				t.Fatal("neither a result nor an error")
			}
			if status < 200 || status > 299 {
				t.Fatalf("status %d gave a result: %+v", status, got)
			}
			if reflect.TypeOf(got).Kind() != reflect.Slice { // a walk's items were checked page by page
				// What the client returns, encoded again, has the fragment's shape.
				raw, merr := json.Marshal(got)
				if merr != nil {
					t.Fatal(merr)
				}
				if serr := checkShape(raw, got); serr != nil {
					t.Errorf("result %s breaks the fragment: %v", raw, serr)
				}
			}
			return
		}
		if got != nil && !reflect.ValueOf(got).IsNil() {
			t.Errorf("both a result %+v and an error %v", got, err)
		}
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err)} {
			if strings.Contains(s, fuzzKey) {
				t.Errorf("the key shows in %q", s)
			}
		}
		named := false
		for op := range retryClasses {
			named = named || strings.HasPrefix(err.Error(), "certcontract: "+op+" ") || strings.HasPrefix(err.Error(), "certcontract: "+op+":")
		}
		if !named {
			t.Errorf("error %q does not start by naming the operation", err)
		}
		// A walk's own errors (cursors that would never end) are not about
		// one request; every other error is an *OperationError.
		var opErr *OperationError
		if errors.As(err, &opErr) && (opErr.Attempts < 1 || opErr.Attempts > defaultRetryPolicy.maxRetries+1) {
			t.Errorf("error %v after %d attempts; want 1..%d", err, opErr.Attempts, defaultRetryPolicy.maxRetries+1)
		}
		var apiErr *APIError
		if status < 200 || status > 299 {
			if !errors.As(err, &apiErr) || apiErr.Status != status || apiErr.RetryAfter < 0 {
				t.Errorf("status %d gave %v; want an *APIError with that status", status, err)
			} else if s := fmt.Sprintf("%#v", *apiErr); strings.Contains(s, fuzzKey) {
				t.Errorf("the key shows in %s", s)
			}
		}
	})
}
