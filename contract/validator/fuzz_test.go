package validator_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/validator"
)

// fuzzKey is the request's admin key; the fuzzed server may echo it anywhere.
const fuzzKey = "sk-admin-fuzzed-validator-key-7f3a9c2e"

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzTransport runs any exchange through the validating transport: the
// request's method, path and query, content type and body, and the answer's
// status, header lines and body ("{key}" in either body or the headers
// stands for the admin key). The transport does not panic; what it passes
// is the answer exactly as it came, observed once; what it refuses is a
// *validator.Error, never sent when the request was at fault, and no part
// of the key longer than a few bytes shows in it.
func FuzzTransport(f *testing.F) {
	// The seeds are in testdata/fuzz/FuzzTransport, one per kind of exchange.
	// One transport for every input, as a client keeps one: building it
	// loads and checks the fragment. Each input sets what the server answers.
	const base = "http://127.0.0.1:1/v1"
	var (
		answer   *http.Response
		sent     int
		observed []validator.Observation
	)
	tr, err := validator.New(base,
		validator.WithNext(roundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent++
			answer.Request = r
			return answer, nil
		})),
		validator.WithObserver(func(_ context.Context, o validator.Observation) { observed = append(observed, o) }))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, pathQuery, contentType, reqBody string, status int, respHeaders, respBody string) {
		if status < 100 || status > 999 {
			return // no transport answers with such a status
		}
		withKey := strings.NewReplacer("{key}", fuzzKey).Replace
		req, err := http.NewRequestWithContext(context.Background(), method, base+withKey(pathQuery), strings.NewReader(withKey(reqBody)))
		if err != nil {
			return // no client sends it
		}
		req.Header.Set("Authorization", "Bearer "+fuzzKey)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		header := http.Header{}
		for line := range strings.Lines(withKey(respHeaders)) {
			if name, value, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && name != "" {
				header.Add(name, strings.TrimSpace(value))
			}
		}
		served := withKey(respBody)
		answer = &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(strings.NewReader(served))}
		sent, observed = 0, nil

		resp, err := tr.RoundTrip(req)
		if err == nil {
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != status || string(got) != served || sent != 1 || len(observed) != 1 || observed[0].Status != status {
				t.Fatalf("passed %d %q (sent %d, observed %v), the server answered %d %q", resp.StatusCode, got, sent, observed, status, served)
			}
			return
		}
		var verr *validator.Error
		if !errors.As(err, &verr) {
			t.Fatalf("refused with %T %v, want a *validator.Error", err, err)
		}
		if len(observed) != 0 || verr.Status == 0 && sent != 0 {
			t.Fatalf("refused the request (status %d) but sent %d and observed %v", verr.Status, sent, observed)
		}
		secret := strings.TrimPrefix(fuzzKey, "sk-admin-")
		text := err.Error()
		for i := 0; i+8 <= len(secret); i++ {
			if strings.Contains(text, secret[i:i+8]) {
				t.Fatalf("the error shows %q of the key:\n%s", secret[i:i+8], text)
			}
		}
	})
}
