package generated

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"
)

// Responses are upstream's documented examples (x-oaiMeta) with their
// trailing commas removed, which no JSON decoder accepts. Where upstream never
// shows a null the schema allows (a name, the cursors of an empty page), the
// row says so and uses one.
const (
	wireOrgList = `{
  "object": "list",
  "data": [
    {
      "object": "organization.certificate",
      "id": "cert_abc",
      "name": "My Example Certificate",
      "active": true,
      "created_at": 1234567,
      "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}
    }
  ],
  "first_id": "cert_abc",
  "last_id": "cert_abc",
  "has_more": false
}`
	// Upstream's upload example, for an upload without a name: name is null.
	wireUpload = `{
  "object": "certificate",
  "id": "cert_abc",
  "name": null,
  "created_at": 1234567,
  "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}
}`
	wireOrgActivate = `{
  "object": "organization.certificate.activation",
  "data": [
    {"object": "organization.certificate", "id": "cert_abc", "name": "My Example Certificate", "active": true, "created_at": 1234567, "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}},
    {"object": "organization.certificate", "id": "cert_def", "name": "My Example Certificate 2", "active": true, "created_at": 1234567, "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}}
  ]
}`
	wireOrgDeactivate = `{
  "object": "organization.certificate.deactivation",
  "data": [
    {"object": "organization.certificate", "id": "cert_abc", "name": "My Example Certificate", "active": false, "created_at": 1234567, "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}},
    {"object": "organization.certificate", "id": "cert_def", "name": "My Example Certificate 2", "active": false, "created_at": 1234567, "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}}
  ]
}`
	wireGet = `{
  "object": "certificate",
  "id": "cert_abc",
  "name": "My Example Certificate",
  "created_at": 1234567,
  "certificate_details": {
    "valid_at": 1234567,
    "expires_at": 12345678,
    "content": "-----BEGIN CERTIFICATE-----MIIDeT...-----END CERTIFICATE-----"
  }
}`
	wireModify = `{
  "object": "certificate",
  "id": "cert_abc",
  "name": "Renamed Certificate",
  "created_at": 1234567,
  "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}
}`
	wireDelete = `{"object": "certificate.deleted", "id": "cert_abc"}`
	// Upstream shows only full pages; this is the empty page after the last
	// one, whose cursors are null.
	wireProjectListEmpty = `{"object": "list", "data": [], "first_id": null, "last_id": null, "has_more": false}`
	wireProjectActivate  = `{
  "object": "organization.project.certificate.activation",
  "data": [
    {"object": "organization.project.certificate", "id": "cert_abc", "name": "My Example Certificate", "active": true, "created_at": 1234567, "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}},
    {"object": "organization.project.certificate", "id": "cert_def", "name": "My Example Certificate 2", "active": true, "created_at": 1234567, "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}}
  ]
}`
	wireProjectDeactivate = `{
  "object": "organization.project.certificate.deactivation",
  "data": [
    {"object": "organization.project.certificate", "id": "cert_abc", "name": "My Example Certificate", "active": false, "created_at": 1234567, "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}},
    {"object": "organization.project.certificate", "id": "cert_def", "name": "My Example Certificate 2", "active": false, "created_at": 1234567, "certificate_details": {"valid_at": 12345667, "expires_at": 12345678}}
  ]
}`
)

// seen is what the server recorded of one request.
type seen struct {
	method, path, auth, contentType string
	query                           url.Values
	body                            map[string]any // nil: no body
}

func ptr[T any](v T) *T { return &v }

