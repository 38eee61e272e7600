package generated_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// fakeAPI is a few lines of the Certificates API, enough for the examples to
// run against a local server under /v1 instead of api.openai.com. The
// examples do not use contract/emulator: its kin-openapi dependency would then
// reach the go.sum of every module that requires this one.
type fakeAPI struct {
	mu     sync.Mutex
	certs  []generated.OrganizationCertificate
	nextID int
}

func startFakeAPI(names ...string) *httptest.Server {
	api := &fakeAPI{}
	for _, n := range names {
		api.add(&n)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/organization/certificates", api.list)
	mux.HandleFunc("POST /v1/organization/certificates", api.upload)
	mux.HandleFunc("POST /v1/organization/certificates/activate", api.activate)
	mux.HandleFunc("GET /v1/organization/certificates/{id}", api.get)
	return httptest.NewServer(mux)
}

func (a *fakeAPI) add(name *string) generated.OrganizationCertificate {
	a.nextID++
	c := generated.OrganizationCertificate{Object: "organization.certificate", Id: fmt.Sprintf("cert_%03d", a.nextID), Name: name, CreatedAt: int64(a.nextID)}
	a.certs = append(a.certs, c)
	return c
}

func (a *fakeAPI) find(id string) int {
	return slices.IndexFunc(a.certs, func(c generated.OrganizationCertificate) bool { return c.Id == id })
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_example")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func notFound(w http.ResponseWriter, id string) {
	reply(w, http.StatusNotFound, map[string]any{"error": map[string]any{
		"message": "No certificate with id " + id, "type": "invalid_request_error", "param": "certificate_id", "code": "not_found"}})
}

func (a *fakeAPI) list(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil {
		limit = 20
	}
	start := a.find(r.URL.Query().Get("after")) + 1
	end := min(start+limit, len(a.certs))
	page := generated.ListCertificatesResponse{Object: "list", Data: a.certs[start:end], HasMore: end < len(a.certs)}
	if end > start {
		page.FirstId, page.LastId = &a.certs[start].Id, &a.certs[end-1].Id
	}
	reply(w, http.StatusOK, page)
}

func (a *fakeAPI) upload(w http.ResponseWriter, r *http.Request) {
	var req generated.UploadCertificateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || !strings.HasPrefix(req.Certificate, "-----BEGIN CERTIFICATE-----") {
		reply(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"message": "Not a PEM certificate", "type": "invalid_request_error", "param": "certificate", "code": nil}})
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.add(req.Name)
	reply(w, http.StatusOK, generated.Certificate{Object: "certificate", Id: c.Id, Name: c.Name, CreatedAt: c.CreatedAt})
}

func (a *fakeAPI) activate(w http.ResponseWriter, r *http.Request) {
	var req generated.ToggleCertificatesRequest
	_ = json.NewDecoder(r.Body).Decode(&req)
	a.mu.Lock()
	defer a.mu.Unlock()
	resp := generated.OrganizationCertificateActivationResponse{Object: "organization.certificate.activation"}
	for _, id := range req.CertificateIds {
		i := a.find(id)
		if i < 0 {
			notFound(w, id)
			return
		}
		a.certs[i].Active = true
		resp.Data = append(resp.Data, a.certs[i])
	}
	reply(w, http.StatusOK, resp)
}

func (a *fakeAPI) get(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := a.find(r.PathValue("id"))
	if i < 0 {
		notFound(w, r.PathValue("id"))
		return
	}
	c := a.certs[i]
	reply(w, http.StatusOK, generated.Certificate{Object: "certificate", Id: c.Id, Name: c.Name, CreatedAt: c.CreatedAt})
}

// Walk every certificate of the organization; the iterator asks for the next
// page with after = last_id until has_more is false.
func ExampleAdminClient_AllOrganizationCertificates() {
	srv := startFakeAPI("root-2024", "root-2025", "root-2026")
	defer srv.Close()

	// In production: generated.New() with OPENAI_ADMIN_KEY set.
	client, err := generated.New(generated.WithAPIBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}
	limit := 2
	for cert, err := range client.AllOrganizationCertificates(context.Background(), &generated.ListOrganizationCertificatesParams{Limit: &limit}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(cert.Id, *cert.Name)
	}
	// Output:
	// cert_001 root-2024
	// cert_002 root-2025
	// cert_003 root-2026
}

// Upload a CA certificate, then activate it for the organization: an
// uploaded certificate is active nowhere until it is activated.
func ExampleAdminClient_UploadCertificate() {
	srv := startFakeAPI()
	defer srv.Close()
	client, err := generated.New(generated.WithAPIBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	name := "partner-ca"
	ca, err := testcert.New(testcert.Options{}) // or the PEM of your own CA
	if err != nil {
		log.Fatal(err)
	}
	cert, err := client.UploadCertificate(ctx, generated.UploadCertificateRequest{Certificate: ca.PEM, Name: &name})
	if err != nil {
		log.Fatal(err)
	}
	activated, err := client.ActivateOrganizationCertificates(ctx, generated.ToggleCertificatesRequest{CertificateIds: []string{cert.Id}})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range activated.Data {
		fmt.Println(c.Id, *c.Name, "active:", c.Active)
	}
	// Output:
	// cert_001 partner-ca active: true
}

// A certificate that does not exist is an *APIError with status 404;
// IsNotFound says so without a type assertion, errors.As gives the details.
func ExampleIsNotFound() {
	srv := startFakeAPI()
	defer srv.Close()
	client, err := generated.New(generated.WithAPIBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.GetCertificate(context.Background(), "cert_gone", nil)
	if generated.IsNotFound(err) {
		var apiErr *generated.APIError
		errors.As(err, &apiErr)
		fmt.Println("not found:", apiErr.Param, apiErr.Code, apiErr.RequestID)
		fmt.Println(err)
	}
	// Output:
	// not found: certificate_id not_found req_example
	// certcontract: 404 Not Found: not_found: No certificate with id cert_gone (param certificate_id, request req_example)
}
