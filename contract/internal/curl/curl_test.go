package curl_test

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/curl"
)

func TestCommand(t *testing.T) {
	auth := http.Header{"Authorization": {"Bearer sk-admin-secret"}}
	json := http.Header{"Authorization": {"Bearer sk-admin-secret"}, "Content-Type": {"application/json"}}
	for _, tt := range []struct {
		name string
		r    curl.Request
		vars map[string]string
		want string
	}{
		{"a list", curl.Request{Method: "GET", URL: "http://127.0.0.1:4242/v1/organization/certificates?after=cert_1&limit=2", Header: auth}, nil,
			`curl -sS "$BASE_URL/organization/certificates?after=cert_1&limit=2" -H "Authorization: Bearer $OPENAI_ADMIN_KEY"`},
		{"ids as variables in the path and the body", curl.Request{Method: "POST", URL: "http://127.0.0.1:4242/v1/organization/projects/proj_a/certificates/activate",
			Header: json, Body: []byte(`{"certificate_ids":["cert_1","cert_12"]}`)}, map[string]string{"cert_1": "c1", "cert_12": "c2"},
			`curl -sS -X POST "$BASE_URL/organization/projects/proj_a/certificates/activate" -H "Authorization: Bearer $OPENAI_ADMIN_KEY" -H 'Content-Type: application/json' -d '{"certificate_ids":["'"${c1}"'","'"${c2}"'"]}'`},
		{"a delete by variable", curl.Request{Method: "DELETE", URL: "http://127.0.0.1:4242/v1/organization/certificates/cert_1", Header: auth}, map[string]string{"cert_1": "c1"},
			`curl -sS -X DELETE "$BASE_URL/organization/certificates/${c1}" -H "Authorization: Bearer $OPENAI_ADMIN_KEY"`},
		{"no key sent, quotes and dollars kept literal", curl.Request{Method: "POST", URL: "http://127.0.0.1:4242/v1/organization/certificates/a$b", Header: http.Header{"Content-Type": {"application/json"}},
			Body: []byte(`{"name":"it's $HOME"}`)}, nil,
			`curl -sS -X POST "$BASE_URL/organization/certificates/a\$b" -H 'Content-Type: application/json' -d '{"name":"it'\''s $HOME"}'`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := curl.Command(tt.r, "http://127.0.0.1:4242/v1", tt.vars)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if strings.Contains(got, "sk-admin-secret") {
				t.Error("the key leaked")
			}
		})
	}
}

// What the shell makes of a command is what curl would send: checked with
// the shell itself, printing each argument instead of running curl.
func TestTheShellReadsTheCommandBack(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	body := `{"certificate_ids":["cert_1"],"name":"it's \"quoted\" $HOME"}`
	cmd := curl.Command(curl.Request{Method: "POST", URL: "http://h/v1/x/cert_1?q=$x", Header: http.Header{"Authorization": {"Bearer k"}}, Body: []byte(body)},
		"http://h/v1", map[string]string{"cert_1": "c1"})
	script := `curl() { for a in "$@"; do printf '%s\n' "$a"; done; }; c1=cert_1; BASE_URL=http://h/v1; OPENAI_ADMIN_KEY=k; ` + cmd
	out, err := exec.Command(sh, "-c", script).Output()
	if err != nil {
		t.Fatalf("%v: %s", err, script)
	}
	want := strings.Join([]string{"-sS", "-X", "POST", "http://h/v1/x/cert_1?q=$x", "-H", "Authorization: Bearer k", "-d", body, ""}, "\n")
	if string(out) != want {
		t.Errorf("the shell reads\n%s\nwant\n%s", out, want)
	}
}
