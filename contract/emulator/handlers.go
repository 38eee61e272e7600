package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/contract/emulator/internal/store"
	"github.com/certcontract/certcontract/generated"
)

// handlers implements the generated ServerInterface. By the time a method
// runs, the key, the faults and the request's shape have all been checked, so
// a handler only calls the rules and turns their answer into the API's.
type handlers struct{}

var _ server.ServerInterface = handlers{}

// The parameters naming certificate ids, for refusals about them.
const (
	pathIDParam  = "certificate_id"
	batchIDParam = "certificate_ids"
)

const defaultLimit = 20

// The envelopes of the answers that list items, each built by package
// generated's type: the operations differ only in their types.
var (
	organizationPage = newEnvelope(func(first, last *string, hasMore bool) any {
		return generated.ListCertificatesResponse{Object: generated.ListCertificatesResponseObjectList,
			Data: []generated.OrganizationCertificate{}, FirstId: first, HasMore: hasMore, LastId: last}
	})
	projectPage = newEnvelope(func(first, last *string, hasMore bool) any {
		return generated.ListProjectCertificatesResponse{Object: generated.ListProjectCertificatesResponseObjectList,
			Data: []generated.OrganizationProjectCertificate{}, FirstId: first, HasMore: hasMore, LastId: last}
	})
	organizationActivation = newEnvelope(func(*string, *string, bool) any {
		return generated.OrganizationCertificateActivationResponse{
			Object: generated.OrganizationCertificateActivationResponseObjectOrganizationCertificateActivation, Data: []generated.OrganizationCertificate{}}
	})
	organizationDeactivation = newEnvelope(func(*string, *string, bool) any {
		return generated.OrganizationCertificateDeactivationResponse{
			Object: generated.OrganizationCertificateDeactivationResponseObjectOrganizationCertificateDeactivation, Data: []generated.OrganizationCertificate{}}
	})
	projectActivation = newEnvelope(func(*string, *string, bool) any {
		return generated.OrganizationProjectCertificateActivationResponse{
			Object: generated.OrganizationProjectCertificateActivationResponseObjectOrganizationProjectCertificateActivation, Data: []generated.OrganizationProjectCertificate{}}
	})
	projectDeactivation = newEnvelope(func(*string, *string, bool) any {
		return generated.OrganizationProjectCertificateDeactivationResponse{
			Object: generated.OrganizationProjectCertificateDeactivationResponseObjectOrganizationProjectCertificateDeactivation, Data: []generated.OrganizationProjectCertificate{}}
	})
)

func (h handlers) ListOrganizationCertificates(w http.ResponseWriter, r *http.Request, params generated.ListOrganizationCertificatesParams) {
	list(w, r, store.Scope{}, params.After, params.Limit, (*string)(params.Order), organizationPage)
}

func (h handlers) ListProjectCertificates(w http.ResponseWriter, r *http.Request, projectID generated.ProjectID, params generated.ListProjectCertificatesParams) {
	list(w, r, store.Scope{Project: projectID}, params.After, params.Limit, (*string)(params.Order), projectPage)
}

// list answers one page of scope's certificates in envelope.
func list(w http.ResponseWriter, r *http.Request, scope store.Scope, after *string, limit *int, order *string, envelope *envelope) {
	page, err := rulesOf(r).List(scope, listQuery(after, limit, order))
	if err != nil {
		refusal(err, pathIDParam).write(w)
		return
	}
	first, last := pageEnds(page)
	writeList(w, envelope, first, last, page.HasMore, page.Items, scope.Project != "")
}

func listQuery(after *string, limit *int, order *string) store.ListQuery {
	q := store.ListQuery{Limit: defaultLimit, Desc: true}
	if after != nil {
		q.After = *after
	}
	if limit != nil {
		q.Limit = *limit
	}
	if order != nil {
		q.Desc = *order == "desc"
	}
	return q
}

func (h handlers) UploadCertificate(w http.ResponseWriter, r *http.Request) {
	var req generated.UploadCertificateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	c, apiErr := orgKeyOf(r).add(req.Certificate, req.Name, time.Now())
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	writeJSON(w, http.StatusOK, single(c, false))
}

func (h handlers) GetCertificate(w http.ResponseWriter, r *http.Request, certificateID generated.CertificateID, params generated.GetCertificateParams) {
	withContent, apiErr := includeContent(r, params)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	c, err := rulesOf(r).Get(certificateID)
	if err != nil {
		refusal(err, pathIDParam).write(w)
		return
	}
	writeJSON(w, http.StatusOK, single(c, withContent))
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
	c, err := rulesOf(r).Rename(certificateID, req.Name)
	if err != nil {
		refusal(err, pathIDParam).write(w)
		return
	}
	writeJSON(w, http.StatusOK, single(c, false))
}

