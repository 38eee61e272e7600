package generated

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// countingBody counts what the client reads of a response body.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// A 200 whose body never ended was read to the end: 1 GiB read and 1.8 GiB
// of heap, stopped only by the attempt timeout.
func TestEndlessBodyIsCutAtTheLimit(t *testing.T) {
	const limit = 1 << 20
	// The server stops at 64 MiB so that a client without a limit fails
	// this test instead of running forever.
	const served = 64 << 20
	tests := []struct {
		name          string
		contentLength bool
		wantRead      int64 // at most
	}{
		{name: "streamed without a length", wantRead: limit + 1},
		{name: "announced with Content-Length", contentLength: true, wantRead: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, _ := scriptServer(t, func(int, *http.Request) reply { return reply{} })
			ts.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if tt.contentLength {
					w.Header().Set("Content-Length", strconv.Itoa(served))
				}
				chunk := []byte(strings.Repeat(" ", 64<<10))
				_, _ = w.Write([]byte(`{"object":"list","data":[],"has_more":false,"first_id":null,"last_id":null}`))
				for written := 0; written < served-len(chunk) && r.Context().Err() == nil; written += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			var read atomic.Int64
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				rsp, err := http.DefaultTransport.RoundTrip(r)
				if err == nil {
					rsp.Body = countingBody{rsp.Body, &read}
				}
				return rsp, err
			})}
			c, _ := newTestClient(t, ts, WithHTTPClient(hc), WithMaxResponseBytes(limit))
			page, err := c.ListOrganizationCertificates(t.Context(), ListOptions{})
			if page != nil || !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("got %v, %v; want ErrResponseTooLarge", page, err)
			}
			if !strings.Contains(err.Error(), "listOrganizationCertificates failed after 1 attempt") || !strings.Contains(err.Error(), "1048576 bytes") {
				t.Errorf("error %q should name the operation, the attempts and the limit", err)
			}
			if read.Load() > tt.wantRead {
				t.Errorf("read %d bytes of the body; want at most %d", read.Load(), tt.wantRead)
			}
		})
	}
}

