package emulator_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
)

// fuzzKey is the organization a fuzzed request finds two certificates in.
const fuzzKey = "sk-admin-fuzz"

// Placeholders a fuzzed request may carry: the ids of the two certificates
// stored before it, and a PEM the emulator accepts (JSON-escaped), so that
// the fuzzer reaches the rules behind validation.
const (
	placeholderID0 = "{id0}"
	placeholderID1 = "{id1}"
	placeholderPEM = "{pem}"
)

var fuzzPEM = sync.OnceValues(func() (string, error) {
	c, err := testcert.New(testcert.Options{})
	if err != nil {
		return "", err
	}
	quoted, err := json.Marshal(c.PEM)
	return string(quoted[1 : len(quoted)-1]), err
})

// FuzzServeHTTP sends the emulator any request net/http could hand it:
// method, path, query, header lines and body. Whatever it is, the emulator
// does not panic, never answers 5xx, answers every refusal in the OpenAI
// error shape, and a refused request changes nothing: neither the
// organization's certificates in any scope nor the organizations kept.
func FuzzServeHTTP(f *testing.F) {
	// The seeds are in testdata/fuzz/FuzzServeHTTP, one per kind of input.
	pemText, err := fuzzPEM()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, query, headers, body string) {
		emu, err := emulator.New(emulator.Config{})
		if err != nil {
			t.Fatal(err)
		}
		ids := [2]string{}
		for i := range ids {
			rec := serveOne(emu, http.MethodPost, "/v1/organization/certificates", "", fmt.Sprintf(`{"certificate":"%s"}`, pemText))
			var c struct{ ID string }
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &c) != nil {
				t.Fatalf("seeding: %d %s", rec.Code, rec.Body)
			}
			ids[i] = c.ID
		}
		fill := strings.NewReplacer(placeholderID0, ids[0], placeholderID1, ids[1], placeholderPEM, pemText).Replace
		req, ok := readRequest(fill(method), fill(path), fill(query), fill(headers), fill(body))
		if !ok {
			return // net/http would not hand this to a handler
		}
		before, orgs := snapshot(t, emu), emu.Organizations()

		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", req.Method, req.URL, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s %s: %d with Content-Type %q", req.Method, req.URL, rec.Code, ct)
		}
		if rec.Header().Get("X-Request-Id") == "" {
			t.Fatalf("%s %s: %d without X-Request-Id", req.Method, req.URL, rec.Code)
		}
		if rec.Code < 400 {
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %s: %d with a body that is no JSON: %q", req.Method, req.URL, rec.Code, rec.Body)
			}
			return
		}
		if err := errorShape(rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %s: %d %v: %s", req.Method, req.URL, rec.Code, err, rec.Body)
		}
		if after := snapshot(t, emu); after != before || emu.Organizations() != orgs {
			t.Fatalf("%s %s was refused (%d) but changed the emulator:\nbefore %s\nafter  %s", req.Method, req.URL, rec.Code, before, after)
		}
	})
}

// readRequest parses the request as net/http's server would read it off the
// wire; ok is false when it would not.
func readRequest(method, path, query, headers, body string) (*http.Request, bool) {
	var raw strings.Builder
	raw.WriteString(method + " " + path)
	if query != "" {
		raw.WriteString("?" + query)
	}
	raw.WriteString(" HTTP/1.1\r\nHost: emulator\r\n")
	for line := range strings.Lines(headers) {
		raw.WriteString(strings.TrimRight(line, "\r\n") + "\r\n")
	}
	raw.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
	if err != nil {
		return nil, false
	}
	return req, true
}

func serveOne(emu http.Handler, method, path, query, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path+query, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fuzzKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	emu.ServeHTTP(rec, req)
	return rec
}

// snapshot is everything fuzzKey's organization shows, in every scope.
func snapshot(t *testing.T, emu http.Handler) string {
	t.Helper()
	var all bytes.Buffer
	for _, path := range []string{
		"/v1/organization/certificates",
		"/v1/organization/projects/proj_default/certificates",
		"/v1/organization/projects/proj_alpha/certificates",
		"/v1/organization/projects/proj_beta/certificates",
	} {
		rec := serveOne(emu, http.MethodGet, path, "?limit=100", "")
		if rec.Code != http.StatusOK {
			t.Fatalf("listing %s: %d %s", path, rec.Code, rec.Body)
		}
		all.Write(rec.Body.Bytes())
	}
	return all.String()
}

// errorShape checks an error body against the OpenAI shape: an error object
// with a message and a type, and param and code present, string or null.
func errorShape(body []byte) error {
	var e struct {
		Error map[string]json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == nil {
		return fmt.Errorf("not an error body (%v)", err)
	}
	for _, field := range []string{"message", "type"} {
		var s string
		if json.Unmarshal(e.Error[field], &s) != nil || s == "" {
			return fmt.Errorf("error.%s is %s, want a string", field, e.Error[field])
		}
	}
	for _, field := range []string{"param", "code"} {
		raw, ok := e.Error[field]
		var s *string
		if !ok || json.Unmarshal(raw, &s) != nil {
			return fmt.Errorf("error.%s is %s, want a string or null", field, raw)
		}
	}
	return nil
}
