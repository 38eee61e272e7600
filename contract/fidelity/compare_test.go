package fidelity

import (
	"slices"
	"testing"
)

// Each role compares what it should and lets the rest vary.
func TestCompareByRole(t *testing.T) {
	const (
		cert    = `{"object":"certificate","id":"cert_r1","name":"contract-cc00000000-a","created_at":100,"certificate_details":{"valid_at":1,"expires_at":2}}`
		errBody = `{"error":{"message":"No such certificate.","type":"invalid_request_error","param":"certificate_id","code":"not_found"}}`
	)
	json := map[string]string{"content-type": "application/json", "x-request-id": "req_1"}
	side := func(status int, body string, headers map[string]string) answer {
		a := answer{status: status, body: []byte(body), headers: headers, has: map[string]bool{}}
		for k := range headers {
			a.has[k] = true
		}
		return a
	}
	tests := []struct {
		name     string
		rec, rep answer
		want     []string // "check field"
	}{
		{"ids by certificate, names by run, created_at by role",
			side(200, cert, json),
			side(200, `{"object":"certificate","id":"cert_p1","name":"contract-rp12345678-a","created_at":999,"certificate_details":{"valid_at":1,"expires_at":2}}`, map[string]string{"content-type": "application/json; charset=utf-8", "x-request-id": "req_other"}),
			nil},
		{"an id of another certificate",
			side(200, cert, json),
			side(200, `{"object":"certificate","id":"cert_p2","name":"contract-rp12345678-a","created_at":100,"certificate_details":{"valid_at":1,"expires_at":2}}`, json),
			[]string{"id id"}},
		{"a field more, a field less, another value",
			side(200, cert, json),
			side(200, `{"object":"certificate","id":"cert_p1","name":"contract-rp12345678-b","created_at":100,"active":false,"certificate_details":{"valid_at":1}}`, json),
			[]string{"missing certificate_details.expires_at", "value name", "extra active"}},
		{"a timestamp that is no whole number",
			side(200, cert, json),
			side(200, `{"object":"certificate","id":"cert_p1","name":"contract-rp12345678-a","created_at":"100","certificate_details":{"valid_at":1,"expires_at":2}}`, json),
			[]string{"timestamp created_at"}},
		{"error type, code and param, not the message",
			side(404, errBody, json),
			side(404, `{"error":{"message":"Something else.","type":"invalid_request_error","param":"id","code":null}}`, json),
			[]string{"error error.code", "error error.param"}},
		{"an empty message",
			side(404, errBody, json),
			side(404, `{"error":{"message":"","type":"invalid_request_error","param":"certificate_id","code":"not_found"}}`, json),
			[]string{"value error.message"}},
		{"another status says it all",
			side(404, errBody, json),
			side(400, `{"error":{"message":"x","type":"y","param":null,"code":null}}`, json),
			[]string{"status "}},
		{"headers that matter",
			side(429, errBody, map[string]string{"content-type": "application/json", "retry-after": "1", "x-request-id": "req_1"}),
			side(429, errBody, map[string]string{"content-type": "text/plain"}),
			[]string{"header Content-Type", "header Retry-After", "header X-Request-Id"}},
		{"a body that is no JSON",
			side(500, "oops cc00000000", nil),
			side(500, "oops rp12345678", nil),
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMapper("cc00000000", "", nil)
			m.replayRun = "rp12345678"
			m.bind("cert_r1", "cert_p1")
			m.bind("cert_r2", "cert_p2")
			c := &comparison{m: m}
			c.compare(tt.rec, tt.rep)
			var got []string
			for _, d := range c.out {
				got = append(got, string(d.Check)+" "+d.Field)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("divergences %q, want %q (%+v)", got, tt.want, c.out)
			}
		})
	}
}

// A recorded page with certificates the recording did not create is compared
// on the rest, in order, and its page fields are left alone.
func TestListWithoutUncomparableItems(t *testing.T) {
	m := newMapper("", "", nil)
	m.bind("cert_a", "cert_x")
	m.bind("cert_b", "cert_y")
	c := &comparison{m: m, uncomparable: map[string]string{"cert_f": "a certificate this recording did not create"}}
	c.compare(
		answer{status: 200, body: []byte(`{"object":"list","data":[{"id":"cert_f"},{"id":"cert_a"},{"id":"cert_b"}],"first_id":"cert_f","last_id":"cert_b","has_more":true}`)},
		answer{status: 200, body: []byte(`{"object":"list","data":[{"id":"cert_x"},{"id":"cert_y"}],"first_id":"cert_x","last_id":"cert_y","has_more":false}`)})
	if len(c.out) != 0 || len(c.notes) != 1 {
		t.Fatalf("divergences %+v, notes %q", c.out, c.notes)
	}
	c = &comparison{m: m}
	c.compare(
		answer{status: 200, body: []byte(`{"data":[{"id":"cert_a"},{"id":"cert_b"}]}`)},
		answer{status: 200, body: []byte(`{"data":[{"id":"cert_y"},{"id":"cert_x"}]}`)})
	if len(c.out) != 1 || c.out[0].Check != CheckItems {
		t.Fatalf("the order went unnoticed: %+v", c.out)
	}
}

