package fidelity_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/fidelity"
	"github.com/certcontract/certcontract/contract/fidelity/har"
)

// The key the suite is given may have any shape; one shaped like an admin
// key is redacted even when nobody registered it.
const (
	givenKey  = "live-key/with+odd=chars"
	strayKey  = "sk-admin-stray_Key-123"
	otherSalt = "another run"
)

// echo answers with the request's key in a header and in the body, as a
// careless server might.
func echo(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"you sent":` + string(body) + `,"query":"` + r.URL.RawQuery + `"}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRecordingHoldsNoKeyInAnyForm(t *testing.T) {
	srv := echo(t)
	rec := fidelity.NewRecorder(fidelity.NewRedactor(runID, givenKey))
	client := &http.Client{Transport: rec}
	send := func(method, target, body string, header http.Header) {
		t.Helper()
		req, err := http.NewRequest(method, target, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = header
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	for _, key := range []string{givenKey, strayKey} {
		basic := base64.StdEncoding.EncodeToString([]byte(key))
		send("POST", srv.URL+"/v1/x?key="+url.QueryEscape(key)+"&b="+basic, `{"key":"`+key+`","b":"`+basic+`"}`,
			http.Header{"Authorization": {"Bearer " + key}, "X-Api-Key": {key}, "Content-Type": {"application/json"}})
		send("GET", srv.URL+"/v1/"+url.PathEscape(key), "", http.Header{"Authorization": {"Bearer " + key}})
	}

	var b bytes.Buffer
	if err := har.Write(&b, rec.File(har.RunInfo{ID: runID, BaseURL: srv.URL + "/v1"})); err != nil {
		t.Fatal(err)
	}
	recording := b.String()
	for _, key := range []string{givenKey, strayKey} {
		for _, form := range []string{key, url.QueryEscape(key), url.PathEscape(key),
			base64.StdEncoding.EncodeToString([]byte(key)), base64.RawURLEncoding.EncodeToString([]byte(key))} {
			if strings.Contains(recording, form) {
				t.Errorf("the recording holds %q", form)
			}
		}
	}
	if strings.Contains(recording, "sk-admin-") {
		t.Error("the recording holds something shaped like an admin key")
	}

	// Each key has its own placeholder, the same wherever it appears, so a
	// replay still tells organizations apart.
	r := fidelity.NewRedactor(runID, givenKey)
	for _, key := range []string{givenKey, strayKey} {
		p := r.String(key)
		if !strings.HasPrefix(p, fidelity.KeyPlaceholderPrefix) || strings.Count(recording, p) < 4 {
			t.Errorf("placeholder %q appears %d times", p, strings.Count(recording, p))
		}
		if p == fidelity.NewRedactor(otherSalt, key).String(key) {
			t.Errorf("the placeholder of %q does not depend on the salt", key)
		}
	}
	if r.String(givenKey) == r.String(strayKey) {
		t.Error("two keys share a placeholder")
	}
}

// Regression: a key that began with an earlier key (…-2-5, then …-2-59)
// kept the rest of itself after the earlier key's placeholder, and the
// replay could not tell its organization.
func TestAKeyThatStartsWithAnotherIsRedactedWhole(t *testing.T) {
	r := fidelity.NewRedactor(runID, "sk-admin-run-2-5", "live-1")
	r.Add("live-12")
	for _, key := range []string{"sk-admin-run-2-59", "live-12"} {
		got := r.String("Bearer " + key)
		if !strings.HasPrefix(got, "Bearer "+fidelity.KeyPlaceholderPrefix) || len(got) != len("Bearer ")+len(fidelity.KeyPlaceholderPrefix)+12 {
			t.Errorf("%s became %q", key, got)
		}
	}
}

func TestRecordingKeepsOrderBodiesAndTimings(t *testing.T) {
	srv := echo(t)
	rec := fidelity.NewRecorder(fidelity.NewRedactor(runID), fidelity.RecordProcess(3))
	client := &http.Client{Transport: rec}
	for i := range 3 {
		resp, err := client.Post(srv.URL+"/v1/x?i="+string(rune('0'+i)), "application/json", strings.NewReader(`{"n":1}`))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if !strings.Contains(string(got), `{"n":1}`) {
			t.Fatalf("the caller got %q: the recorder spent the body", got)
		}
	}
	entries := rec.Entries()
	for i, e := range entries {
		if e.Process != 3 || e.Sequence != i+1 {
			t.Errorf("entry %d: process %d, sequence %d", i+1, e.Process, e.Sequence)
		}
		if e.Request.PostData.String() != `{"n":1}` || !strings.Contains(e.Response.Content.Text, `"query":"i=`) {
			t.Errorf("entry %d: request %q, response %q", i+1, e.Request.PostData.String(), e.Response.Content.Text)
		}
		if tm := e.Timings; tm.Send < 0 || tm.Wait < 0 || tm.Receive < 0 || e.Time < tm.Wait {
			t.Errorf("entry %d: timings %+v, time %v", i+1, tm, e.Time)
		}
	}
	// The first exchange opened the connection; the others reused it.
	if entries[0].Timings.Connect < 0 || entries[2].Timings.Connect != -1 {
		t.Errorf("connect %v then %v", entries[0].Timings.Connect, entries[2].Timings.Connect)
	}
}

// A request that got no answer is recorded with why, and the caller gets the
// error.
func TestRecordingNotesExchangesWithoutAnswer(t *testing.T) {
	srv := echo(t)
	srv.Close()
	rec := fidelity.NewRecorder(fidelity.NewRedactor(runID))
	if _, err := (&http.Client{Transport: rec}).Get(srv.URL + "/v1/x"); err == nil {
		t.Fatal("no error from a closed server")
	}
	e := rec.Entries()[0]
	if e.Response.Status != 0 || !strings.HasPrefix(e.Comment, "no answer: ") {
		t.Fatalf("status %d, comment %q", e.Response.Status, e.Comment)
	}
}

// Parallel processes' parts merge by start time, but each process keeps its
// own order even where its clock went backwards.
func TestMergeKeepsEachProcessInOrder(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	part := func(process int, offsets ...int) *har.File {
		f := &har.File{Log: har.Log{Version: har.Version, Run: &har.RunInfo{ID: runID, BaseURL: "http://127.0.0.1/v1"}}}
		for i, off := range offsets {
			f.Log.Entries = append(f.Log.Entries, har.Entry{
				StartedDateTime: at.Add(time.Duration(off) * time.Second), Process: process, Sequence: i + 1,
			})
		}
		return f
	}
	merged := fidelity.Merge(part(1, 0, 2, 1, 5), part(2, 1, 3, 4))
	var got []string
	for _, e := range merged.Log.Entries {
		got = append(got, strings.Repeat("ab"[e.Process-1:e.Process], 1)+string(rune('0'+e.Sequence)))
	}
	if want := "a1 b1 a2 a3 b2 b3 a4"; strings.Join(got, " ") != want {
		t.Fatalf("merged %v, want %s", got, want)
	}
	if merged.Log.Run.Processes != 2 {
		t.Fatalf("processes %d", merged.Log.Run.Processes)
	}
}

func TestMergePartsNamesAMissingProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.har")
	rec := fidelity.NewRecorder(fidelity.NewRedactor(runID), fidelity.RecordProcess(2))
	srv := echo(t)
	resp, err := (&http.Client{Transport: rec}).Get(srv.URL + "/v1/x")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if err := har.WriteFile(fidelity.PartPath(path, 2), rec.File(har.RunInfo{ID: runID, BaseURL: srv.URL + "/v1"})); err != nil {
		t.Fatal(err)
	}
	if err := fidelity.MergeParts(path, 2); err != nil {
		t.Fatal(err)
	}
	f, err := har.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Log.Entries) != 1 || !strings.Contains(f.Log.Comment, "process 1 left no recording") {
		t.Fatalf("%d entries, comment %q", len(f.Log.Entries), f.Log.Comment)
	}
	if _, err := har.ReadFile(fidelity.PartPath(path, 2)); err == nil {
		t.Fatal("the part is still there after the merge")
	}
	if err := fidelity.MergeParts(filepath.Join(t.TempDir(), "none.har"), 2); err == nil {
		t.Fatal("merged nothing without an error")
	}
}
