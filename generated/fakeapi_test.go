package generated_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"

	"github.com/certcontract/certcontract/generated"
)

// fakeAPI is enough of the Certificates API for the examples to run against
// a local server under /v1 instead of api.openai.com: every operation, the
// rules the examples meet (unknown ids, delete only when inactive), pages in
// upload order. The examples do not use contract/emulator: its kin-openapi
// dependency would then reach the go.sum of every module that requires this
// one.
type fakeAPI struct {
	mu     sync.Mutex
	certs  []*fakeCert
	nextID int
}

type fakeCert struct {
	id       string
	name     *string
	created  int64
	org      bool
	projects map[string]bool
}

func startFakeAPI(names ...string) *httptest.Server {
	api := &fakeAPI{}
	for _, n := range names {
		api.add(&n)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/organization/certificates", api.list)
	mux.HandleFunc("GET /v1/organization/projects/{project}/certificates", api.list)
	mux.HandleFunc("POST /v1/organization/certificates", api.upload)
	mux.HandleFunc("POST /v1/organization/certificates/{toggle}", api.toggle)
	mux.HandleFunc("POST /v1/organization/projects/{project}/certificates/{toggle}", api.toggle)
	mux.HandleFunc("GET /v1/organization/certificates/{id}", api.get)
	mux.HandleFunc("DELETE /v1/organization/certificates/{id}", api.delete)
	return httptest.NewServer(mux)
}

func (a *fakeAPI) add(name *string) *fakeCert {
	a.nextID++
	c := &fakeCert{id: fmt.Sprintf("cert_%03d", a.nextID), name: name, created: int64(a.nextID), projects: map[string]bool{}}
	a.certs = append(a.certs, c)
	return c
}

func (a *fakeAPI) find(id string) int {
	return slices.IndexFunc(a.certs, func(c *fakeCert) bool { return c.id == id })
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", "req_example")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func refuse(w http.ResponseWriter, status int, param string, code generated.ErrorCode, message string) {
	reply(w, status, generated.ErrorResponse{Error: generated.Error{Message: message, Type: "invalid_request_error", Param: &param, Code: &code}})
}

// item is c as lists and toggles show it: for the organization, or for the
// project when there is one.
func (c *fakeCert) item(project string) map[string]any {
	object, active := "organization.certificate", c.org
	if project != "" {
		object, active = "organization.project.certificate", c.projects[project]
	}
	return map[string]any{"object": object, "id": c.id, "name": c.name, "created_at": c.created, "active": active,
		"certificate_details": map[string]any{"valid_at": c.created, "expires_at": c.created + 86400}}
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
	page := map[string]any{"object": "list", "data": []any{}, "has_more": end < len(a.certs), "first_id": nil, "last_id": nil}
	var data []any
	for _, c := range a.certs[start:end] {
		data = append(data, c.item(r.PathValue("project")))
	}
	if len(data) > 0 {
		page["data"], page["first_id"], page["last_id"] = data, a.certs[start].id, a.certs[end-1].id
	}
	reply(w, http.StatusOK, page)
}

func (a *fakeAPI) upload(w http.ResponseWriter, r *http.Request) {
	var req generated.UploadCertificateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Certificate == "" {
		refuse(w, http.StatusBadRequest, "certificate", "", "Send one PEM-encoded certificate")
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	c := a.add(req.Name)
	reply(w, http.StatusOK, map[string]any{"object": "certificate", "id": c.id, "name": c.name, "created_at": c.created, "certificate_details": map[string]any{}})
}

func (a *fakeAPI) toggle(w http.ResponseWriter, r *http.Request) {
	var req generated.ToggleCertificatesRequest
	_ = json.NewDecoder(r.Body).Decode(&req)
	activate := r.PathValue("toggle") == "activate"
	if !activate && r.PathValue("toggle") != "deactivate" {
		refuse(w, http.StatusNotFound, "", generated.ErrorCodeNotFound, "No such route")
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	project := r.PathValue("project")
	object := map[bool]string{true: "organization.certificate.activation", false: "organization.certificate.deactivation"}[activate]
	if project != "" {
		object = map[bool]string{true: "organization.project.certificate.activation", false: "organization.project.certificate.deactivation"}[activate]
	}
	data := []any{}
	for _, id := range req.CertificateIds {
		if a.find(id) < 0 {
			refuse(w, http.StatusNotFound, "certificate_ids", generated.ErrorCodeNotFound, "No certificate with id "+id)
			return
		}
	}
	for _, id := range req.CertificateIds {
		c := a.certs[a.find(id)]
		if project == "" {
			c.org = activate
		} else {
			c.projects[project] = activate
		}
		data = append(data, c.item(project))
	}
	reply(w, http.StatusOK, map[string]any{"object": object, "data": data})
}

func (a *fakeAPI) get(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := a.find(r.PathValue("id"))
	if i < 0 {
		refuse(w, http.StatusNotFound, "certificate_id", generated.ErrorCodeNotFound, "No certificate with id "+r.PathValue("id"))
		return
	}
	c := a.certs[i]
	reply(w, http.StatusOK, map[string]any{"object": "certificate", "id": c.id, "name": c.name, "created_at": c.created, "certificate_details": map[string]any{}})
}

func (a *fakeAPI) delete(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := a.find(r.PathValue("id"))
	switch {
	case i < 0:
		refuse(w, http.StatusNotFound, "certificate_id", generated.ErrorCodeNotFound, "No certificate with id "+r.PathValue("id"))
		return
	case a.certs[i].org || slices.Contains(slices.Collect(maps.Values(a.certs[i].projects)), true):
		refuse(w, http.StatusBadRequest, "certificate_id", generated.ErrorCodeCertificateActive, "Deactivate the certificate everywhere before deleting it")
		return
	}
	a.certs = slices.Delete(a.certs, i, i+1)
	reply(w, http.StatusOK, map[string]any{"object": "certificate.deleted", "id": r.PathValue("id")})
}
