package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/generated"
)

// Field mutations: one per cell of the field × answer table (FieldCells),
// each breaking one field in one answer and nowhere else, as a cache or a
// serializer of that one answer would: a stale name in the ascending
// organization list, a valid_at dropped from one toggle's items. They are
// answer mutations (mutations.go), all made by fieldMutation.

// Answer names an answer that carries a certificate.
type Answer string

// The answers that carry a certificate, in the order of the README's table.
const (
	AnswerUpload            Answer = "upload"
	AnswerGet               Answer = "get"
	AnswerModify            Answer = "modify"
	AnswerOrgListDesc       Answer = "org-list-desc"
	AnswerOrgListAsc        Answer = "org-list-asc"
	AnswerProjectListDesc   Answer = "project-list-desc"
	AnswerProjectListAsc    Answer = "project-list-asc"
	AnswerActivateOrg       Answer = "activate-org"
	AnswerDeactivateOrg     Answer = "deactivate-org"
	AnswerActivateProject   Answer = "activate-project"
	AnswerDeactivateProject Answer = "deactivate-project"
)

// Answers lists every answer that carries a certificate.
var Answers = []Answer{AnswerUpload, AnswerGet, AnswerModify, AnswerOrgListDesc, AnswerOrgListAsc, AnswerProjectListDesc,
	AnswerProjectListAsc, AnswerActivateOrg, AnswerDeactivateOrg, AnswerActivateProject, AnswerDeactivateProject}

// Field names a field of a certificate; its JSON name says where it is.
type Field string

// The fields of a certificate, in the order of the README's table.
const (
	FieldID        Field = "id"
	FieldObject    Field = "object"
	FieldName      Field = "name"
	FieldActive    Field = "active"
	FieldCreatedAt Field = "created_at"
	FieldValidAt   Field = "valid_at"
	FieldExpiresAt Field = "expires_at"
	FieldContent   Field = "content" // only in a get with include[]=content
)

// Fields lists every field of a certificate.
var Fields = []Field{FieldID, FieldObject, FieldName, FieldActive, FieldCreatedAt, FieldValidAt, FieldExpiresAt, FieldContent}

// FieldCell is one field as one answer carries it, and how its mutation
// breaks it there.
type FieldCell struct {
	Answer Answer
	Field  Field
	// Break is what the mutation does to the field: wrong (another value),
	// stale (the value at upload), dropped (null or absent), set (true),
	// present (in an answer that does not carry it), flipped, shifted (by
	// an hour or a day), milliseconds (for seconds), trimmed (the PEM's
	// last newline).
	Break string
}

// Mutation is the mutation breaking this cell only, such as
// stale-name-in-org-list-asc.
func (c FieldCell) Mutation() Mutation {
	return Mutation(c.Break + "-" + strings.ReplaceAll(string(c.Field), "_", "-") + "-in-" + string(c.Answer))
}

// FieldCells returns every cell of the field × answer table: each answer
// with every field it carries.
func FieldCells() []FieldCell {
	var cells []FieldCell
	for _, a := range Answers {
		for _, f := range Fields {
			if b := breakOf(a, f); b != "" {
				cells = append(cells, FieldCell{Answer: a, Field: f, Break: b})
			}
		}
	}
	return cells
}

func singleAnswer(a Answer) bool { return a == AnswerUpload || a == AnswerGet || a == AnswerModify }

func projectAnswer(a Answer) bool {
	return a == AnswerProjectListAsc || a == AnswerProjectListDesc || a == AnswerActivateProject || a == AnswerDeactivateProject
}

func toggleAnswer(a Answer) bool {
	return a == AnswerActivateOrg || a == AnswerDeactivateOrg || a == AnswerActivateProject || a == AnswerDeactivateProject
}

// breakOf is how the mutation of a cell breaks it; "" when the answer does
// not carry the field.
func breakOf(a Answer, f Field) string {
	switch f {
	case FieldID, FieldObject:
		return "wrong"
	case FieldName:
		if a == AnswerUpload {
			return "dropped" // nothing to be stale about yet
		}
		return "stale"
	case FieldActive:
		switch {
		case a == AnswerUpload:
			return "set"
		case a == AnswerGet:
			return "present"
		case a == AnswerModify:
			return "wrong"
		case toggleAnswer(a):
			return "stale"
		}
		return "flipped"
	case FieldCreatedAt:
		if a == AnswerUpload {
			return "milliseconds"
		}
		return "shifted"
	case FieldValidAt:
		return "dropped"
	case FieldExpiresAt:
		return "shifted"
	case FieldContent:
		if a == AnswerGet {
			return "trimmed"
		}
	}
	return ""
}

