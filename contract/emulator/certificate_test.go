package emulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

func TestGetCertificate(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	pemText := newCertPEM(t, testcert.Options{})
	var up generated.Certificate
	c.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": pemText, "name": "n"}).decode(t, http.StatusOK, &up)
	// Active or not, get answers the same way.
	c.do(t, http.MethodPost, "/organization/certificates/activate", map[string]any{"certificate_ids": []string{up.Id}}).decode(t, http.StatusOK, nil)

	tests := []struct {
		name        string
		query       string
		wantContent bool
	}{
		{"plain", "", false},
		{"include[]=content", "?include[]=content", true},
		{"include=content", "?include=content", true},
		{"both spellings", "?include[]=content&include=content", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.do(t, http.MethodGet, "/organization/certificates/"+up.Id+tt.query, nil)
			var raw map[string]any
			r.decode(t, http.StatusOK, &raw)
			var got generated.Certificate
			r.decode(t, http.StatusOK, &got)
			if _, ok := raw["active"]; ok {
				t.Errorf("get answered active: %s", r.body)
			}
			if got.Object != "certificate" || got.Id != up.Id || *got.Name != "n" || got.CreatedAt != up.CreatedAt ||
				*got.CertificateDetails.ValidAt != *up.CertificateDetails.ValidAt || *got.CertificateDetails.ExpiresAt != *up.CertificateDetails.ExpiresAt {
				t.Errorf("get %s, upload answered %+v", r.body, up)
			}
			switch content := got.CertificateDetails.Content; {
			case tt.wantContent && (content == nil || *content != pemText):
				t.Errorf("content is not the PEM as uploaded: %v", content)
			case !tt.wantContent && content != nil:
				t.Errorf("content without asking for it")
			}
		})
	}
}

func TestGetRefusesBadInclude(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	id := c.upload(t, "").Id
	for _, q := range []string{"?include[]=contents", "?include=key", "?include[]=content&include[]=x"} {
		t.Run(q, func(t *testing.T) {
			c.do(t, http.MethodGet, "/organization/certificates/"+id+q, nil).wantError(t, apiErr{status: http.StatusBadRequest, param: "include"})
		})
	}
}

func TestUnknownCertificateIsNotFound(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	c.upload(t, "")
	for _, ep := range endpoints {
		if ep.method == http.MethodGet && ep.name != "getCertificate" {
			continue
		}
		if ep.name == "uploadCertificate" {
			continue
		}
		t.Run(ep.name, func(t *testing.T) {
			param := "certificate_id"
			if body, ok := ep.body.(map[string]any); ok && body["certificate_ids"] != nil {
				param = "certificate_ids"
			}
			c.do(t, ep.method, ep.path, ep.body).wantError(t, apiErr{status: http.StatusNotFound, param: param, code: generated.ErrorCodeNotFound})
		})
	}
}

func TestModifyChangesOnlyTheName(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	pemText := newCertPEM(t, testcert.Options{})
	var up generated.Certificate
	c.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": pemText, "name": "before"}).decode(t, http.StatusOK, &up)

	var renamed generated.Certificate
	r := c.do(t, http.MethodPost, "/organization/certificates/"+up.Id, map[string]any{"name": "Renamed Certificate"})
	r.decode(t, http.StatusOK, &renamed)
	var raw map[string]any
	r.decode(t, http.StatusOK, &raw)
	if _, ok := raw["active"]; ok || renamed.Object != "certificate" || *renamed.Name != "Renamed Certificate" {
		t.Fatalf("modify answered %s", r.body)
	}

	// An empty body renames nothing and still answers the certificate.
	var same generated.Certificate
	c.do(t, http.MethodPost, "/organization/certificates/"+up.Id, map[string]any{}).decode(t, http.StatusOK, &same)
	if *same.Name != "Renamed Certificate" {
		t.Fatalf("empty modify changed the name to %v", same.Name)
	}

	// Fields other than name are refused rather than ignored, so a client
	// that believes it changed the content learns that it did not.
	other := newCertPEM(t, testcert.Options{})
	for _, field := range []string{"certificate", "content", "created_at", "active", "id"} {
		t.Run("refuses "+field, func(t *testing.T) {
			c.do(t, http.MethodPost, "/organization/certificates/"+up.Id, map[string]any{"name": "x", field: other}).
				wantError(t, apiErr{status: http.StatusBadRequest, param: field})
		})
	}
	c.do(t, http.MethodPost, "/organization/certificates/"+up.Id, map[string]any{"name": 7}).wantError(t, apiErr{status: http.StatusBadRequest, param: "name"})

	var got generated.Certificate
	c.do(t, http.MethodGet, "/organization/certificates/"+up.Id+"?include[]=content", nil).decode(t, http.StatusOK, &got)
	if *got.Name != "Renamed Certificate" || *got.CertificateDetails.Content != pemText || got.CreatedAt != up.CreatedAt ||
		*got.CertificateDetails.ValidAt != *up.CertificateDetails.ValidAt || *got.CertificateDetails.ExpiresAt != *up.CertificateDetails.ExpiresAt {
		t.Fatalf("after renames and refused changes: %+v", got)
	}
}

func TestDeleteOnlyWhenInactiveEverywhere(t *testing.T) {
	tests := []struct {
		name     string
		activate string // toggle path that makes the certificate active
	}{
		{"active for the organization", "/organization/certificates"},
		{"active for a project", "/organization/projects/proj_beta/certificates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newEmulator(t, emulator.Config{})
			id := c.upload(t, "").Id
			ids := map[string]any{"certificate_ids": []string{id}}
			c.do(t, http.MethodPost, tt.activate+"/activate", ids).decode(t, http.StatusOK, nil)

			c.do(t, http.MethodDelete, "/organization/certificates/"+id, nil).
				wantError(t, apiErr{status: http.StatusBadRequest, param: "certificate_id", code: generated.ErrorCodeCertificateActive})
			c.do(t, http.MethodGet, "/organization/certificates/"+id, nil).decode(t, http.StatusOK, nil)

			c.do(t, http.MethodPost, tt.activate+"/deactivate", ids).decode(t, http.StatusOK, nil)
			var deleted map[string]any
			c.do(t, http.MethodDelete, "/organization/certificates/"+id, nil).decode(t, http.StatusOK, &deleted)
			if want := map[string]any{"id": id, "object": "certificate.deleted"}; !jsonEqual(deleted, want) {
				t.Fatalf("delete answered %v, want %v", deleted, want)
			}
			c.do(t, http.MethodGet, "/organization/certificates/"+id, nil).wantError(t, apiErr{status: 404, param: "certificate_id", code: generated.ErrorCodeNotFound})
			c.do(t, http.MethodDelete, "/organization/certificates/"+id, nil).wantError(t, apiErr{status: 404, param: "certificate_id", code: generated.ErrorCodeNotFound})
			if n := len(c.listAll(t, "/organization/certificates", 100, "asc")); n != 0 {
				t.Fatalf("%d certificates listed after delete", n)
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
