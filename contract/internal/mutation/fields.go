package mutation

import "strings"

// Field mutations: one per cell of the field × answer table (FieldCells),
// each breaking one field in one answer and nowhere else, as a cache or a
// serializer of that one answer would: a stale name in the ascending
// organization list, a valid_at dropped from one toggle's items.

// Answer names an answer that carries a certificate.
type Answer string

// The answers that carry a certificate, in the order of the docs' table.
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

// Single says whether a carries one certificate (upload, get, modify).
func (a Answer) Single() bool { return a == AnswerUpload || a == AnswerGet || a == AnswerModify }

// Project says whether a is about one project's certificates.
func (a Answer) Project() bool {
	return a == AnswerProjectListAsc || a == AnswerProjectListDesc || a == AnswerActivateProject || a == AnswerDeactivateProject
}

// Toggle says whether a answers an activation or a deactivation.
func (a Answer) Toggle() bool {
	return a == AnswerActivateOrg || a == AnswerDeactivateOrg || a == AnswerActivateProject || a == AnswerDeactivateProject
}

// Field names a field of a certificate; its JSON name says where it is.
type Field string

// The fields of a certificate, in the order of the docs' table.
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
func (c FieldCell) Mutation() string {
	return c.Break + "-" + strings.ReplaceAll(string(c.Field), "_", "-") + "-in-" + string(c.Answer)
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
		case a.Toggle():
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