func fieldMutations() []mutation {
	var out []mutation
	for _, c := range FieldCells() {
		out = append(out, mutation{name: c.Mutation(), handlers: func(h server.ServerInterface) server.ServerInterface {
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
	cell     FieldCell
	uploaded *sync.Map // certificate id -> its name at upload (nil or a string)
}

func (m fieldMutation) UploadCertificate(w http.ResponseWriter, r *http.Request) {
	m.serve(w, AnswerUpload, func(w http.ResponseWriter) { m.ServerInterface.UploadCertificate(w, r) })
}

func (m fieldMutation) GetCertificate(w http.ResponseWriter, r *http.Request, id generated.CertificateID, params generated.GetCertificateParams) {
	m.serve(w, AnswerGet, func(w http.ResponseWriter) { m.ServerInterface.GetCertificate(w, r, id, params) })
}

func (m fieldMutation) ModifyCertificate(w http.ResponseWriter, r *http.Request, id generated.CertificateID) {
	m.serve(w, AnswerModify, func(w http.ResponseWriter) { m.ServerInterface.ModifyCertificate(w, r, id) })
}

func (m fieldMutation) ListOrganizationCertificates(w http.ResponseWriter, r *http.Request, params generated.ListOrganizationCertificatesParams) {
	a := AnswerOrgListDesc
	if params.Order != nil && *params.Order == generated.ListOrganizationCertificatesParamsOrderAsc {
		a = AnswerOrgListAsc
	}
	m.serve(w, a, func(w http.ResponseWriter) { m.ServerInterface.ListOrganizationCertificates(w, r, params) })
}

func (m fieldMutation) ListProjectCertificates(w http.ResponseWriter, r *http.Request, project generated.ProjectID, params generated.ListProjectCertificatesParams) {
	a := AnswerProjectListDesc
	if params.Order != nil && *params.Order == generated.ListProjectCertificatesParamsOrderAsc {
		a = AnswerProjectListAsc
	}
	m.serve(w, a, func(w http.ResponseWriter) { m.ServerInterface.ListProjectCertificates(w, r, project, params) })
}

func (m fieldMutation) ActivateOrganizationCertificates(w http.ResponseWriter, r *http.Request) {
	m.serve(w, AnswerActivateOrg, func(w http.ResponseWriter) { m.ServerInterface.ActivateOrganizationCertificates(w, r) })
}

func (m fieldMutation) DeactivateOrganizationCertificates(w http.ResponseWriter, r *http.Request) {
	m.serve(w, AnswerDeactivateOrg, func(w http.ResponseWriter) { m.ServerInterface.DeactivateOrganizationCertificates(w, r) })
}

func (m fieldMutation) ActivateProjectCertificates(w http.ResponseWriter, r *http.Request, project generated.ProjectID) {
	m.serve(w, AnswerActivateProject, func(w http.ResponseWriter) { m.ServerInterface.ActivateProjectCertificates(w, r, project) })
}

func (m fieldMutation) DeactivateProjectCertificates(w http.ResponseWriter, r *http.Request, project generated.ProjectID) {
	m.serve(w, AnswerDeactivateProject, func(w http.ResponseWriter) { m.ServerInterface.DeactivateProjectCertificates(w, r, project) })
}

// serve runs answer, an answer of kind a, and breaks its cell's field in
// it when a is the cell's answer. Error answers go out as they were.
func (m fieldMutation) serve(w http.ResponseWriter, a Answer, answer func(http.ResponseWriter)) {
	if a != m.cell.Answer && a != AnswerUpload {
		answer(w)
		return
	}
	held := &heldAnswer{header: w.Header(), status: http.StatusOK}
	answer(held)
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(held.body.Bytes()))
	dec.UseNumber()
	if held.status != http.StatusOK || dec.Decode(&body) != nil {
		w.WriteHeader(held.status)
		_, _ = w.Write(held.body.Bytes())
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
		if a == AnswerUpload {
			m.uploaded.Store(c["id"], c["name"])
		}
		if a == m.cell.Answer {
			m.breakField(c)
		}
	}
	writeJSON(w, http.StatusOK, body)
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
	case FieldID:
		c["id"] = strings.Replace(c["id"].(string), "cert_", "cert_0", 1)
	case FieldObject:
		switch {
		case singleAnswer(m.cell.Answer):
			c["object"] = generated.CertificateObjectOrganizationCertificate
		case projectAnswer(m.cell.Answer):
			c["object"] = generated.OrganizationCertificateObjectOrganizationCertificate
		default:
			c["object"] = generated.OrganizationProjectCertificateObjectOrganizationProjectCertificate
		}
	case FieldName:
		if m.cell.Break == "dropped" {
			c["name"] = nil
		} else {
			c["name"], _ = m.uploaded.Load(c["id"])
		}
	case FieldActive:
		switch m.cell.Break {
		case "set", "wrong":
			c["active"] = true
		case "present":
			c["active"] = false
		default: // flipped, stale
			active, _ := c["active"].(bool)
			c["active"] = !active
		}
	case FieldCreatedAt:
		if m.cell.Break == "milliseconds" {
			shift(c, "created_at", 0, 1000)
		} else {
			shift(c, "created_at", 3600, 1)
		}
	case FieldValidAt:
		delete(details, "valid_at")
	case FieldExpiresAt:
		shift(details, "expires_at", -24*3600, 1)
	case FieldContent:
		if s, ok := details["content"].(string); ok {
			details["content"] = strings.TrimRight(s, "\n")
		}
	}
}
