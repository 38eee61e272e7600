package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const modelsPage = `{"object":"list","data":[{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}]}`

func TestModelsShape(t *testing.T) {
	if err := modelsShape([]byte(modelsPage)); err != nil {
		t.Fatalf("the official shape refused: %v", err)
	}
	for name, body := range map[string]string{
		"an error":         `{"error":{"message":"no","type":"invalid_request_error"}}`,
		"an empty list":    `{"object":"list","data":[]}`,
		"created null":     `{"object":"list","data":[{"id":"m","object":"model","created":null,"owned_by":"system"}]}`,
		"no owned_by":      `{"object":"list","data":[{"id":"m","object":"model","created":1}]}`,
		"another object":   `{"object":"list","data":[{"id":"m","object":"certificate","created":1,"owned_by":"system"}]}`,
		"not JSON":         `<html>`,
		"not a list field": `{"object":"page","data":[{"id":"m","object":"model","created":1,"owned_by":"system"}]}`,
	} {
		if err := modelsShape([]byte(body)); err == nil {
			t.Errorf("%s: passed the shape check", name)
		}
	}
}

// TestDriveChecksEveryAnswer: an answer that changes under load, or turns
// into a refusal, fails the drive, as a 400 fails a wrk measurement.
func TestDriveChecksEveryAnswer(t *testing.T) {
	noCPU := func() (time.Duration, error) { return 0, nil }
	for name, later := range map[string]func(w http.ResponseWriter){
		"same":    func(w http.ResponseWriter) { _, _ = w.Write([]byte(modelsPage)) },
		"changed": func(w http.ResponseWriter) { _, _ = w.Write([]byte(strings.Replace(modelsPage, "4.1", "4.2", 1))) },
		"refused": func(w http.ResponseWriter) { http.Error(w, `{"error":{}}`, http.StatusForbidden) },
	} {
		var n atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer "+openKey {
				http.Error(w, "no key", http.StatusUnauthorized)
				return
			}
			if n.Add(1) <= 5 {
				_, _ = w.Write([]byte(modelsPage))
				return
			}
			later(w)
		}))
		r, err := drive{name: name, url: srv.URL, key: openKey, keepAlive: true}.run(context.Background(), 20, 2, noCPU)
		srv.Close()
		if name == "same" {
			if err != nil || r.requests != 20 {
				t.Errorf("%s: %d requests, %v; want 20 and no error", name, r.requests, err)
			}
		} else if err == nil {
			t.Errorf("%s: the drive passed", name)
		}
	}
}
