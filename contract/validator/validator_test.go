package validator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/certcontract/certcontract/contract/validator"
)

const key = "sk-admin-validator-test-key"

const listBody = `{"object":"list","data":[],"has_more":false,"first_id":null,"last_id":null}`

// reply is what the test server answers.
type reply struct {
	status int
	header map[string]string
	body   string
}

func newServer(t *testing.T, r reply) (base string, hits *int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.StripPrefix("/v1", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		for k, v := range r.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(r.status)
		_, _ = io.WriteString(w, r.body)
	})))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1", &n
}

func do(t *testing.T, tr http.RoundTripper, ctx context.Context, method, url, contentType, body string, auth bool) (*http.Response, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err == nil {
		t.Cleanup(func() { _ = resp.Body.Close() })
	}
	return resp, err
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name        string
		reply       reply
		method      string
		path        string
		contentType string
		body        string
		noAuth      bool
		invalid     bool   // mark the request as deliberately invalid
		want        string // substring of the error; empty: no error
		wantSent    bool
	}{
		{
			name: "documented list page", reply: reply{status: 200, body: listBody},
			method: "GET", path: "/organization/certificates?limit=5&order=asc", wantSent: true,
		},
		{
			name: "undocumented status", reply: reply{status: 418, body: `{}`},
			method: "GET", path: "/organization/certificates",
			want: "status is not supported", wantSent: true,
		},
		{
			name: "status not declared for this operation", reply: reply{status: 404, body: `{"error":{"message":"x","type":"t","param":null,"code":null}}`},
			method: "GET", path: "/organization/certificates",
			want: "-> 404", wantSent: true,
		},
		{
			name: "body missing a required field", reply: reply{status: 200, body: `{"object":"list","data":[],"has_more":false,"first_id":null}`},
			method: "GET", path: "/organization/certificates",
			want: `property "last_id" is missing`, wantSent: true,
		},
		{
			name: "every finding is reported", reply: reply{status: 200, body: `{"object":"page","data":[]}`},
			method: "GET", path: "/organization/certificates",
			want: `property "has_more" is missing`, wantSent: true,
		},
		{
			name: "Retry-After that is not an integer", reply: reply{status: 429, header: map[string]string{"Retry-After": "soon"},
				body: `{"error":{"message":"slow down","type":"rate_limit","param":null,"code":null}}`},
			method: "GET", path: "/organization/certificates",
			want: "Retry-After", wantSent: true,
		},
		{
			name: "documented 429", reply: reply{status: 429, header: map[string]string{"Retry-After": "1"},
				body: `{"error":{"message":"slow down","type":"rate_limit","param":null,"code":null}}`},
			method: "GET", path: "/organization/certificates", wantSent: true,
		},
		{
			name: "path outside the fragment", reply: reply{status: 200, body: `{}`},
			method: "GET", path: "/organization/keys",
			want: "no operation in the fragment",
		},
		{
			name: "invalid request is not sent", reply: reply{status: 200, body: listBody},
			method: "GET", path: "/organization/certificates?limit=101",
			want: "request breaks the fragment",
		},
		{
			name: "missing key is an invalid request", reply: reply{status: 200, body: listBody},
			method: "GET", path: "/organization/certificates", noAuth: true,
			want: "no bearer token",
		},
		{
			name: "deliberately invalid request is sent and its response checked", reply: reply{status: 400,
				body: `{"error":{"message":"limit","type":"invalid_request_error","param":"limit","code":null}}`},
			method: "GET", path: "/organization/certificates?limit=101", invalid: true, wantSent: true,
		},
		{
			name: "deliberately invalid request still needs a documented response", reply: reply{status: 400, body: `{"error":"nope"}`},
			method: "GET", path: "/organization/certificates?limit=0", invalid: true,
			want: "-> 400", wantSent: true,
		},
		{
			name: "request marked invalid that is valid", reply: reply{status: 200, body: listBody},
			method: "GET", path: "/organization/certificates?limit=5", invalid: true,
			want: "fragment accepts it",
		},
		{
			name: "toggle body in the reference page's shape", reply: reply{status: 200, body: `{}`},
			method: "POST", path: "/organization/certificates/activate", contentType: "application/json",
			body: `{"data":["cert_1"]}`, want: "certificate_ids",
		},
		{
			name: "wrong content type", reply: reply{status: 200, body: `{}`},
			method: "POST", path: "/organization/certificates/cert_1", contentType: "text/plain",
			body: `{"name":"x"}`, want: "text/plain",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, hits := newServer(t, tt.reply)
			tr, err := validator.New(base)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if tt.invalid {
				ctx = validator.ExpectInvalidRequest(ctx)
			}
			resp, err := do(t, tr, ctx, tt.method, base+tt.path, tt.contentType, tt.body, !tt.noAuth)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				got, _ := io.ReadAll(resp.Body)
				if string(got) != tt.reply.body {
					t.Errorf("body = %q, want it passed through as %q", got, tt.reply.body)
				}
			} else {
				var verr *validator.Error
				if !errors.As(err, &verr) {
					t.Fatalf("error = %v, want a *validator.Error", err)
				}
				if !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error = %v, want it to mention %q", err, tt.want)
				}
			}
			if sent := *hits > 0; sent != tt.wantSent {
				t.Errorf("request sent = %v, want %v", sent, tt.wantSent)
			}
		})
	}
}