func TestWire(t *testing.T) {
	pem := "-----BEGIN CERTIFICATE-----\nMIIDeT...\n-----END CERTIFICATE-----"
	toggle := ToggleCertificatesRequest{CertificateIds: []string{"cert_abc", "cert_def"}}
	wantToggle := map[string]any{"certificate_ids": []any{"cert_abc", "cert_def"}}
	type row struct {
		name      string
		call      func(context.Context, *ClientWithResponses) (any, error) // returns JSON200
		response  string
		wantQuery url.Values
		wantBody  map[string]any
		want      seen // method and path
		wantJSON  any  // the decoded 200 body
	}
	tests := []row{
		{name: "listOrganizationCertificates",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.ListOrganizationCertificatesWithResponse(ctx, &ListOrganizationCertificatesParams{Limit: ptr(50), After: ptr("cert_prev"), Order: ptr(ListOrganizationCertificatesParamsOrder("asc"))}))
			},
			response:  wireOrgList,
			want:      seen{method: "GET", path: "/v1/organization/certificates"},
			wantQuery: url.Values{"limit": {"50"}, "after": {"cert_prev"}, "order": {"asc"}},
			wantJSON: &ListCertificatesResponse{Object: "list", HasMore: false, FirstId: ptr("cert_abc"), LastId: ptr("cert_abc"),
				Data: []OrganizationCertificate{{Object: "organization.certificate", Id: "cert_abc", Name: ptr("My Example Certificate"), Active: true, CreatedAt: 1234567,
					CertificateDetails: ScopedCertificateDetails{ValidAt: ptr[int64](12345667), ExpiresAt: ptr[int64](12345678)}}}}},
		{name: "uploadCertificate",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.UploadCertificateWithResponse(ctx, UploadCertificateRequest{Certificate: pem}))
			},
			response: wireUpload,
			want:     seen{method: "POST", path: "/v1/organization/certificates"},
			wantBody: map[string]any{"certificate": pem},
			wantJSON: &Certificate{Object: "certificate", Id: "cert_abc", Name: nil, CreatedAt: 1234567,
				CertificateDetails: CertificateDetails{ValidAt: ptr[int64](12345667), ExpiresAt: ptr[int64](12345678)}}},
		{name: "activateOrganizationCertificates",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.ActivateOrganizationCertificatesWithResponse(ctx, toggle))
			},
			response: wireOrgActivate,
			want:     seen{method: "POST", path: "/v1/organization/certificates/activate"},
			wantBody: wantToggle,
			wantJSON: &OrganizationCertificateActivationResponse{Object: "organization.certificate.activation", Data: []OrganizationCertificate{
				orgItem("cert_abc", "My Example Certificate", true), orgItem("cert_def", "My Example Certificate 2", true)}}},
		{name: "deactivateOrganizationCertificates",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.DeactivateOrganizationCertificatesWithResponse(ctx, toggle))
			},
			response: wireOrgDeactivate,
			want:     seen{method: "POST", path: "/v1/organization/certificates/deactivate"},
			wantBody: wantToggle,
			wantJSON: &OrganizationCertificateDeactivationResponse{Object: "organization.certificate.deactivation", Data: []OrganizationCertificate{
				orgItem("cert_abc", "My Example Certificate", false), orgItem("cert_def", "My Example Certificate 2", false)}}},
		{name: "getCertificate",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.GetCertificateWithResponse(ctx, "cert_abc", &GetCertificateParams{Include: &[]GetCertificateParamsInclude{GetCertificateParamsIncludeContent}}))
			},
			response:  wireGet,
			want:      seen{method: "GET", path: "/v1/organization/certificates/cert_abc"},
			wantQuery: url.Values{"include[]": {"content"}},
			wantJSON: &Certificate{Object: "certificate", Id: "cert_abc", Name: ptr("My Example Certificate"), CreatedAt: 1234567,
				CertificateDetails: CertificateDetails{ValidAt: ptr[int64](1234567), ExpiresAt: ptr[int64](12345678), Content: ptr("-----BEGIN CERTIFICATE-----MIIDeT...-----END CERTIFICATE-----")}}},
		{name: "modifyCertificate",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.ModifyCertificateWithResponse(ctx, "cert_abc", ModifyCertificateRequest{Name: ptr("Renamed Certificate")}))
			},
			response: wireModify,
			want:     seen{method: "POST", path: "/v1/organization/certificates/cert_abc"},
			wantBody: map[string]any{"name": "Renamed Certificate"},
			wantJSON: &Certificate{Object: "certificate", Id: "cert_abc", Name: ptr("Renamed Certificate"), CreatedAt: 1234567,
				CertificateDetails: CertificateDetails{ValidAt: ptr[int64](12345667), ExpiresAt: ptr[int64](12345678)}}},
		{name: "deleteCertificate",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.DeleteCertificateWithResponse(ctx, "cert_abc"))
			},
			response: wireDelete,
			want:     seen{method: "DELETE", path: "/v1/organization/certificates/cert_abc"},
			wantJSON: &DeleteCertificateResponse{Object: "certificate.deleted", Id: "cert_abc"}},
		{name: "listProjectCertificates",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.ListProjectCertificatesWithResponse(ctx, "proj_abc", &ListProjectCertificatesParams{Limit: ptr(1), After: ptr("cert_abc"), Order: ptr(ListProjectCertificatesParamsOrder("desc"))}))
			},
			response:  wireProjectListEmpty,
			want:      seen{method: "GET", path: "/v1/organization/projects/proj_abc/certificates"},
			wantQuery: url.Values{"limit": {"1"}, "after": {"cert_abc"}, "order": {"desc"}},
			wantJSON:  &ListProjectCertificatesResponse{Object: "list", Data: []OrganizationProjectCertificate{}, FirstId: nil, LastId: nil, HasMore: false}},
		{name: "activateProjectCertificates",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.ActivateProjectCertificatesWithResponse(ctx, "proj_abc", toggle))
			},
			response: wireProjectActivate,
			want:     seen{method: "POST", path: "/v1/organization/projects/proj_abc/certificates/activate"},
			wantBody: wantToggle,
			wantJSON: &OrganizationProjectCertificateActivationResponse{Object: "organization.project.certificate.activation", Data: []OrganizationProjectCertificate{
				projectItem("cert_abc", "My Example Certificate", true), projectItem("cert_def", "My Example Certificate 2", true)}}},
		{name: "deactivateProjectCertificates",
			call: func(ctx context.Context, c *ClientWithResponses) (any, error) {
				return jsonOf(c.DeactivateProjectCertificatesWithResponse(ctx, "proj_abc", toggle))
			},
			response: wireProjectDeactivate,
			want:     seen{method: "POST", path: "/v1/organization/projects/proj_abc/certificates/deactivate"},
			wantBody: wantToggle,
			wantJSON: &OrganizationProjectCertificateDeactivationResponse{Object: "organization.project.certificate.deactivation", Data: []OrganizationProjectCertificate{
				projectItem("cert_abc", "My Example Certificate", false), projectItem("cert_def", "My Example Certificate 2", false)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				mu  sync.Mutex
				got []seen
			)
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := seen{method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization"), contentType: r.Header.Get("Content-Type"), query: r.URL.Query()}
				if raw, _ := io.ReadAll(r.Body); len(raw) > 0 {
					if err := json.Unmarshal(raw, &s.body); err != nil {
						t.Errorf("request body %q is not a JSON object: %v", raw, err)
					}
				}
				mu.Lock()
				got = append(got, s)
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tt.response)
			}))
			defer ts.Close()
			c, err := NewClientWithResponses(ts.URL+"/v1", WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
				req.Header.Set("Authorization", "Bearer "+testKey)
				return nil
			}))
			if err != nil {
				t.Fatal(err)
			}
			decoded, err := tt.call(t.Context(), c)
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 1 {
				t.Fatalf("server saw %d requests; want 1", len(got))
			}
			req := got[0]
			if req.method != tt.want.method || req.path != tt.want.path {
				t.Errorf("request %s %s; want %s %s", req.method, req.path, tt.want.method, tt.want.path)
			}
			if want := "Bearer " + testKey; req.auth != want {
				t.Errorf("Authorization = %q; want %q", req.auth, want)
			}
			if len(req.query) != 0 || len(tt.wantQuery) != 0 {
				if !reflect.DeepEqual(req.query, tt.wantQuery) {
					t.Errorf("query = %v; want %v", req.query, tt.wantQuery)
				}
			}
			if !reflect.DeepEqual(req.body, tt.wantBody) {
				t.Errorf("body = %v; want %v", req.body, tt.wantBody)
			}
			if tt.wantBody != nil && req.contentType != "application/json" {
				t.Errorf("Content-Type = %q; want application/json", req.contentType)
			}
			if !reflect.DeepEqual(decoded, tt.wantJSON) {
				gotJSON, _ := json.Marshal(decoded)
				wantJSON, _ := json.Marshal(tt.wantJSON)
				t.Errorf("decoded 200 body\n got %s\nwant %s", gotJSON, wantJSON)
			}
		})
	}
}

// jsonOf returns the decoded 200 body of a generated result, or why there is
// none.
func jsonOf[T any](r interface {
	StatusCode() int
	GetJSON200() *T
}, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	if r.StatusCode() != http.StatusOK {
		return nil, &APIError{Status: r.StatusCode()}
	}
	return r.GetJSON200(), nil
}

func orgItem(id, name string, active bool) OrganizationCertificate {
	return OrganizationCertificate{Object: "organization.certificate", Id: id, Name: &name, Active: active, CreatedAt: 1234567,
		CertificateDetails: ScopedCertificateDetails{ValidAt: ptr[int64](12345667), ExpiresAt: ptr[int64](12345678)}}
}

func projectItem(id, name string, active bool) OrganizationProjectCertificate {
	return OrganizationProjectCertificate{Object: "organization.project.certificate", Id: id, Name: &name, Active: active, CreatedAt: 1234567,
		CertificateDetails: ScopedCertificateDetails{ValidAt: ptr[int64](12345667), ExpiresAt: ptr[int64](12345678)}}
}
