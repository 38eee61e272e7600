package generated

import (
	"context"
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
