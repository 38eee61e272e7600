package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/generated"
)

// handlers implements the generated ServerInterface. By the time a method
// runs, the key, the faults and the request's shape have all been checked, so
// a handler only applies the business rules.
type handlers struct{ s *Server }

var _ server.ServerInterface = handlers{}

const defaultLimit = 20

func (h handlers) ListOrganizationCertificates(w http.ResponseWriter, r *http.Request, params generated.ListOrganizationCertificatesParams) {
	h.list(w, organizationOf(r), scope{}, h.listOptions(params.After, params.Limit, (*string)(params.Order)))
}

func (h handlers) ListProjectCertificates(w http.ResponseWriter, r *http.Request, projectID generated.ProjectID, params generated.ListProjectCertificatesParams) {
	org := organizationOf(r)
	if apiErr := org.knownProject(projectID); apiErr != nil {
		apiErr.write(w)
		return
	}
	h.list(w, org, scope{projectID}, h.listOptions(params.After, params.Limit, (*string)(params.Order)))
}

func (h handlers) list(w http.ResponseWriter, org *organization, sc scope, opt listOptions) {
	buf := listBuffers.Get().(*[]byte)
	defer listBuffers.Put(buf)
	page, apiErr := org.appendList((*buf)[:0], sc, opt)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	writeBody(w, http.StatusOK, page)
	*buf = page[:0]
}

// listBuffers recycle list bodies: once Write returns, net/http holds no
// reference to them.
var listBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

func (h handlers) listOptions(after *string, limit *int, order *string) listOptions {
	opt := listOptions{
		limit:             defaultLimit,
		desc:              true,
		ignoreLimit:       h.s.mutated(MutationIgnoreLimit),
		repeatAfterCursor: h.s.mutated(MutationRepeatAcrossPages),
	}
	if after != nil {
		opt.after = *after
	}
	if limit != nil {
		opt.limit = *limit
	}
	if order != nil {
		opt.desc = *order == "desc"
	}
	return opt
}

func (h handlers) UploadCertificate(w http.ResponseWriter, r *http.Request) {
	var req generated.UploadCertificateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	now := time.Now()
	parsed, apiErr := parseCertificatePEM(req.Certificate, now)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	c := newCertificate(req.Certificate, req.Name, parsed.NotBefore, parsed.NotAfter, now)
	v, apiErr := organizationOf(r).add(c, h.s.mutated(MutationActiveAfterUpload))
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	writeJSON(w, http.StatusOK, h.single(v, false))
}

func (h handlers) GetCertificate(w http.ResponseWriter, r *http.Request, certificateID generated.CertificateID, params generated.GetCertificateParams) {
	withContent, apiErr := includeContent(r, params)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	v, apiErr := organizationOf(r).get(certificateID)
	if apiErr != nil && h.s.mutated(MutationFoundUnknownID) {
		now := time.Now().Unix()
		v, apiErr = certView{id: certificateID, createdAt: now, validAt: now, expiresAt: now + 365*24*3600}, nil
	}
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	writeJSON(w, http.StatusOK, h.single(v, withContent))
}

// includeContent reads include[]=content, and also the unbracketed
// include=content that a plain OpenAPI form serializer sends.
func includeContent(r *http.Request, params generated.GetCertificateParams) (bool, *apiError) {
	with := false
	if params.Include != nil {
		for _, v := range *params.Include {
			with = with || v == generated.GetCertificateParamsIncludeContent
		}
	}
	for _, v := range r.URL.Query()["include"] {
		if v != string(generated.GetCertificateParamsIncludeContent) {
			return false, badRequest("include", "", fmt.Sprintf("Invalid 'include': %q is not one of [content].", v))
		}
		with = true
	}
	return with, nil
}

func (h handlers) ModifyCertificate(w http.ResponseWriter, r *http.Request, certificateID generated.CertificateID) {
	var req generated.ModifyCertificateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	v, apiErr := organizationOf(r).rename(certificateID, req.Name)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	writeJSON(w, http.StatusOK, h.single(v, false))
}

func (h handlers) DeleteCertificate(w http.ResponseWriter, r *http.Request, certificateID generated.CertificateID) {
	if apiErr := organizationOf(r).remove(certificateID, h.s.mutated(MutationDeleteActive)); apiErr != nil {
		apiErr.write(w)
		return
	}
	writeJSON(w, http.StatusOK, generated.DeleteCertificateResponse{Id: certificateID, Object: generated.DeleteCertificateResponseObjectCertificateDeleted})
}

func (h handlers) ActivateOrganizationCertificates(w http.ResponseWriter, r *http.Request) {
	if views, ok := h.toggle(w, r, scope{}, true); ok {
		writeJSON(w, http.StatusOK, generated.OrganizationCertificateActivationResponse{
			Object: generated.OrganizationCertificateActivationResponseObjectOrganizationCertificateActivation, Data: organizationItems(views)})
	}
}

