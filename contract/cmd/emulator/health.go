package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthPath answers without a key, outside the API's /v1, so that a
// container runtime or a CI service can wait for the emulator without
// knowing any admin key, and without a request line in the log every few
// seconds.
const healthPath = "/healthz"

type health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

// withHealth answers healthPath itself and hands every other request to the
// emulator unchanged (a ServeMux would redirect unclean paths the API
// answers with its own 404).
func withHealth(api http.Handler) http.Handler {
	body, _ := json.Marshal(health{Status: "ok", Version: buildVersion()}) // two strings always marshal
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != healthPath {
			api.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body)
	})
}

// checkHealth asks a running emulator at addr, the -addr it was started
// with, for its health answer: the container image's HEALTHCHECK runs this,
// as a scratch image has no curl. An address on all interfaces is asked on
// loopback.
func checkHealth(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + healthPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	defer resp.Body.Close()
	var h health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil || resp.StatusCode != http.StatusOK || h.Status != "ok" {
		return fmt.Errorf("health check: %s answered %s", url, resp.Status)
	}
	return nil
}
