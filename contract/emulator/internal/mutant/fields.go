package mutant

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/certcontract/certcontract/contract/emulator/internal/answer"
	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/generated"
)

// Field mutations: one per cell of the field × answer table
// (mutation.FieldCells), each breaking one field in one answer and nowhere
// else, as a cache or a serializer of that one answer would: a stale name in
// the ascending organization list, a valid_at dropped from one toggle's
// items. They are answer mutations (mutant.go), all made by fieldMutation.

func fieldMutations() []wrapper {
	var out []wrapper
	for _, c := range mutation.FieldCells() {
		out = append(out, wrapper{name: c.Mutation(), handlers: func(h server.ServerInterface) server.ServerInterface {
			return fieldMutation{ServerInterface: h, cell: c, uploaded: &sync.Map{}}
		}})
	}
	return out
}

// fieldMutation breaks its cell's field in every certificate of its cell's
// answer. It sees every upload answer, to know each certificate's name at
// upload, the value a stale name shows.
type fieldMutation struct {
	server.ServerInterface
	cell     mutation.FieldCell
	uploaded *sync.Map // certificate id -> its name at upload (nil or a string)
}

func (m fieldMutation) UploadCertificate(w http.ResponseWriter, r *http.Request) {
	m.serve(w, mutation.AnswerUpload, func(w http.ResponseWriter) { m.ServerInterface.UploadCertificate(w, r) })
}

func (m fieldMutation) GetCertificate(w http.ResponseWriter, r *http.Request, id generated.CertificateID, params generated.GetCertificateParams) {
	m.serve(w, mutation.AnswerGet, func(w http.ResponseWriter) { m.ServerInterface.GetCertificate(w, r, id, params) })
}

func (m fieldMutation) ModifyCertificate(w http.ResponseWriter, r *http.Request, id generated.CertificateID) {
	m.serve(w, mutation.AnswerModify, func(w http.ResponseWriter) { m.ServerInterface.ModifyCertificate(w, r, id) })
}

func (m fieldMutation) ListOrganizationCertificates(w http.ResponseWriter, r *http.Request, params generated.ListOrganizationCertificatesParams) {
	a := mutation.AnswerOrgListDesc
	if params.Order != nil && *params.Order == generated.ListOrganizationCertificatesParamsOrderAsc {
		a = mutation.AnswerOrgListAsc
	}
	m.serve(w, a, func(w http.ResponseWriter) { m.ServerInterface.ListOrganizationCertificates(w, r, params) })
}

func (m fieldMutation) ListProjectCertificates(w http.ResponseWriter, r *http.Request, project generated.ProjectID, params generated.ListProjectCertificatesParams) {
	a := mutation.AnswerProjectListDesc
	if params.Order != nil && *params.Order == generated.ListProjectCertificatesParamsOrderAsc {
		a = mutation.AnswerProjectListAsc
	}
	m.serve(w, a, func(w http.ResponseWriter) { m.ServerInterface.ListProjectCertificates(w, r, project, params) })
}

func (m fieldMutation) ActivateOrganizationCertificates(w http.ResponseWriter, r *http.Request) {
	m.serve(w, mutation.AnswerActivateOrg, func(w http.ResponseWriter) { m.ServerInterface.ActivateOrganizationCertificates(w, r) })
}

func (m fieldMutation) DeactivateOrganizationCertificates(w http.ResponseWriter, r *http.Request) {
	m.serve(w, mutation.AnswerDeactivateOrg, func(w http.ResponseWriter) { m.ServerInterface.DeactivateOrganizationCertificates(w, r) })
}

func (m fieldMutation) ActivateProjectCertificates(w http.ResponseWriter, r *http.Request, project generated.ProjectID) {
	m.serve(w, mutation.AnswerActivateProject, func(w http.ResponseWriter) { m.ServerInterface.ActivateProjectCertificates(w, r, project) })
}

func (m fieldMutation) DeactivateProjectCertificates(w http.ResponseWriter, r *http.Request, project generated.ProjectID) {
	m.serve(w, mutation.AnswerDeactivateProject, func(w http.ResponseWriter) { m.ServerInterface.DeactivateProjectCertificates(w, r, project) })
}

// serve runs respond, an answer of kind a, and breaks its cell's field in
// it when a is the cell's answer. Error answers go out as they were.
func (m fieldMutation) serve(w http.ResponseWriter, a mutation.Answer, respond func(http.ResponseWriter)) {
	if a != m.cell.Answer && a != mutation.AnswerUpload {
		respond(w)
		return
	}
	held := answer.Hold(w)
	respond(held)
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(held.Body.Bytes()))
	dec.UseNumber()
	if held.Status != http.StatusOK || dec.Decode(&body) != nil {
		held.Send(w)
		return
	}
	certs := []map[string]any{body}
	if data, ok := body["data"].([]any); ok {
		certs = certs[:0]
		for _, item := range data {
			if c, ok := item.(map[string]any); ok {
				certs = append(certs, c)
			}
		}
	}
	for _, c := range certs {
		if a == mutation.AnswerUpload {
			m.uploaded.Store(c["id"], c["name"])
		}
		if a == m.cell.Answer {
			m.breakField(c)
		}
	}
	answer.WriteJSON(w, http.StatusOK, body)
}

// breakField does the cell's break to one certificate of the answer.
func (m fieldMutation) breakField(c map[string]any) {
	details, _ := c["certificate_details"].(map[string]any)
	shift := func(m map[string]any, key string, by int64, times int64) {
		if n, err := m[key].(json.Number).Int64(); err == nil {
			m[key] = n*times + by
		}
	}
	switch m.cell.Field {
	case mutation.FieldID:
		c["id"] = strings.Replace(c["id"].(string), "cert_", "cert_0", 1)
	case mutation.FieldObject:
		switch {
		case m.cell.Answer.Single():
			c["object"] = generated.CertificateObjectOrganizationCertificate
		case m.cell.Answer.Project():
			c["object"] = generated.OrganizationCertificateObjectOrganizationCertificate
		default:
			c["object"] = generated.OrganizationProjectCertificateObjectOrganizationProjectCertificate
		}
	case mutation.FieldName:
		if m.cell.Break == "dropped" {
			c["name"] = nil
		} else {
			c["name"], _ = m.uploaded.Load(c["id"])
		}
	case mutation.FieldActive:
		switch m.cell.Break {
		case "set", "wrong":
			c["active"] = true
		case "present":
			c["active"] = false
		default: // flipped, stale
			active, _ := c["active"].(bool)
			c["active"] = !active
		}
	case mutation.FieldCreatedAt:
		if m.cell.Break == "milliseconds" {
			shift(c, "created_at", 0, 1000)
		} else {
			shift(c, "created_at", 3600, 1)
		}
	case mutation.FieldValidAt:
		delete(details, "valid_at")
	case mutation.FieldExpiresAt:
		shift(details, "expires_at", -24*3600, 1)
	case mutation.FieldContent:
		if s, ok := details["content"].(string); ok {
			details["content"] = strings.TrimRight(s, "\n")
		}
	}
}