func (h handlers) DeactivateOrganizationCertificates(w http.ResponseWriter, r *http.Request) {
	if views, ok := h.toggle(w, r, scope{}, false); ok {
		writeJSON(w, http.StatusOK, generated.OrganizationCertificateDeactivationResponse{
			Object: generated.OrganizationCertificateDeactivationResponseObjectOrganizationCertificateDeactivation, Data: organizationItems(views)})
	}
}

func (h handlers) ActivateProjectCertificates(w http.ResponseWriter, r *http.Request, projectID generated.ProjectID) {
	if views, ok := h.toggle(w, r, scope{projectID}, true); ok {
		writeJSON(w, http.StatusOK, generated.OrganizationProjectCertificateActivationResponse{
			Object: generated.OrganizationProjectCertificateActivationResponseObjectOrganizationProjectCertificateActivation, Data: projectItems(views)})
	}
}

func (h handlers) DeactivateProjectCertificates(w http.ResponseWriter, r *http.Request, projectID generated.ProjectID) {
	if views, ok := h.toggle(w, r, scope{projectID}, false); ok {
		writeJSON(w, http.StatusOK, generated.OrganizationProjectCertificateDeactivationResponse{
			Object: generated.OrganizationProjectCertificateDeactivationResponseObjectOrganizationProjectCertificateDeactivation, Data: projectItems(views)})
	}
}

// toggle runs one activation or deactivation and answers its errors itself.
func (h handlers) toggle(w http.ResponseWriter, r *http.Request, sc scope, active bool) ([]certView, bool) {
	org := organizationOf(r)
	if sc.project != "" {
		if apiErr := org.knownProject(sc.project); apiErr != nil {
			apiErr.write(w)
			return nil, false
		}
	}
	var req generated.ToggleCertificatesRequest
	if !decodeBody(w, r, &req) {
		return nil, false
	}
	views, apiErr := org.toggle(sc, req.CertificateIds, active, h.s.mutated(MutationNonAtomicToggle))
	if apiErr != nil {
		apiErr.write(w)
		return nil, false
	}
	return views, true
}

func (org *organization) knownProject(id string) *apiError {
	if !org.projects[id] {
		return notFound("project_id", fmt.Sprintf("No project with id %s in this organization.", id))
	}
	return nil
}

// decodeBody reads a body validation has already accepted; a failure here
// would be a disagreement between the fragment and the generated types, still
// a client-facing 400 rather than a 500.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		badRequest("", "", "We could not parse the JSON body of your request: "+err.Error()).write(w)
		return false
	}
	return true
}

// single is the shape of upload, get and modify: object certificate, no active.
func (h handlers) single(v certView, withContent bool) generated.Certificate {
	c := generated.Certificate{
		Object:             generated.CertificateObjectCertificate,
		Id:                 v.id,
		Name:               v.name,
		CreatedAt:          v.createdAt,
		CertificateDetails: generated.CertificateDetails{ValidAt: &v.validAt, ExpiresAt: &v.expiresAt},
	}
	if withContent {
		c.CertificateDetails.Content = &v.content
	}
	if h.s.mutated(MutationWrongObject) {
		c.Object = generated.CertificateObjectOrganizationCertificate
	}
	return c
}

func (v certView) organizationItem() generated.OrganizationCertificate {
	return generated.OrganizationCertificate{
		Object:             generated.OrganizationCertificateObjectOrganizationCertificate,
		Id:                 v.id,
		Name:               v.name,
		CreatedAt:          v.createdAt,
		CertificateDetails: generated.ScopedCertificateDetails{ValidAt: &v.validAt, ExpiresAt: &v.expiresAt},
		Active:             v.active,
	}
}

func (v certView) projectItem() generated.OrganizationProjectCertificate {
	return generated.OrganizationProjectCertificate{
		Object:             generated.OrganizationProjectCertificateObjectOrganizationProjectCertificate,
		Id:                 v.id,
		Name:               v.name,
		CreatedAt:          v.createdAt,
		CertificateDetails: generated.ScopedCertificateDetails{ValidAt: &v.validAt, ExpiresAt: &v.expiresAt},
		Active:             v.active,
	}
}

func organizationItems(views []certView) []generated.OrganizationCertificate {
	items := make([]generated.OrganizationCertificate, len(views))
	for i, v := range views {
		items[i] = v.organizationItem()
	}
	return items
}

func projectItems(views []certView) []generated.OrganizationProjectCertificate {
	items := make([]generated.OrganizationProjectCertificate, len(views))
	for i, v := range views {
		items[i] = v.projectItem()
	}
	return items
}
