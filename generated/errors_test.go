package generated

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewAPIError(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   APIError
		// wantText is what Error() says.
		wantText string
	}{
		{name: "the API's error body", status: 404,
			header:   map[string]string{"X-Request-Id": "req_123"},
			body:     `{"error":{"message":"No certificate with id cert_x","type":"invalid_request_error","param":"certificate_id","code":"not_found"}}`,
			want:     APIError{Status: 404, Type: "invalid_request_error", Code: ErrorCodeNotFound, Param: "certificate_id", Message: "No certificate with id cert_x", RequestID: "req_123"},
			wantText: "404 Not Found: not_found: No certificate with id cert_x (param certificate_id, request req_123)"},
		{name: "null param and code", status: 400,
			body:     `{"error":{"message":"Malformed JSON","type":"invalid_request_error","param":null,"code":null}}`,
			want:     APIError{Status: 400, Type: "invalid_request_error", Message: "Malformed JSON"},
			wantText: "400 Bad Request: invalid_request_error: Malformed JSON"},
		{name: "429 with Retry-After", status: 429,
			header:   map[string]string{"Retry-After": "7"},
			body:     `{"error":{"message":"Slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}}`,
			want:     APIError{Status: 429, Type: "requests", Code: ErrorCodeRateLimitExceeded, Message: "Slow down", RetryAfter: 7 * time.Second},
			wantText: "429 Too Many Requests: rate_limit_exceeded: Slow down"},
		{name: "an HTML page from a proxy", status: 502,
			body:     "<html>\r\n<body>Bad   gateway</body>\n</html>",
			want:     APIError{Status: 502, Message: "<html> <body>Bad gateway</body> </html>"},
			wantText: "502 Bad Gateway: <html> <body>Bad gateway</body> </html>"},
		{name: "JSON that is not an error body", status: 500,
			body:     `{"detail":"boom"}`,
			want:     APIError{Status: 500, Message: `{"detail":"boom"}`},
			wantText: `500 Internal Server Error: {"detail":"boom"}`},
		{name: "empty body, unknown status", status: 599,
			want:     APIError{Status: 599, Message: "empty response body"},
			wantText: "599: empty response body"},
		{name: "a long body is cut", status: 500,
			body:     strings.Repeat("x", 2000),
			want:     APIError{Status: 500, Message: strings.Repeat("x", maxSnippet) + "…"},
			wantText: "500 Internal Server Error: " + strings.Repeat("x", maxSnippet) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rsp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			for k, v := range tt.header {
				rsp.Header.Set(k, v)
			}
			got := newAPIError(rsp, []byte(tt.body))
			if *got != tt.want {
				t.Errorf("newAPIError = %+v; want %+v", *got, tt.want)
			}
			if got.Error() != tt.wantText {
				t.Errorf("Error() = %q; want %q", got.Error(), tt.wantText)
			}
		})
	}
}

func TestStatusPredicates(t *testing.T) {
	wrapped := func(status int) error { return fmt.Errorf("renaming: %w", &APIError{Status: status}) }
	tests := []struct {
		name string
		err  error
		want [3]bool // IsNotFound, IsRateLimited, IsUnauthorized
	}{
		{name: "404", err: wrapped(404), want: [3]bool{true, false, false}},
		{name: "429", err: wrapped(429), want: [3]bool{false, true, false}},
		{name: "401", err: wrapped(401), want: [3]bool{false, false, true}},
		{name: "500", err: wrapped(500), want: [3]bool{false, false, false}},
		{name: "not an APIError", err: errors.New("404"), want: [3]bool{false, false, false}},
		{name: "nil", err: nil, want: [3]bool{false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := [3]bool{IsNotFound(tt.err), IsRateLimited(tt.err), IsUnauthorized(tt.err)}
			if got != tt.want {
				t.Errorf("IsNotFound, IsRateLimited, IsUnauthorized = %v; want %v", got, tt.want)
			}
		})
	}
}

// The generated parser fails outright on a 200 whose JSON is broken; the
// client reports that with the status instead of returning a nil result.
func TestBrokenSuccessBody(t *testing.T) {
	tests := []struct {
		name    string
		reply   reply
		wantErr string
	}{
		{name: "broken JSON", reply: reply{status: 200, body: `{"object":"list","data":[`}, wantErr: "listOrganizationCertificates failed after 1 attempt: reading the 200 answer: unexpected end of JSON input"},
		{name: "not JSON at all", reply: reply{status: 200, header: map[string]string{"Content-Type": "text/html"}, body: "<html></html>"}, wantErr: `listOrganizationCertificates failed after 1 attempt: unexpected 200 answer with Content-Type "text/html"`},
		{name: "a success the fragment does not document", reply: reply{status: 201, body: `{"object":"list","data":[],"has_more":false,"first_id":null,"last_id":null}`}, wantErr: `listOrganizationCertificates failed after 1 attempt: unexpected 201 answer with Content-Type "application/json"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, count := scriptServer(t, func(int, *http.Request) reply { return tt.reply })
			c, _ := newTestClient(t, ts)
			page, err := c.ListOrganizationCertificates(t.Context(), ListOptions{})
			if page != nil || err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v, %v; want error containing %q", page, err, tt.wantErr)
			}
			if count.Load() != 1 {
				t.Errorf("requests = %d; want 1", count.Load())
			}
		})
	}
}