// A 200 announcing half a gigabyte made the client size a buffer by it
// before the limit refused the first byte: the header alone claimed the
// memory (and a terabyte crashed it).
func TestAnnouncedLengthOverTheLimitClaimsNoMemory(t *testing.T) {
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"object":"list"}`)), ContentLength: 1 << 29, Request: r}, nil
	})}
	c, err := New(WithBaseURL("https://api.example.test/v1"), WithAdminKey("sk-admin-test"), WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = c.ListOrganizationCertificates(t.Context(), ListOptions{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("error = %v; want ErrResponseTooLarge", err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 1<<20 {
		t.Errorf("the call allocated %d bytes for an answer it refused", allocated)
	}
}

// A 200 answered with {} was taken as an empty list, so a broken server
// looked like an empty organization.
func TestSuccessAnswerBreakingTheFragmentIsAnError(t *testing.T) {
	item := `{"object":"organization.certificate","id":"cert_1","name":null,"active":false,"created_at":1,"certificate_details":{}}`
	list := func(data string) string {
		return `{"object":"list","data":[` + data + `],"has_more":false,"first_id":"cert_1","last_id":"cert_1"}`
	}
	getOne := func(ctx context.Context, c *AdminClient) (any, error) { return c.GetCertificate(ctx, "cert_1", false) }
	tests := []struct {
		name    string
		call    func(context.Context, *AdminClient) (any, error) // nil: list the organization's certificates
		body    string
		wantErr string // empty: the answer is valid
	}{
		{name: "an empty object for a list", body: `{}`, wantErr: `required fields "data", "first_id", "has_more", "last_id", "object" are missing or null`},
		{name: "a list without has_more", body: `{"object":"list","data":[],"first_id":null,"last_id":null}`, wantErr: `required field "has_more" is missing`},
		{name: "a list without its cursors", body: `{"object":"list","data":[],"has_more":false}`, wantErr: `required fields "first_id", "last_id" are missing`},
		{name: "a list whose data is null", body: `{"object":"list","data":null,"has_more":false,"first_id":null,"last_id":null}`, wantErr: `required field "data" is missing or null`},
		{name: "the wrong object for a list", body: `{"object":"page","data":[],"has_more":false,"first_id":null,"last_id":null}`, wantErr: `"object" is "page", a value the fragment does not list`},
		{name: "an item without an id", body: list(strings.Replace(item, `"id":"cert_1",`, "", 1)), wantErr: `required field "data[0].id" is missing`},
		{name: "an item without active", body: list(strings.Replace(item, `"active":false,`, "", 1)), wantErr: `required field "data[0].active" is missing`},
		{name: "an item of the wrong object", body: list(strings.Replace(item, `"organization.certificate"`, `"certificate"`, 1)), wantErr: `"data[0].object" is "certificate"`},
		{name: "an item that is null", body: list("null"), wantErr: `"data[0]" is null`},
		{name: "an item whose details are null", body: list(strings.Replace(item, `"certificate_details":{}`, `"certificate_details":null`, 1)), wantErr: `required field "data[0].certificate_details" is missing or null`},
		{name: "a valid list with null name and cursors", body: `{"object":"list","data":[],"has_more":false,"first_id":null,"last_id":null}`},
		{name: "a valid list with an item", body: list(item)},
		// Presence is read from the body's bytes beside the decoded value, so
		// it must find keys where encoding/json finds them.
		{name: "a valid list spread over lines, keys escaped or in capitals", body: "{ \"object\" : \"list\" ,\n\t\"DATA\": [ " + item + " , " + item + " ] ,\r\n \"has_\\u006dore\": false, \"first_id\":\"cert_1\",\"last_id\":\"cert_1\",\"extra\":{\"data\":[1,\"]}\"]} }"},
		{name: "a key given twice: the last counts", body: `{"object":"list","data":[],"has_more":false,"first_id":null,"last_id":null,"has_more":null}`, wantErr: `"has_more" is null`},
		{name: "data given twice: the last counts", body: `{"object":"list","data":[null],"has_more":false,"first_id":null,"last_id":null,"data":[` + item + `]}`},
		{name: "an item of a second data without an id", body: `{"object":"list","data":[` + item + `],"has_more":false,"first_id":null,"last_id":null,"data":[{}]}`, wantErr: `required fields "data[0].active"`},
		{name: "details given twice, null last: the last counts", call: getOne,
			body: `{"object":"certificate","id":"cert_1","name":"a","created_at":1,"certificate_details":{"content":"x"},"certificate_details":null}`, wantErr: `required field "certificate_details" is missing or null`},
		{name: "details given twice, null first: the last counts", call: getOne,
			body: `{"object":"certificate","id":"cert_1","name":"a","created_at":1,"certificate_details":null,"certificate_details":{"content":"x"}}`},
		{name: "a second item without created_at", body: list(item + "," + strings.Replace(item, `"created_at":1,`, "", 1)), wantErr: `required field "data[1].created_at" is missing`},
		{name: "a list object for a get", call: getOne, body: list(item), wantErr: `required fields "certificate_details", "created_at", "id", "name" are missing or null`},
		{name: "a get without certificate_details", call: getOne, body: `{"object":"certificate","id":"cert_1","name":"a","created_at":1}`, wantErr: `required field "certificate_details" is missing or null`},
		{name: "a get without active, which is optional", call: getOne, body: `{"object":"certificate","id":"cert_1","name":"a","created_at":1,"certificate_details":{"content":"x"}}`},
		{name: "a delete without the id", call: func(ctx context.Context, c *AdminClient) (any, error) { return c.DeleteCertificate(ctx, "cert_1") },
			body: `{"object":"certificate.deleted"}`, wantErr: `required field "id" is missing`},
		{name: "an activation answered with a deactivation", call: func(ctx context.Context, c *AdminClient) (any, error) {
			return c.ActivateOrganizationCertificates(ctx, "cert_1")
		}, body: `{"object":"organization.certificate.deactivation","data":[]}`, wantErr: `"object" is "organization.certificate.deactivation"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, count := scriptServer(t, func(int, *http.Request) reply { return reply{status: 200, body: tt.body} })
			c, _ := newTestClient(t, ts)
			call := tt.call
			if call == nil {
				call = func(ctx context.Context, c *AdminClient) (any, error) {
					return c.ListOrganizationCertificates(ctx, ListOptions{})
				}
			}
			got, err := call(t.Context(), c)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("error = %v; want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v; want one containing %q", err, tt.wantErr)
			}
			if !reflect.ValueOf(got).IsNil() {
				t.Errorf("result = %+v; want nil beside the error", got)
			}
			var opErr *OperationError
			if !errors.As(err, &opErr) || opErr.Operation == "" || opErr.Attempts != 1 || count.Load() != 1 {
				t.Errorf("error %v after %d requests; want an *OperationError naming the operation, 1 attempt", err, count.Load())
			}
		})
	}
}