func (h handlers) DeleteCertificate(w http.ResponseWriter, r *http.Request, certificateID generated.CertificateID) {
	if err := rulesOf(r).Delete(certificateID); err != nil {
		refusal(err, pathIDParam).write(w)
		return
	}
	writeJSON(w, http.StatusOK, generated.DeleteCertificateResponse{Id: certificateID, Object: generated.DeleteCertificateResponseObjectCertificateDeleted})
}

func (h handlers) ActivateOrganizationCertificates(w http.ResponseWriter, r *http.Request) {
	if items, ok := toggle(w, r, store.Scope{}, true); ok {
		writeList(w, organizationActivation, nil, nil, false, items, false)
	}
}

func (h handlers) DeactivateOrganizationCertificates(w http.ResponseWriter, r *http.Request) {
	if items, ok := toggle(w, r, store.Scope{}, false); ok {
		writeList(w, organizationDeactivation, nil, nil, false, items, false)
	}
}

func (h handlers) ActivateProjectCertificates(w http.ResponseWriter, r *http.Request, projectID generated.ProjectID) {
	if items, ok := toggle(w, r, store.Scope{Project: projectID}, true); ok {
		writeList(w, projectActivation, nil, nil, false, items, true)
	}
}

func (h handlers) DeactivateProjectCertificates(w http.ResponseWriter, r *http.Request, projectID generated.ProjectID) {
	if items, ok := toggle(w, r, store.Scope{Project: projectID}, false); ok {
		writeList(w, projectDeactivation, nil, nil, false, items, true)
	}
}

// toggle runs one activation or deactivation and answers its errors itself.
func toggle(w http.ResponseWriter, r *http.Request, sc store.Scope, active bool) ([]store.Item, bool) {
	var req generated.ToggleCertificatesRequest
	if !decodeBody(w, r, &req) {
		return nil, false
	}
	items, err := rulesOf(r).Toggle(sc, req.CertificateIds, active)
	if err != nil {
		refusal(err, batchIDParam).write(w)
		return nil, false
	}
	return items, true
}

// decodeBody reads a body validation has already accepted; a failure here
// would be a disagreement between the fragment and the generated types, still
// a client-facing 400 rather than a 500.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	var err error
	if b, ok := r.Body.(*checkedBody); ok {
		// One JSON value, so Unmarshal and a Decoder's first value agree.
		err = json.Unmarshal(b.data, v)
	} else {
		err = json.NewDecoder(r.Body).Decode(v)
	}
	if err != nil {
		badRequest("", "", "We could not parse the JSON body of your request: "+err.Error()).write(w)
		return false
	}
	return true
}

// single is the shape of upload, get and modify: object certificate, no active.
func single(c *store.Certificate, withContent bool) generated.Certificate {
	out := generated.Certificate{
		Object:             generated.CertificateObjectCertificate,
		Id:                 c.ID,
		Name:               c.Name,
		CreatedAt:          c.CreatedAt,
		CertificateDetails: generated.CertificateDetails{ValidAt: &c.ValidAt, ExpiresAt: &c.ExpiresAt},
	}
	if withContent {
		out.CertificateDetails.Content = &c.Content
	}
	return out
}

// organizationItem and projectItem fill the same fields on purpose: the
// fragment gives the two list items distinct types (their object differs),
// and Go has no way to fill two struct types with one literal.
func organizationItem(it store.Item) generated.OrganizationCertificate {
	return generated.OrganizationCertificate{
		Object:             generated.OrganizationCertificateObjectOrganizationCertificate,
		Id:                 it.ID,
		Name:               it.Name,
		CreatedAt:          it.CreatedAt,
		CertificateDetails: generated.ScopedCertificateDetails{ValidAt: &it.ValidAt, ExpiresAt: &it.ExpiresAt},
		Active:             it.Active,
	}
}

func projectItem(it store.Item) generated.OrganizationProjectCertificate {
	return generated.OrganizationProjectCertificate{
		Object:             generated.OrganizationProjectCertificateObjectOrganizationProjectCertificate,
		Id:                 it.ID,
		Name:               it.Name,
		CreatedAt:          it.CreatedAt,
		CertificateDetails: generated.ScopedCertificateDetails{ValidAt: &it.ValidAt, ExpiresAt: &it.ExpiresAt},
		Active:             it.Active,
	}
}
