package emulator_test

import (
	"net/http"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// endpoint is one operation with a request that would otherwise be valid.
type endpoint struct {
	name   string
	method string
	path   string
	body   any
}

var toggleBody = map[string]any{"certificate_ids": []string{"cert_missing"}}

// endpoints lists all ten operations.
var endpoints = []endpoint{
	{"listOrganizationCertificates", http.MethodGet, "/organization/certificates", nil},
	{"uploadCertificate", http.MethodPost, "/organization/certificates", map[string]any{"certificate": "x"}},
	{"activateOrganizationCertificates", http.MethodPost, "/organization/certificates/activate", toggleBody},
	{"deactivateOrganizationCertificates", http.MethodPost, "/organization/certificates/deactivate", toggleBody},
	{"getCertificate", http.MethodGet, "/organization/certificates/cert_missing", nil},
	{"modifyCertificate", http.MethodPost, "/organization/certificates/cert_missing", map[string]any{"name": "n"}},
	{"deleteCertificate", http.MethodDelete, "/organization/certificates/cert_missing", nil},
	{"listProjectCertificates", http.MethodGet, "/organization/projects/proj_default/certificates", nil},
	{"activateProjectCertificates", http.MethodPost, "/organization/projects/proj_default/certificates/activate", toggleBody},
	{"deactivateProjectCertificates", http.MethodPost, "/organization/projects/proj_default/certificates/deactivate", toggleBody},
}

func TestUnauthorizedOnEveryEndpoint(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	listed := newEmulator(t, emulator.Config{Keys: []string{"sk-admin-listed", "custom-key"}})
	tests := []struct {
		name   string
		client *apiClient
		header string // Authorization; "" sends none
	}{
		{name: "no header", client: c},
		{name: "not bearer", client: c, header: "Basic " + testKey},
		{name: "bearer without key", client: c, header: "Bearer "},
		{name: "not an admin key", client: c, header: "Bearer sk-proj-abc"},
		{name: "admin prefix only", client: c, header: "Bearer sk-admin-"},
		{name: "key with a space", client: c, header: "Bearer sk-admin-a b"},
		{name: "well-formed key not in the allow-list", client: listed, header: "Bearer sk-admin-other"},
	}
	for _, tt := range tests {
		for _, ep := range endpoints {
			t.Run(tt.name+"/"+ep.name, func(t *testing.T) {
				r := tt.client.as("").send(t, ep.method, ep.path, ep.body, func(req *http.Request) {
					if tt.header != "" {
						req.Header.Set("Authorization", tt.header)
					}
				})
				r.wantError(t, apiErr{status: http.StatusUnauthorized, code: generated.ErrorCodeInvalidAPIKey})
			})
		}
	}
}

func TestAllowListAcceptsItsKeys(t *testing.T) {
	c := newEmulator(t, emulator.Config{Keys: []string{"sk-admin-listed", "custom-key"}})
	for _, key := range []string{"sk-admin-listed", "custom-key"} {
		c.as(key).do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, nil)
	}
}

// A bad key learns nothing about the request: it gets 401 even when the
// request is malformed too.
func TestUnauthorizedBeforeValidation(t *testing.T) {
	c := newEmulator(t, emulator.Config{}).as("sk-wrong")
	tests := []struct {
		name   string
		method string
		path   string
		body   any
	}{
		{"limit out of range", http.MethodGet, "/organization/certificates?limit=1000", nil},
		{"malformed JSON", http.MethodPost, "/organization/certificates", "{"},
		{"reference page toggle body", http.MethodPost, "/organization/certificates/activate", map[string]any{"data": []string{"cert_abc"}}},
		{"unknown route", http.MethodGet, "/nothing/here", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.do(t, tt.method, tt.path, tt.body).wantError(t, apiErr{status: http.StatusUnauthorized, code: generated.ErrorCodeInvalidAPIKey})
		})
	}
}

// Each key is its own organization: nothing one does is visible to another.
func TestOrganizationsAreIsolated(t *testing.T) {
	alice := newEmulator(t, emulator.Config{})
	bob := alice.as("sk-admin-bob")
	cert := alice.upload(t, "alice's")

	var page generated.ListCertificatesResponse
	bob.do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, &page)
	if len(page.Data) != 0 {
		t.Fatalf("bob sees %d certificates of alice", len(page.Data))
	}
	id := cert.Id
	bob.do(t, http.MethodGet, "/organization/certificates/"+id, nil).wantError(t, apiErr{status: 404, param: "certificate_id", code: generated.ErrorCodeNotFound})
	bob.do(t, http.MethodPost, "/organization/certificates/"+id, map[string]any{"name": "bob's"}).wantError(t, apiErr{status: 404, param: "certificate_id", code: generated.ErrorCodeNotFound})
	bob.do(t, http.MethodPost, "/organization/certificates/activate", map[string]any{"certificate_ids": []string{id}}).
		wantError(t, apiErr{status: 404, param: "certificate_ids", code: generated.ErrorCodeNotFound})
	bob.do(t, http.MethodDelete, "/organization/certificates/"+id, nil).wantError(t, apiErr{status: 404, param: "certificate_id", code: generated.ErrorCodeNotFound})

	var got generated.Certificate
	alice.do(t, http.MethodGet, "/organization/certificates/"+id, nil).decode(t, http.StatusOK, &got)
	if got.Name == nil || *got.Name != "alice's" {
		t.Fatalf("alice's certificate changed: %+v", got)
	}
	// Bob's limit is his own: alice's certificate does not count against it.
	for range emulator.MaxCertificates {
		bob.upload(t, "")
	}
	alice.upload(t, "")
}
