package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
)

var mtlsBaseURL = regexp.MustCompile(`listening for mutual TLS" base_url=(https://\S+)`)

// The command's mTLS listener: its CA in the file named, the data plane
// open while no CA is active, and the gate closed to a client without a
// certificate of the CA once it is active for the key's project.
func TestMTLSListener(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	caFile := filepath.Join(t.TempDir(), "server-ca.pem")
	base, logs, done := start(t, ctx, []string{"-mtls-addr", "127.0.0.1:0", "-mtls-ca-file", caFile,
		"-project-keys", "sk-proj-cmd=sk-admin-cmd/proj_default"}, nil)
	// The log reaches its writer asynchronously (logsink.go).
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		m = mtlsBaseURL.FindStringSubmatch(logs.String())
	}
	if m == nil {
		t.Fatalf("no mTLS listening line:\n%s", logs)
	}
	serverCA, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(serverCA) {
		t.Fatalf("-mtls-ca-file holds no certificate: %q", serverCA)
	}
	models := func(cert *testcert.Certificate) int {
		t.Helper()
		cfg := &tls.Config{RootCAs: roots}
		if cert != nil {
			pair, err := cert.TLS()
			if err != nil {
				t.Fatal(err)
			}
			cfg.Certificates = []tls.Certificate{pair}
		}
		req, _ := http.NewRequest(http.MethodGet, m[1]+"/models", nil)
		req.Header.Set("Authorization", "Bearer sk-proj-cmd")
		resp, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	if got := models(nil); got != http.StatusOK {
		t.Fatalf("no CA active: %d", got)
	}
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	admin := func(path, body string) []byte {
		t.Helper()
		resp, b := curl{method: http.MethodPost, path: path, body: body}.send(t, base, "sk-admin-cmd", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
		}
		return b
	}
	pemJSON, _ := json.Marshal(ca.PEM)
	var uploaded struct{ ID string }
	json.Unmarshal(admin("/organization/certificates", `{"certificate":`+string(pemJSON)+`}`), &uploaded)
	admin("/organization/projects/proj_default/certificates/activate", `{"certificate_ids":["`+uploaded.ID+`"]}`)
	if got := models(nil); got != http.StatusForbidden {
		t.Errorf("active CA, no client certificate: %d", got)
	}
	client, err := testcert.NewClient(ca.PEM, ca.KeyPEM, testcert.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := models(&client); got != http.StatusOK {
		t.Errorf("active CA, its client certificate: %d", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestMTLSOptions(t *testing.T) {
	for _, args := range [][]string{
		{"-mtls-addr", "127.0.0.1:0"},
		{"-mtls-addr", "0.0.0.0:0", "-mtls-ca-file", "ca.pem"},
		{"-project-keys", "sk-proj-x"},
		{"-project-keys", "sk-proj-x=sk-admin-y"},
	} {
		if _, err := parseOptions(args, func(string) string { return "" }, io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}
