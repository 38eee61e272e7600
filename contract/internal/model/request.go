package model

import (
	"fmt"
	"strings"
)

// Op is one of the ten operations, named by its operationId.
type Op string

const (
	ListOrganization       Op = "listOrganizationCertificates"
	Upload                 Op = "uploadCertificate"
	ActivateOrganization   Op = "activateOrganizationCertificates"
	DeactivateOrganization Op = "deactivateOrganizationCertificates"
	Get                    Op = "getCertificate"
	Modify                 Op = "modifyCertificate"
	Delete                 Op = "deleteCertificate"
	ListProject            Op = "listProjectCertificates"
	ActivateProject        Op = "activateProjectCertificates"
	DeactivateProject      Op = "deactivateProjectCertificates"
)

// Ops are the ten operations.
var Ops = []Op{ListOrganization, Upload, ActivateOrganization, DeactivateOrganization, Get, Modify, Delete, ListProject, ActivateProject, DeactivateProject}

// project reports whether the operation addresses one project.
func (op Op) project() bool {
	return op == ListProject || op == ActivateProject || op == DeactivateProject
}

// toggle reports whether the operation is one of the four batch toggles, and
// the state it sets.
func (op Op) toggle() (isToggle, active bool) {
	switch op {
	case ActivateOrganization, ActivateProject:
		return true, true
	case DeactivateOrganization, DeactivateProject:
		return true, false
	}
	return false, false
}

// Request is one request as the model sees it: only the fields its operation
// uses are read. Pointers are parameters that may be left out.
type Request struct {
	Op Op
	// CertificateID is the path parameter of get, modify and delete.
	CertificateID string
	// Project is the path parameter of the project operations.
	Project string
	// IDs is a toggle's certificate_ids.
	IDs []string
	// Limit, After and Order are a list's query parameters.
	Limit *int
	After *string
	Order *string
	// Include are get's include[] values.
	Include []string
	// Name is upload's and modify's name.
	Name *string
	// PEM is upload's certificate.
	PEM string
}

// String is the request in one line, as a numbered step shows it.
func (r Request) String() string {
	var b strings.Builder
	b.WriteString(string(r.Op))
	if r.Op.project() {
		fmt.Fprintf(&b, " project=%s", r.Project)
	}
	switch r.Op {
	case Get, Modify, Delete:
		fmt.Fprintf(&b, " %s", r.CertificateID)
	}
	if ok, _ := r.Op.toggle(); ok {
		fmt.Fprintf(&b, " certificate_ids=[%s]", strings.Join(r.IDs, " "))
	}
	if r.Limit != nil {
		fmt.Fprintf(&b, " limit=%d", *r.Limit)
	}
	if r.After != nil {
		fmt.Fprintf(&b, " after=%s", *r.After)
	}
	if r.Order != nil {
		fmt.Fprintf(&b, " order=%s", *r.Order)
	}
	for _, v := range r.Include {
		fmt.Fprintf(&b, " include[]=%s", v)
	}
	if r.Name != nil {
		fmt.Fprintf(&b, " name=%q", *r.Name)
	}
	return b.String()
}
