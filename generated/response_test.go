package generated

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A successful call says which request it was, as a failed one does in its
// APIError, through WithResponseInto.
func TestWithResponseIntoKeepsTheFinalAnswer(t *testing.T) {
	var calls int
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		if calls == 1 {
			w.Header().Set("X-Request-Id", "req_first")
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(errorBody("", "", "busy")))
			return
		}
		w.Header().Set("X-Request-Id", "req_second")
		_, _ = w.Write([]byte(`{"id":"cert_1","object":"certificate.deleted"}`))
	}))
	defer ts.Close()
	c, _ := newTestClient(t, ts)

	var rsp *http.Response
	if _, err := c.DeleteCertificate(WithResponseInto(context.Background(), &rsp), "cert_1"); err != nil {
		t.Fatal(err)
	}
	if rsp == nil || rsp.StatusCode != http.StatusOK || rsp.Header.Get("X-Request-Id") != "req_second" {
		t.Fatalf("the final answer was not kept: %+v", rsp)
	}
}

// An answer of unannounced size is read into a kept buffer; the body a
// caller holds from WithResponseInto must not change when a later answer
// is read into that buffer.
func TestAnswerKeptByTheCallerOutlivesTheNextCall(t *testing.T) {
	first := `{"id":"cert_1","object":"certificate.deleted"}`
	doer := &answerDoer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(first)}
	c, err := New(WithBaseURL("https://api.example.test/v1"), WithAdminKey("sk-admin-test"), WithHTTPClient(doer))
	if err != nil {
		t.Fatal(err)
	}
	var rsp *http.Response
	if _, err := c.DeleteCertificate(WithResponseInto(t.Context(), &rsp), "cert_1"); err != nil {
		t.Fatal(err)
	}
	doer.body = []byte(`{"id":"cert_2","object":"certificate.deleted"}`)
	for range 3 {
		if _, err := c.DeleteCertificate(t.Context(), "cert_2"); err != nil {
			t.Fatal(err)
		}
	}
	got, err := io.ReadAll(rsp.Body)
	if err != nil || string(got) != first {
		t.Errorf("the first answer's body reads %q, %v; want %q", got, err, first)
	}
}
