package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// The data plane behind the mTLS gate (docs/mtls.md) is driven from this
// process, not by wrk: wrk speaks TLS but cannot present a client
// certificate, and a gated request without one is refused. So that the
// plain listener and the mTLS listener compare on the same footing, this
// driver runs both; its figures compare with each other, not with wrk's.
// It is bounded in requests: -gate-requests per keep-alive drive, a quarter of
// that per drive with a new connection per request (the server's CPU time
// is read in ticks of 10 ms, so fewer would blur the handshake's figure).

// Project keys of the data plane: gatedKey's organization has a CA active,
// so the gate verifies a client certificate at every request; openKey's has
// none, so the plain listener answers it.
const (
	gatedKey = "sk-proj-load"
	openKey  = "sk-proj-open"
	openOrg  = "sk-admin-load-open"
)

// drive is one way of sending GET /v1/models.
type drive struct {
	name      string
	url       string
	key       string
	keepAlive bool
	tls       *tls.Config // nil: plain HTTP
}

// gateResult is one drive's measurement.
type gateResult struct {
	requests int
	elapsed  time.Duration
	p50      time.Duration
	cpu      time.Duration // the emulator's CPU per answer
}

func (r gateResult) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// modelsShape checks an answer of GET /v1/models as openai-go reads it: a
// list object of models, each with an id, object "model", created and
// owned_by. Every later answer of a drive must be these very bytes.
func modelsShape(body []byte) error {
	var page struct {
		Object string `json:"object"`
		Data   []struct {
			ID      string `json:"id"`
			Object  string `json:"object"`
			Created *int64 `json:"created"`
			OwnedBy string `json:"owned_by"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return fmt.Errorf("not a list of models: %w", err)
	}
	if page.Object != "list" || len(page.Data) == 0 {
		return fmt.Errorf("object %q with %d models, want a list of at least one", page.Object, len(page.Data))
	}
	for _, m := range page.Data {
		if m.ID == "" || m.Object != "model" || m.Created == nil || m.OwnedBy == "" {
			return fmt.Errorf("model %q: object %q, created %v, owned_by %q: want id, object model, created, owned_by", m.ID, m.Object, m.Created, m.OwnedBy)
		}
	}
	return nil
}

// run sends n requests over conns connections (a new one per request
// without keep-alive) and checks every answer: 200 and the bytes of the
// first, whose shape modelsShape checked.
func (d drive) run(ctx context.Context, n, conns int, cpu func() (time.Duration, error)) (gateResult, error) {
	tr := &http.Transport{TLSClientConfig: d.tls, MaxIdleConnsPerHost: conns, DisableKeepAlives: !d.keepAlive, ForceAttemptHTTP2: false}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	get := func() ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+d.key)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("answered %d: %s", resp.StatusCode, bytes.TrimSpace(body))
		}
		return body, nil
	}
	want, err := get()
	if err != nil {
		return gateResult{}, err
	}
	if err := modelsShape(want); err != nil {
		return gateResult{}, err
	}

	cpuBefore, err := cpu()
	if err != nil {
		return gateResult{}, err
	}
	var (
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, n)
		errs      []error
		next      = make(chan struct{}, n)
		wg        sync.WaitGroup
	)
	for range n {
		next <- struct{}{}
	}
	close(next)
	start := time.Now()
	for range conns {
		wg.Go(func() {
			for range next {
				t := time.Now()
				body, err := get()
				if err == nil && !bytes.Equal(body, want) {
					err = fmt.Errorf("answer %q differs from the first, %q", body, want)
				}
				mu.Lock()
				latencies = append(latencies, time.Since(t))
				if err != nil && len(errs) < 3 {
					errs = append(errs, err)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return gateResult{}, err
	}
	cpuAfter, err := cpu()
	if err != nil {
		return gateResult{}, err
	}
	slices.Sort(latencies)
	return gateResult{requests: n, elapsed: elapsed, p50: latencies[n/2], cpu: (cpuAfter - cpuBefore) / time.Duration(n)}, nil
}

// gateDrives are the four drives, in the order measured: the plain and the
// mTLS listener with keep-alive, then each with a new connection per
// request, whose difference is the cost of a TLS handshake with a client
// certificate.
func (e *emulator) gateDrives() ([]drive, error) {
	pool := x509.NewCertPool()
	serverCA, err := os.ReadFile(e.serverCAFile)
	if err != nil {
		return nil, err
	}
	if !pool.AppendCertsFromPEM(serverCA) {
		return nil, fmt.Errorf("%s holds no certificate", e.serverCAFile)
	}
	cert, err := e.client.TLS()
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	plain, gated := "http://"+e.addr+"/v1/models", "https://"+e.mtlsAddr+"/v1/models"
	return []drive{
		{name: "plain listener, keep-alive", url: plain, key: openKey, keepAlive: true},
		{name: "mTLS listener, keep-alive", url: gated, key: gatedKey, keepAlive: true, tls: cfg},
		{name: "plain listener, new connection per request", url: plain, key: openKey},
		{name: "mTLS listener, new handshake per request", url: gated, key: gatedKey, tls: cfg},
	}, nil
}

// measureGate runs every drive runs times, alternating, and prints each
// drive's medians and the handshake's cost: reported, never asserted.
func measureGate(ctx context.Context, e *emulator, requests, conns, runs int, out io.Writer) error {
	drives, err := e.gateDrives()
	if err != nil {
		return err
	}
	results := make([][]gateResult, len(drives))
	for round := 1; round <= runs; round++ {
		for i, d := range drives {
			n := requests
			if !d.keepAlive {
				n = max(requests/4, 1)
			}
			r, err := d.run(ctx, n, conns, e.cpu)
			if err != nil {
				return fmt.Errorf("GET /v1/models, %s, round %d: %w", d.name, round, err)
			}
			fmt.Fprintf(out, "  round %d  %-44s %8.0f req/s  p50 %-8v server CPU %.1f µs/answer  (%d requests)\n",
				round, d.name, r.rps(), r.p50.Round(time.Microsecond), float64(r.cpu)/float64(time.Microsecond), r.requests)
			results[i] = append(results[i], r)
		}
	}
	med := func(i int, f func(gateResult) float64) float64 {
		v := make([]float64, len(results[i]))
		for j, r := range results[i] {
			v[j] = f(r)
		}
		return median(v)
	}
	rps := func(r gateResult) float64 { return r.rps() }
	cpu := func(r gateResult) float64 { return float64(r.cpu) }
	p50 := func(r gateResult) float64 { return float64(r.p50) }
	fmt.Fprintf(out, "\nGET /v1/models, every answer checked (200, the models' shape, the same bytes), driven from this process (%d connections):\n\n", conns)
	fmt.Fprintln(out, "| listener and connections | req/s | p50 | server CPU/answer |")
	fmt.Fprintln(out, "| --- | ---: | ---: | ---: |")
	for i, d := range drives {
		fmt.Fprintf(out, "| %s | %s | %s | %s |\n", d.name, thousands(med(i, rps)), ms(time.Duration(med(i, p50))), us(time.Duration(med(i, cpu))))
	}
	// Ratios within each round, then the median, as the wrk rounds do.
	share := func(a, b int, f func(gateResult) float64) float64 {
		v := make([]float64, runs)
		for j := range runs {
			v[j] = f(results[a][j]) / f(results[b][j])
		}
		return median(v)
	}
	diff := func(a, b int, f func(gateResult) float64) time.Duration {
		v := make([]float64, runs)
		for j := range runs {
			v[j] = f(results[a][j]) - f(results[b][j])
		}
		return time.Duration(median(v))
	}
	fmt.Fprintln(out, "\nthe gate's cost (reported, not asserted):")
	fmt.Fprintf(out, "  mTLS with keep-alive: %s of the plain listener's req/s, %+.1f µs server CPU/answer (TLS records and the client certificate checked at every request)\n",
		percent(share(1, 0, rps)), float64(diff(1, 0, cpu))/float64(time.Microsecond))
	fmt.Fprintf(out, "  a new TLS handshake with a client certificate: %+.1f µs server CPU and %+.2f ms p50 per request over a new plain connection; %s of its req/s\n",
		float64(diff(3, 2, cpu))/float64(time.Microsecond), float64(diff(3, 2, p50))/float64(time.Millisecond), percent(share(3, 2, rps)))
	return nil
}
