package emulatortest_test

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator/emulatortest"
	"github.com/certcontract/certcontract/contract/testcert"
)

// WithMTLS: the organization's CA active for the key's project, its client
// certificate goes through the gate and nothing else does.
func TestWithMTLS(t *testing.T) {
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	emu := emulatortest.Start(t,
		emulatortest.WithCertificates(emulatortest.Certificate{PEM: ca.PEM, ActiveInProjects: []string{"proj_default"}}),
		emulatortest.WithMTLS(map[string]string{"sk-proj-kit": "proj_default"}))
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(emu.ServerCA))
	client, err := testcert.NewClient(ca.PEM, ca.KeyPEM, testcert.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pair, err := client.TLS()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		certs []tls.Certificate
		want  int
	}{
		{"without a client certificate", nil, http.StatusForbidden},
		{"with the CA's client certificate", []tls.Certificate{pair}, http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, emu.MTLSURL+"/models", nil)
		req.Header.Set("Authorization", "Bearer sk-proj-kit")
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: tt.certs}}
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		tr.CloseIdleConnections()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	if emulatortest.Start(t).MTLSURL != "" {
		t.Error("an mTLS listener without WithMTLS")
	}
}