// Regression: a page holding only comparable certificates had its has_more
// compared while another process changed a certificate past the page, so a
// recording of two processes sharing one organization diverged by timing.
func TestHasMoreLeftAloneWhileACertificatePastThePageIsUncomparable(t *testing.T) {
	m := newMapper("", "", nil)
	m.bind("cert_a", "cert_x")
	m.bind("cert_b", "cert_y")
	recorded := answer{status: 200, body: []byte(`{"object":"list","data":[{"id":"cert_a"},{"id":"cert_b"}],"first_id":"cert_a","last_id":"cert_b","has_more":false}`)}
	replayed := answer{status: 200, body: []byte(`{"object":"list","data":[{"id":"cert_x"},{"id":"cert_y"}],"first_id":"cert_x","last_id":"cert_y","has_more":true}`)}
	c := &comparison{m: m, uncomparable: map[string]string{"cert_c": "changed by process 2 (entry 9) while this list was answered"}}
	c.compare(recorded, replayed)
	if len(c.out) != 0 {
		t.Fatalf("divergences %+v", c.out)
	}
	c = &comparison{m: m}
	c.compare(recorded, replayed)
	if len(c.out) != 1 || c.out[0].Field != "has_more" {
		t.Fatalf("has_more went unnoticed with nothing uncomparable: %+v", c.out)
	}
}

// Certificates two processes uploaded at the same moment may swap places,
// in a page and at its edge; others may not.
func TestListOfInterchangeableCertificates(t *testing.T) {
	m := newMapper("", "", nil)
	m.bind("cert_a", "cert_x")
	m.bind("cert_b", "cert_y")
	m.bind("cert_c", "cert_z")
	// cert_a was uploaded while cert_b and cert_c were, one after the other.
	together := func(a, b string) bool { return a != b && (a == "cert_a" || b == "cert_a") }
	for _, tt := range []struct {
		rec, rep string
		diverge  bool
	}{
		{`[{"id":"cert_a"},{"id":"cert_b"}]`, `[{"id":"cert_y"},{"id":"cert_x"}]`, false},
		{`[{"id":"cert_a"},{"id":"cert_b"},{"id":"cert_c"}]`, `[{"id":"cert_y"},{"id":"cert_z"},{"id":"cert_x"}]`, false},
		{`[{"id":"cert_a"},{"id":"cert_b"},{"id":"cert_c"}]`, `[{"id":"cert_z"},{"id":"cert_y"},{"id":"cert_x"}]`, true},
		{`[{"id":"cert_a"}]`, `[{"id":"cert_y"}]`, false},
		{`[{"id":"cert_b"}]`, `[{"id":"cert_z"}]`, true},
		{`[{"id":"cert_b"},{"id":"cert_c"}]`, `[{"id":"cert_z"},{"id":"cert_y"}]`, true},
	} {
		c := &comparison{m: m, interchangeable: together}
		c.compare(answer{status: 200, body: []byte(`{"data":` + tt.rec + `}`)}, answer{status: 200, body: []byte(`{"data":` + tt.rep + `}`)})
		if (len(c.out) > 0) != tt.diverge {
			t.Errorf("%s against %s: %+v", tt.rec, tt.rep, c.out)
		}
	}
}

// A certificate another process uploaded at the same moment as a page's
// cursor may lie on either side of it: a page that holds it on one side
// only is compared without it. Any other certificate still counts, and one
// both pages hold is compared as ever.
func TestPageAfterACursorUploadedWithAnotherCertificate(t *testing.T) {
	m := newMapper("", "", nil)
	for rec, rep := range map[string]string{"cert_a": "cert_x", "cert_b": "cert_y", "cert_c": "cert_z", "cert_d": "cert_w"} {
		m.bind(rec, rep)
	}
	// cert_a was uploaded while cert_c, the cursor, was.
	together := func(a, b string) bool {
		return a != b && (a == "cert_a" || b == "cert_a") && (a == "cert_c" || b == "cert_c")
	}
	for _, tt := range []struct {
		cursor, rec, rep string
		diverge          bool
	}{
		{"cert_c", `[{"id":"cert_a"},{"id":"cert_b"}]`, `[{"id":"cert_y"}]`, false},
		{"cert_c", `[{"id":"cert_b"}]`, `[{"id":"cert_x"},{"id":"cert_y"}]`, false},
		{"cert_c", `[]`, `[{"id":"cert_x"}]`, false},
		{"cert_c", `[{"id":"cert_b"},{"id":"cert_d"}]`, `[{"id":"cert_y"}]`, true},
		{"cert_c", `[{"id":"cert_a","active":false},{"id":"cert_b"}]`, `[{"id":"cert_x","active":true},{"id":"cert_y"}]`, true},
		{"cert_d", `[{"id":"cert_a"},{"id":"cert_b"}]`, `[{"id":"cert_y"}]`, true},
		{"", `[{"id":"cert_a"},{"id":"cert_b"}]`, `[{"id":"cert_y"}]`, true},
	} {
		c := &comparison{m: m, interchangeable: together, cursor: tt.cursor}
		c.compare(answer{status: 200, body: []byte(`{"data":` + tt.rec + `,"has_more":false}`)}, answer{status: 200, body: []byte(`{"data":` + tt.rep + `,"has_more":true}`)})
		if (len(c.out) > 0) != tt.diverge {
			t.Errorf("after %q, %s against %s: %+v", tt.cursor, tt.rec, tt.rep, c.out)
		}
	}
}