// A failure must be readable: method, path, status, the finding and a body
// excerpt.
func TestErrorNamesTheExchange(t *testing.T) {
	body := `{"object":"list","data":"` + strings.Repeat("x", 2000) + `"}`
	base, _ := newServer(t, reply{status: 200, body: body})
	tr, err := validator.New(base)
	if err != nil {
		t.Fatal(err)
	}
	_, err = do(t, tr, context.Background(), "GET", base+"/organization/certificates?order=desc", "", "", true)
	var verr *validator.Error
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want a *validator.Error", err)
	}
	if verr.Method != "GET" || verr.Path != "/v1/organization/certificates?order=desc" || verr.Status != 200 {
		t.Errorf("got %s %s %d, want GET /v1/organization/certificates?order=desc 200", verr.Method, verr.Path, verr.Status)
	}
	if !strings.HasPrefix(verr.Body, `{"object":"list"`) || len(verr.Body) > 600 {
		t.Errorf("body excerpt = %.80q (%d bytes), want the start of the body, shortened", verr.Body, len(verr.Body))
	}
	if verr.Finding == "" {
		t.Error("no finding")
	}
}

// A server that echoes the key must not get it into the error, which ends up
// in CI logs.
func TestErrorRedactsKeys(t *testing.T) {
	const other = "sk-admin-another-secret"
	base, _ := newServer(t, reply{status: 500, body: `{"oops":"you sent Bearer ` + key + ` and ` + other + `"}`})
	tr, err := validator.New(base, validator.WithSecrets(other))
	if err != nil {
		t.Fatal(err)
	}
	_, err = do(t, tr, context.Background(), "GET", base+"/organization/certificates/cert_1", "", "", true)
	if err == nil {
		t.Fatal("want a validation error")
	}
	msg := err.Error()
	for _, secret := range []string{key, other} {
		if strings.Contains(msg, secret) {
			t.Errorf("error leaks %q:\n%s", secret, msg)
		}
	}
	if !strings.Contains(msg, "[REDACTED]") {
		t.Errorf("error does not show where the key was redacted:\n%s", msg)
	}
}

func TestObserverSeesValidatedExchangesOnly(t *testing.T) {
	var got []validator.Observation
	record := func(_ context.Context, o validator.Observation) { got = append(got, o) }

	base, _ := newServer(t, reply{status: 200, body: listBody})
	tr, err := validator.New(base, validator.WithObserver(record))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := do(t, tr, context.Background(), "GET", base+"/organization/certificates", "", "", true); err != nil {
		t.Fatal(err)
	}
	bad, _ := newServer(t, reply{status: 418, body: `{}`})
	trBad, err := validator.New(bad, validator.WithObserver(record))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := do(t, trBad, context.Background(), "GET", bad+"/organization/certificates", "", "", true); err == nil {
		t.Fatal("want a validation error for 418")
	}
	want := []validator.Observation{{OperationID: "listOrganizationCertificates", Status: 200}}
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("observations = %v, want %v", got, want)
	}
}

func TestNewRefusesRelativeBaseURL(t *testing.T) {
	if _, err := validator.New("/v1"); err == nil {
		t.Error("want an error for a base URL without scheme and host")
	}
}

// The excerpt was cut before the key was redacted, so a key straddling the
// cut was not found and its start showed in the error.
func TestRegressionKeyCutByTheExcerptShowedItsStart(t *testing.T) {
	body := `{"oops":"` + strings.Repeat("x", 512-len(`{"oops":"`)-len("sk-admin-vali")) + key + `"}`
	base, _ := newServer(t, reply{status: 500, body: body})
	tr, err := validator.New(base)
	if err != nil {
		t.Fatal(err)
	}
	_, err = do(t, tr, context.Background(), "GET", base+"/organization/certificates/cert_1", "", "", true)
	if err == nil {
		t.Fatal("want a validation error")
	}
	if secret := strings.TrimPrefix(key, "sk-admin-"); strings.Contains(err.Error(), secret[:4]) {
		t.Errorf("error shows the start of the key:\n%s", err)
	}
}

// A finding quoted a long value cut to 120 bytes, so a key the cut split
// kept its start.
func TestRegressionKeyCutInAFindingShowedItsStart(t *testing.T) {
	value := strings.Repeat("x", 120-len(`"`)-len("sk-admin-vali")) + key
	base, _ := newServer(t, reply{status: 200, body: `{"object":"` + value + `","data":[],"has_more":false,"first_id":null,"last_id":null}`})
	tr, err := validator.New(base)
	if err != nil {
		t.Fatal(err)
	}
	_, err = do(t, tr, context.Background(), "GET", base+"/organization/certificates", "", "", true)
	var verr *validator.Error
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want a *validator.Error", err)
	}
	if secret := strings.TrimPrefix(key, "sk-admin-"); strings.Contains(verr.Finding, secret[:4]) {
		t.Errorf("finding shows the start of the key: %s", verr.Finding)
	}
}
