package emulator_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
)

// Project keys of the gate's tests, in testKey's organization.
const (
	keyDefault = "sk-proj-default"
	keyAlpha   = "sk-proj-alpha"
)

// gate is an emulator with its plain and mTLS listeners on loopback, and an
// admin client on the plain one.
type gate struct {
	admin *apiClient
	plain string // base URL
	mtls  string // base URL
	roots *x509.CertPool
}

func newGate(t *testing.T) *gate {
	t.Helper()
	emu, err := emulator.New(emulator.Config{ProjectKeys: []emulator.ProjectKey{
		{Key: keyDefault, AdminKey: testKey, Project: "proj_default"},
		{Key: keyAlpha, AdminKey: testKey, Project: "proj_alpha"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(emu)
	t.Cleanup(plain.Close)
	cfg, caPEM, err := emulator.MTLSConfig("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	mtls := httptest.NewUnstartedServer(emu)
	mtls.TLS = cfg
	mtls.StartTLS()
	t.Cleanup(mtls.Close)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(caPEM))
	return &gate{
		admin: &apiClient{base: plain.URL + emulator.BasePath, key: testKey, http: plain.Client()},
		plain: plain.URL + emulator.BasePath,
		mtls:  mtls.URL + emulator.BasePath,
		roots: roots,
	}
}

// client is an HTTP client of the mTLS listener presenting cert (none when
// nil), with one connection it keeps alive.
func (g *gate) client(t *testing.T, cert *testcert.Certificate) *http.Client {
	t.Helper()
	cfg := &tls.Config{RootCAs: g.roots}
	if cert != nil {
		pair, err := cert.TLS()
		if err != nil {
			t.Fatal(err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	tr := &http.Transport{TLSClientConfig: cfg, MaxConnsPerHost: 1}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// answer is a data plane answer: its status and, for an error, its code.
type answer struct {
	status int
	code   string
	reused bool // over a connection used before
	body   map[string]any
}

func call(t *testing.T, c *http.Client, method, url, key, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	var a answer
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { a.reused = i.Reused }}))
	resp, b := roundTrip(t, c, req)
	a.status = resp.StatusCode
	if err := json.Unmarshal(b, &a.body); err != nil {
		t.Fatalf("%s %s answered %d, not JSON: %q", method, url, resp.StatusCode, b)
	}
	if e, ok := a.body["error"].(map[string]any); ok {
		a.code, _ = e["code"].(string)
	}
	return a
}

func (g *gate) models(t *testing.T, c *http.Client, key string) answer {
	t.Helper()
	return call(t, c, http.MethodGet, g.mtls+"/models", key, "")
}

// uploadCA uploads a fresh CA and returns it with its id.
func (g *gate) uploadCA(t *testing.T) (testcert.Certificate, string) {
	t.Helper()
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ ID string }
	g.admin.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": ca.PEM}).decode(t, http.StatusOK, &got)
	return ca, got.ID
}

// toggle activates or deactivates id for project ("" for the organization).
func (g *gate) toggle(t *testing.T, project, id, action string) {
	t.Helper()
	path := "/organization/certificates/" + action
	if project != "" {
		path = "/organization/projects/" + project + "/certificates/" + action
	}
	g.admin.do(t, http.MethodPost, path, map[string]any{"certificate_ids": []string{id}}).decode(t, http.StatusOK, nil)
}

func clientOf(t *testing.T, ca testcert.Certificate) *testcert.Certificate {
	t.Helper()
	c, err := testcert.NewClient(ca.PEM, ca.KeyPEM, testcert.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

func TestDataPlaneAnswersOnBothListeners(t *testing.T) {
	g := newGate(t)
	for name, base := range map[string]string{"plain": g.plain, "mtls": g.mtls} {
		t.Run(name, func(t *testing.T) {
			c := g.client(t, nil)
			if base == g.plain {
				c = http.DefaultClient
			}
			list := call(t, c, http.MethodGet, base+"/models", keyDefault, "")
			data, _ := list.body["data"].([]any)
			if list.status != http.StatusOK || list.body["object"] != "list" || len(data) == 0 {
				t.Fatalf("GET /models: %d %v", list.status, list.body)
			}
			if m, _ := data[0].(map[string]any); m["object"] != "model" || m["id"] == "" || m["owned_by"] == nil {
				t.Errorf("a model: %v", data[0])
			}
			chat := call(t, c, http.MethodPost, base+"/chat/completions", keyDefault, `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`)
			if chat.status != http.StatusOK || chat.body["object"] != "chat.completion" || chat.body["model"] != "gpt-4o-mini" {
				t.Errorf("POST /chat/completions: %d %v", chat.status, chat.body)
			}
			for _, tt := range []struct {
				method, path, key, body string
				status                  int
			}{
				{http.MethodGet, "/models", "sk-proj-unknown", "", http.StatusUnauthorized},
				{http.MethodGet, "/models", testKey, "", http.StatusUnauthorized},
				{http.MethodPost, "/chat/completions", keyDefault, `{"messages":[{"role":"user","content":"hi"}]}`, http.StatusBadRequest},
				{http.MethodPost, "/chat/completions", keyDefault, `{"model":"gpt-4o-mini","messages":[]}`, http.StatusBadRequest},
				{http.MethodPost, "/chat/completions", keyDefault, `{`, http.StatusBadRequest},
				{http.MethodDelete, "/models", keyDefault, "", http.StatusMethodNotAllowed},
			} {
				if a := call(t, c, tt.method, base+tt.path, tt.key, tt.body); a.status != tt.status || a.body["error"] == nil {
					t.Errorf("%s %s (%s, %s): %d %v, want %d and an error", tt.method, tt.path, tt.key, tt.body, a.status, a.body, tt.status)
				}
			}
		})
	}
}

// An activation takes effect on the next request, over the same connection;
// the plain listener refuses a project that needs a client certificate.
func TestTheGateDecidesAtEachRequest(t *testing.T) {
	g := newGate(t)
	ca, id := g.uploadCA(t)
	without := g.client(t, nil)
	with := g.client(t, clientOf(t, ca))
	for _, c := range []*http.Client{without, with} {
		if a := g.models(t, c, keyDefault); a.status != http.StatusOK {
			t.Fatalf("no CA active: %d %v", a.status, a.body)
		}
	}
	g.toggle(t, "proj_default", id, "activate")
	if a := g.models(t, without, keyDefault); a.status != http.StatusForbidden || a.code != "client_certificate_required" || !a.reused {
		t.Errorf("without a certificate, after the activation, on the same connection: %+v", a)
	}
	if a := g.models(t, with, keyDefault); a.status != http.StatusOK || !a.reused {
		t.Errorf("with the CA's client certificate: %+v", a)
	}
	if a := call(t, http.DefaultClient, http.MethodGet, g.plain+"/models", keyDefault, ""); a.status != http.StatusForbidden || a.code != "client_certificate_required" {
		t.Errorf("the plain listener: %+v", a)
	}
	if a := g.models(t, without, keyAlpha); a.status != http.StatusOK {
		t.Errorf("another project, no CA of its own or the organization's: %+v", a)
	}
	g.toggle(t, "", id, "activate")
	if a := g.models(t, without, keyAlpha); a.status != http.StatusForbidden {
		t.Errorf("active for the organization, inherited by another project: %+v", a)
	}
	other, _ := g.uploadCA(t)
	if a := g.models(t, g.client(t, clientOf(t, other)), keyAlpha); a.status != http.StatusForbidden || a.code != "client_certificate_refused" {
		t.Errorf("a client certificate of an inactive CA: %+v", a)
	}
	g.toggle(t, "", id, "deactivate")
	g.toggle(t, "proj_default", id, "deactivate")
	if a := g.models(t, without, keyDefault); a.status != http.StatusOK || !a.reused {
		t.Errorf("after the deactivations, on the same connection: %+v", a)
	}
}

// Project keys come from fixtures too, checked against the fixture
// organization's own projects.
func TestFixtureProjectKeys(t *testing.T) {
	fixtures := func(project string) *emulator.Fixtures {
		return &emulator.Fixtures{Organizations: []emulator.FixtureOrganization{{
			AdminKey: "sk-admin-fixture", Projects: []string{"proj_web"},
			ProjectKeys: map[string]string{"sk-proj-web": project},
		}}}
	}
	emu, err := emulator.New(emulator.Config{Keys: []string{testKey}, Fixtures: fixtures("proj_web")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	if a := call(t, http.DefaultClient, http.MethodGet, srv.URL+emulator.BasePath+"/models", "sk-proj-web", ""); a.status != http.StatusOK {
		t.Errorf("a fixture's project key: %+v", a)
	}
	if _, err := emulator.New(emulator.Config{Fixtures: fixtures("proj_default")}); err == nil || !strings.Contains(err.Error(), "proj_default") {
		t.Errorf("a project the fixture organization lacks: %v", err)
	}
}
