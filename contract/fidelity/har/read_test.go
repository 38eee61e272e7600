package har_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/fidelity/har"
)

// sample is a small recording of two exchanges, as the recorder writes one.
func sample(t testing.TB) []byte {
	t.Helper()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	entry := func(seq int, method, path string, status int, body string) har.Entry {
		e := har.Entry{
			StartedDateTime: start.Add(time.Duration(seq) * time.Millisecond),
			Time:            1.5,
			Process:         1,
			Sequence:        seq,
			Request: har.Request{
				Method: method, URL: "http://127.0.0.1:8080/v1" + path, HTTPVersion: "HTTP/1.1",
				Cookies: []har.Cookie{}, QueryString: []har.NameValue{}, HeadersSize: -1,
				Headers: []har.NameValue{{Name: "Authorization", Value: "Bearer REDACTED-ADMIN-KEY-0123456789ab"}},
			},
			Response: har.Response{
				Status: status, StatusText: "OK", HTTPVersion: "HTTP/1.1", Cookies: []har.Cookie{},
				Headers: []har.NameValue{{Name: "Content-Type", Value: "application/json"}},
				Content: har.NewContent("application/json", []byte(body)), HeadersSize: -1, BodySize: len(body),
			},
			Timings: har.Timings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1, Send: 0.1, Wait: 1.2, Receive: 0.2},
		}
		return e
	}
	f := &har.File{Log: har.Log{
		Version: har.Version,
		Creator: har.Creator{Name: "certcontract", Version: "test"},
		Run:     &har.RunInfo{ID: "cc01234567", BaseURL: "http://127.0.0.1:8080/v1", Processes: 1},
		Entries: []har.Entry{
			entry(1, "GET", "/organization/certificates", 200, `{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":false}`),
			entry(2, "GET", "/organization/certificates/cert_1", 404, `{"error":{"message":"No such certificate.","type":"invalid_request_error","param":"certificate_id","code":"not_found"}}`),
		},
	}}
	var b bytes.Buffer
	if err := har.Write(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadWhatWriteWrote(t *testing.T) {
	f, err := har.Read(bytes.NewReader(sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Log.Entries) != 2 || f.Log.Run.ID != "cc01234567" {
		t.Fatalf("read back %d entries, run %+v", len(f.Log.Entries), f.Log.Run)
	}
	body, err := f.Log.Entries[1].Response.Content.Body()
	if err != nil || !strings.Contains(string(body), "not_found") {
		t.Fatalf("body %q, %v", body, err)
	}
}

// A file cut anywhere is refused with an error, never a panic; cut inside the
// entries, the error names the entry it ends in.
func TestTruncatedFileNamesTheEntry(t *testing.T) {
	full := sample(t)
	entries := bytes.Index(full, []byte(`"entries"`))
	second := bytes.Index(full, []byte(`"_sequence": 2`))
	end := bytes.LastIndexByte(full, ']') // the end of the entries
	for n := 0; n < len(full)-2; n += 7 {
		_, err := har.Read(bytes.NewReader(full[:n]))
		if err == nil {
			t.Fatalf("cut at byte %d of %d: no error", n, len(full))
		}
		switch {
		case n > second && n <= end:
			if !strings.Contains(err.Error(), "entry 2") {
				t.Fatalf("cut at byte %d inside entry 2: %v", n, err)
			}
		case n > entries+20 && n <= end:
			if !strings.Contains(err.Error(), "entry") {
				t.Fatalf("cut at byte %d inside the entries: %v", n, err)
			}
		}
	}
}

func TestHandEditedFileNamesTheEntry(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"status as a string", `"status": 404`, `"status": "404"`, `entry 2 (after entry 1, GET /v1/organization/certificates): response.status: want int, found a JSON string`},
		{"status out of range", `"status": 404`, `"status": 4040`, `entry 2 (GET /v1/organization/certificates/cert_1): response.status 4040 is not an HTTP status`},
		{"no answer without a reason", `"status": 404`, `"status": 0`, `entry 2 (GET /v1/organization/certificates/cert_1): response.status 0 (no answer) needs a comment`},
		{"method blanked", `"method": "GET",
          "url": "http://127.0.0.1:8080/v1/organization/certificates/cert_1"`, `"method": "",
          "url": "http://127.0.0.1:8080/v1/organization/certificates/cert_1"`, `entry 2 (/v1/organization/certificates/cert_1): request.method "" is not an HTTP method`},
		{"relative URL", `"url": "http://127.0.0.1:8080/v1/organization/certificates/cert_1"`, `"url": "/v1/organization/certificates/cert_1"`, `entry 2 (GET /v1/organization/certificates/cert_1): request.url "/v1/organization/certificates/cert_1" is not an absolute http(s) URL`},
		{"sequence repeated", `"_sequence": 2`, `"_sequence": 1`, `entry 2 (GET /v1/organization/certificates/cert_1): _sequence 1 of process 1 comes after its 1`},
		{"process zero", `"_process": 1,
        "_sequence": 2`, `"_process": 0,
        "_sequence": 2`, `entry 2 (GET /v1/organization/certificates/cert_1): _process 0 and _sequence 2: both start at 1`},
		{"unknown body encoding", `"mimeType": "application/json",
            "text": "{\"error\"`, `"mimeType": "application/json", "encoding": "rot13",
            "text": "{\"error\"`, `entry 2 (GET /v1/organization/certificates/cert_1): response.content: unknown encoding "rot13"`},
		{"bad base64", `"mimeType": "application/json",
            "text": "{\"error\"`, `"mimeType": "application/json", "encoding": "base64",
            "text": "{\"error\"`, `entry 2 (GET /v1/organization/certificates/cert_1): response.content: illegal base64`},
		{"date not a date", `"startedDateTime": "2026-01-02T03:04:05.002Z"`, `"startedDateTime": "yesterday"`, `entry 2 (after entry 1, GET /v1/organization/certificates): parsing time "yesterday"`},
		{"negative receive", `"receive": 0.2
        },
        "_process": 1,
        "_sequence": 2`, `"receive": -0.2
        },
        "_process": 1,
        "_sequence": 2`, `entry 2 (GET /v1/organization/certificates/cert_1): timings send, wait and receive are never negative`},
		{"entries not a list", `"entries": [`, `"entries": {"x": [`, `log.entries: want "[", found {`},
		{"version", `"version": "1.2"`, `"version": "2.0"`, `log.version "2.0": want 1.2`},
		{"unquoted key", `"time": 1.5,
        "request": {
          "method": "GET",
          "url": "http://127.0.0.1:8080/v1/organization/certificates/cert_1"`, `time: 1.5,
        "request": {
          "method": "GET",
          "url": "http://127.0.0.1:8080/v1/organization/certificates/cert_1"`, `entry 2 (after entry 1, GET /v1/organization/certificates): not valid JSON at byte`},
	}
	full := string(sample(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(full, tt.old) {
				t.Fatalf("the sample has no %q", tt.old)
			}
			edited := strings.Replace(full, tt.old, tt.new, 1)
			_, err := har.Read(strings.NewReader(edited))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadRefusesWhatIsNoHAR(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":         "",
		"an array":      "[]",
		"no log":        `{"x": 1}`,
		"no entries":    `{"log": {"version": "1.2"}}`,
		"trailing data": string(sample(t)) + "{}",
	} {
		if _, err := har.Read(strings.NewReader(doc)); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
}

// A file written by another tool has no process numbers: it is one process,
// in file order.
func TestEntriesWithoutNumbersAreOneProcessInFileOrder(t *testing.T) {
	doc := strings.NewReplacer(`"_process": 1,`, "", `"_sequence": 1`, `"comment": "a"`, `"_sequence": 2`, `"comment": "b"`).Replace(string(sample(t)))
	f, err := har.Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range f.Log.Entries {
		if e.Process != 1 || e.Sequence != i+1 {
			t.Fatalf("entry %d: process %d, sequence %d", i+1, e.Process, e.Sequence)
		}
	}
}

// Whatever the bytes, Read answers with a file or an error, never a panic.
func FuzzRead(f *testing.F) {
	full := sample(f)
	f.Add(full)
	f.Add(full[:len(full)/2])
	f.Add([]byte(`{"log":{"version":"1.2","entries":[{}]}}`))
	f.Add([]byte(`{"log":{"version":"1.2","entries":[{"request":{"postData":{"text":"x","_encoding":"base64"}}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if file, err := har.Read(bytes.NewReader(b)); err == nil {
			for _, e := range file.Log.Entries {
				_, _ = e.Response.Content.Body()
				_, _ = e.Request.PostData.Body()
			}
		}
	})
}
