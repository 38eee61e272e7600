package model

import (
	"fmt"
	"net/http"
	"slices"
)

// Outcome is the model's verdict on one answer.
type Outcome struct {
	// Want is the answer the model expects. For a new certificate it carries
	// the id and created_at the API chose.
	Want Response
	// Note says what Want alone cannot: fields the API may leave out, or
	// what a shared organization leaves open.
	Note string
	// Diffs are the differences between the answer and Want, one per field;
	// none when the answer is right.
	Diffs []string
}

// Step says what the API must answer to req, compares that with got, and
// moves the model to the state after req. The model follows its own
// expectation, so after a divergence it is no longer a guide: stop there.
func (m *Model) Step(req Request, got Response) Outcome {
	if e := m.refusal(req); e != nil {
		// A refused request changes nothing.
		return compare(Response{Status: e.status(), Error: e}, got, "", nil)
	}
	switch req.Op {
	case ListOrganization, ListProject:
		return m.list(req, got)
	case Upload:
		return m.upload(req, got)
	case Get:
		c := m.find(req.CertificateID)
		want := Response{Status: http.StatusOK, Certificate: c.single(slices.Contains(req.Include, includeContent))}
		return compare(want, got, "", nil)
	case Modify:
		c := m.find(req.CertificateID)
		if req.Name != nil {
			c.name = req.Name
		}
		want := Response{Status: http.StatusOK, Certificate: c.single(false)}
		return compare(want, got, fmt.Sprintf("active: absent, or %t (its state for the organization)", c.org), &c.org)
	case Delete:
		m.remove(req.CertificateID)
		return compare(Response{Status: http.StatusOK, Deleted: &Deleted{Object: objectDeleted, ID: req.CertificateID}}, got, "", nil)
	default:
		return m.toggle(req, got)
	}
}

// refusal is the error the API must answer req with, nil when it must
// accept it. Checks run in the order a request is read: its shape (the
// fragment's constraints), then the project, then the certificates, then the
// rules of the API. A sequence that sends one mistake at a time never depends
// on that order.
func (m *Model) refusal(req Request) *Error {
	switch req.Op {
	case ListOrganization, ListProject:
		if req.Limit != nil && (*req.Limit < MinLimit || *req.Limit > MaxLimit) {
			return badRequest("limit", "", "limit must be 1 to 100")
		}
		if req.Order != nil && *req.Order != orderAsc && *req.Order != orderDsc {
			return badRequest("order", "", "order must be asc or desc")
		}
	case Get:
		for _, v := range req.Include {
			if v != includeContent {
				return badRequest("include", "", "include[] takes only content")
			}
		}
	}
	if ok, _ := req.Op.toggle(); ok && (len(req.IDs) < 1 || len(req.IDs) > MaxBatch) {
		return badRequest("certificate_ids", "", "certificate_ids takes 1 to 10 ids")
	}
	if req.Op.project() && !m.projects[req.Project] {
		return notFound("project_id", "no such project in the organization")
	}
	switch req.Op {
	case ListOrganization, ListProject:
		if req.After != nil && m.find(*req.After) == nil {
			return badRequest("after", "", "after is no certificate of the organization")
		}
	case Upload:
		if _, _, why := readPEM(req.PEM, m.now()); why != "" {
			return badRequest("certificate", "", "the certificate is "+why)
		}
		if !m.shared && len(m.certs) >= MaxCertificates {
			return badRequest("", CodeLimitReached, "the organization holds 50 certificates already")
		}
	case Get, Modify, Delete:
		c := m.find(req.CertificateID)
		if c == nil {
			return notFound("certificate_id", "no such certificate in the organization")
		}
		if req.Op == Delete && c.activeAnywhere() {
			return badRequest("certificate_id", CodeCertificateActive, "the certificate is still active for the organization or a project")
		}
	default:
		for _, id := range req.IDs {
			if m.find(id) == nil {
				return notFound("certificate_ids", id+" is no certificate of the organization")
			}
		}
	}
	return nil
}

// Errors the model expects carry its own explanation of the refusal as their
// message: only the API's wording is its own, so messages are not compared,
// but the report reads better with one.
func badRequest(param, code, why string) *Error {
	return &Error{Message: "(model) " + why, Type: TypeInvalidRequest, Param: orNull(param), Code: orNull(code)}
}

func notFound(param, why string) *Error {
	return &Error{Message: "(model) " + why, Type: TypeInvalidRequest, Param: orNull(param), Code: orNull(CodeNotFound)}
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (e *Error) status() int {
	if e.Code != nil && *e.Code == CodeNotFound {
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

// upload takes the new certificate's id and created_at from the answer, which
// only the API can choose, after checking they are plausible.
func (m *Model) upload(req Request, got Response) Outcome {
	validAt, expiresAt, _ := readPEM(req.PEM, m.now())
	if m.shared && isLimitReached(got) {
		// Others' certificates may fill the organization at any time.
		return Outcome{Want: got, Note: "the 50 limit, reached with certificates of others: the model cannot tell"}
	}
	c := &cert{name: req.Name, validAt: validAt, expiresAt: expiresAt, content: req.PEM, projects: map[string]bool{}}
	var plausible []string
	if got.Status == http.StatusOK && got.Certificate != nil {
		c.id, c.createdAt = got.Certificate.ID, got.Certificate.CreatedAt
		switch {
		case c.id == "":
			plausible = append(plausible, "id: empty")
		case m.ever[c.id]:
			plausible = append(plausible, fmt.Sprintf("id: %s was given to an earlier certificate", c.id))
		}
		if c.createdAt < m.newest {
			plausible = append(plausible, fmt.Sprintf("created_at: %d is before the previous upload's %d", c.createdAt, m.newest))
		}
	}
	o := compare(Response{Status: http.StatusOK, Certificate: c.single(false)}, got,
		"id and created_at are the API's to choose (a new id, not before the previous upload); active: absent, or false", ptr(false))
	o.Diffs = append(o.Diffs, plausible...)
	if c.id != "" {
		m.add(c)
	}
	return o
}

func isLimitReached(r Response) bool {
	return r.Status == http.StatusBadRequest && r.Error != nil && r.Error.Code != nil && *r.Error.Code == CodeLimitReached
}

// toggle sets a batch's state in one scope, all at once; a repeated id
// counts once, at its first place.
func (m *Model) toggle(req Request, got Response) Outcome {
	_, active := req.Op.toggle()
	project := ""
	if req.Op.project() {
		project = req.Project
	}
	var batch []*cert
	for _, id := range req.IDs {
		if c := m.find(id); !slices.Contains(batch, c) {
			batch = append(batch, c)
		}
	}
	t := &Toggle{Object: toggleObject(req.Op), Data: []Item{}}
	for _, c := range batch {
		c.set(project, active)
		t.Data = append(t.Data, c.item(project))
	}
	return compare(Response{Status: http.StatusOK, Toggle: t}, got, "", nil)
}

func toggleObject(op Op) string {
	switch op {
	case ActivateOrganization:
		return objectOrgOn
	case DeactivateOrganization:
		return objectOrgOff
	case ActivateProject:
		return objectProjectOn
	}
	return objectProjectOff
}
