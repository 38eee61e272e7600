package suite

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/curl"
)

func TestExchangesKeepASpecsRequestsAndShowTheLast(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req_"+strings.TrimPrefix(r.URL.Path, "/v1/"))
		w.WriteHeader(http.StatusNotFound)
	}))
	defer srv.Close()
	base := srv.URL + "/v1"
	var e Exchanges
	c := &http.Client{Transport: e.Layer(http.DefaultTransport)}
	send := func(ctx context.Context, method, path, body string) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer sk-admin-secret")
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}

	send(t.Context(), http.MethodGet, "/before", "") // before any spec: not kept
	e.Start()
	send(t.Context(), http.MethodGet, "/first", "")
	send(t.Context(), http.MethodPost, "/second", `{"name":"x"}`)
	send(Quiet(t.Context()), http.MethodDelete, "/cleanup", "") // cleanup: not kept
	kept := e.Take()
	if kept.Count != 2 {
		t.Fatalf("counted %d exchanges, want 2: %+v", kept.Count, kept)
	}
	got := Reproduction(kept, base)
	want := `The last of the spec's 2 exchanges, to reproduce with BASE_URL=` + base + ` and OPENAI_ADMIN_KEY set:
curl -sS -X POST "$BASE_URL/second" -H "Authorization: Bearer $OPENAI_ADMIN_KEY" -H 'Content-Type: application/json' -d '{"name":"x"}'
# answered 404, x-request-id req_second`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(got, "sk-admin-secret") {
		t.Error("the key leaked")
	}
	send(t.Context(), http.MethodGet, "/after", "") // after the spec: not kept
	if kept := e.Take(); kept.Count != 0 {
		t.Errorf("counted %d exchanges outside a spec", kept.Count)
	}
}

func TestReproductionShortensAHugeBody(t *testing.T) {
	huge := Exchange{Request: curl.Request{Method: http.MethodPost, URL: "http://h/v1/x", Body: []byte(strings.Repeat("x", 70000))}, Status: 413}
	got := Reproduction(Kept{Last: huge, Count: 1}, "http://h/v1")
	if len(got) > maxShownBody+500 || !strings.Contains(got, "# the body is 70000 bytes; the first 4096 are shown") {
		t.Errorf("%d bytes:\n%.600s", len(got), got)
	}
	if got := Reproduction(Kept{}, "http://h/v1"); got != "The spec sent no request before it failed." {
		t.Errorf("no exchanges: %q", got)
	}
}
