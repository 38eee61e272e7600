package model_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/internal/model"
	"github.com/certcontract/certcontract/contract/testcert"
)

const (
	orgItem     = "organization.certificate"
	projectItem = "organization.project.certificate"
	invalidReq  = "invalid_request_error"
)

func TestALifecycleAnsweredRightAgreesWithTheModel(t *testing.T) {
	m := newModel(false)
	a := upload(t, m, "cert_a", 100, "a")
	b := upload(t, m, "cert_b", 100, "")

	agree(t, m, model.Request{Op: model.Get, CertificateID: a.id}, 200, a.single(""))
	agree(t, m, model.Request{Op: model.Get, CertificateID: a.id, Include: []string{"content"}}, 200,
		`{"object":"certificate",`+a.fields()+`,`+a.details(true)+`}`)
	agree(t, m, model.Request{Op: model.ListOrganization}, 200,
		page(false, []string{b.id, a.id}, b.item(orgItem, false), a.item(orgItem, false)))

	agree(t, m, model.Request{Op: model.ActivateProject, Project: "proj_b", IDs: []string{a.id}}, 200,
		`{"object":"organization.project.certificate.activation","data":[`+a.item(projectItem, true)+`]}`)
	agree(t, m, model.Request{Op: model.ListProject, Project: "proj_b", Order: ptr("asc")}, 200,
		page(false, []string{a.id, b.id}, a.item(projectItem, true), b.item(projectItem, false)))
	agree(t, m, model.Request{Op: model.ListProject, Project: "proj_a", Order: ptr("asc")}, 200,
		page(false, []string{a.id, b.id}, a.item(projectItem, false), b.item(projectItem, false)))
	agree(t, m, model.Request{Op: model.ListOrganization, Order: ptr("asc")}, 200,
		page(false, []string{a.id, b.id}, a.item(orgItem, false), b.item(orgItem, false)))

	renamed := "a2"
	a.name = &renamed
	agree(t, m, model.Request{Op: model.Modify, CertificateID: a.id, Name: &renamed}, 200, a.single(""))
	agree(t, m, model.Request{Op: model.Modify, CertificateID: a.id}, 200, a.single(`,"active":false`))

	agree(t, m, model.Request{Op: model.DeactivateProject, Project: "proj_b", IDs: []string{a.id}}, 200,
		`{"object":"organization.project.certificate.deactivation","data":[`+a.item(projectItem, false)+`]}`)
	agree(t, m, model.Request{Op: model.Delete, CertificateID: a.id}, 200, `{"object":"certificate.deleted","id":"cert_a"}`)
	agree(t, m, model.Request{Op: model.ListOrganization}, 200, page(false, []string{b.id}, b.item(orgItem, false)))
	if got := m.IDs(); fmt.Sprint(got) != "[cert_b]" {
		t.Errorf("IDs() = %v, want [cert_b]", got)
	}
	if got := m.Deleted(); fmt.Sprint(got) != "[cert_a]" {
		t.Errorf("Deleted() = %v, want [cert_a]", got)
	}
}

func TestEveryDocumentedRefusalHasItsStatusCodeAndParam(t *testing.T) {
	garbage := "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
	key := makeCert(t, testcert.Options{}).KeyPEM
	chain := makeCert(t, testcert.Options{}).PEM + makeCert(t, testcert.Options{}).PEM
	expired := makeCert(t, testcert.Options{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)}).PEM
	expiring := makeCert(t, testcert.Options{NotAfter: now.Add(12 * time.Hour)}).PEM
	oversized := makeCert(t, testcert.Options{Padding: 16 << 10}).PEM
	prefixed := "hello\n" + makeCert(t, testcert.Options{}).PEM
	leaf := makeCert(t, testcert.Options{NotCA: true}).PEM
	noSKI := makeCert(t, testcert.Options{NoSubjectKeyID: true}).PEM
	noAKI := makeCert(t, testcert.Options{NoAuthorityKeyID: true}).PEM
	noCertSign := makeCert(t, testcert.Options{NoCertSign: true}).PEM

	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = "cert_a"
	}
	tests := []struct {
		name             string
		req              model.Request
		status           int
		param, code, typ string
	}{
		{"limit 0", model.Request{Op: model.ListOrganization, Limit: ptr(0)}, 400, "limit", "", invalidReq},
		{"limit 101", model.Request{Op: model.ListProject, Project: "proj_a", Limit: ptr(101)}, 400, "limit", "", invalidReq},
		{"an unknown order", model.Request{Op: model.ListOrganization, Order: ptr("sideways")}, 400, "order", "", invalidReq},
		{"an unknown cursor", model.Request{Op: model.ListOrganization, After: ptr("cert_nope")}, 400, "after", "", invalidReq},
		{"a deleted certificate as cursor", model.Request{Op: model.ListProject, Project: "proj_a", After: ptr("cert_gone")}, 400, "after", "", invalidReq},
		{"a project list of an unknown project", model.Request{Op: model.ListProject, Project: "proj_nope"}, 404, "project_id", "not_found", invalidReq},
		{"include=private_key", model.Request{Op: model.Get, CertificateID: "cert_a", Include: []string{"private_key"}}, 400, "include", "", invalidReq},
		{"get of an unknown id", model.Request{Op: model.Get, CertificateID: "cert_gone"}, 404, "certificate_id", "not_found", invalidReq},
		{"rename of an unknown id", model.Request{Op: model.Modify, CertificateID: "cert_nope", Name: ptr("x")}, 404, "certificate_id", "not_found", invalidReq},
		{"delete of an unknown id", model.Request{Op: model.Delete, CertificateID: "cert_gone"}, 404, "certificate_id", "not_found", invalidReq},
		{"delete while active for the organization", model.Request{Op: model.Delete, CertificateID: "cert_org"}, 400, "certificate_id", "certificate_active", invalidReq},
		{"delete while active for a project only", model.Request{Op: model.Delete, CertificateID: "cert_project"}, 400, "certificate_id", "certificate_active", invalidReq},
		{"a batch of 0 ids", model.Request{Op: model.ActivateOrganization, IDs: []string{}}, 400, "certificate_ids", "", invalidReq},
		{"a batch of 11 ids", model.Request{Op: model.DeactivateProject, Project: "proj_a", IDs: eleven}, 400, "certificate_ids", "", invalidReq},
		{"a batch with one unknown id", model.Request{Op: model.DeactivateOrganization, IDs: []string{"cert_a", "cert_nope"}}, 404, "certificate_ids", "not_found", invalidReq},
		{"a batch with one deleted id", model.Request{Op: model.ActivateProject, Project: "proj_a", IDs: []string{"cert_gone", "cert_a"}}, 404, "certificate_ids", "not_found", invalidReq},
		{"a toggle of an unknown project", model.Request{Op: model.ActivateProject, Project: "proj_nope", IDs: []string{"cert_a"}}, 404, "project_id", "not_found", invalidReq},
		{"garbage", model.Request{Op: model.Upload, PEM: garbage}, 400, "certificate", "", invalidReq},
		{"an empty certificate", model.Request{Op: model.Upload, PEM: ""}, 400, "certificate", "", invalidReq},
		{"a private key", model.Request{Op: model.Upload, PEM: key}, 400, "certificate", "", invalidReq},
		{"a chain", model.Request{Op: model.Upload, PEM: chain}, 400, "certificate", "", invalidReq},
		{"an expired certificate", model.Request{Op: model.Upload, PEM: expired}, 400, "certificate", "", invalidReq},
		{"a certificate expiring within a day", model.Request{Op: model.Upload, PEM: expiring}, 400, "certificate", "", invalidReq},
		{"a certificate of 16 KiB or more", model.Request{Op: model.Upload, PEM: oversized}, 400, "certificate", "", invalidReq},
		{"text before the PEM block", model.Request{Op: model.Upload, PEM: prefixed}, 400, "certificate", "", invalidReq},
		{"a leaf", model.Request{Op: model.Upload, PEM: leaf}, 400, "certificate", "", invalidReq},
		{"a CA without a Subject Key Identifier", model.Request{Op: model.Upload, PEM: noSKI}, 400, "certificate", "", invalidReq},
		{"a CA without an Authority Key Identifier", model.Request{Op: model.Upload, PEM: noAKI}, 400, "certificate", "", invalidReq},
		{"a CA without Certificate Sign", model.Request{Op: model.Upload, PEM: noCertSign}, 400, "certificate", "", invalidReq},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newModel(false)
			upload(t, m, "cert_a", 1, "a")
			gone := upload(t, m, "cert_gone", 2, "")
			agree(t, m, model.Request{Op: model.Delete, CertificateID: gone.id}, 200, `{"object":"certificate.deleted","id":"cert_gone"}`)
			org := upload(t, m, "cert_org", 3, "")
			apply(m, model.Request{Op: model.ActivateOrganization, IDs: []string{org.id}})
			prj := upload(t, m, "cert_project", 4, "")
			apply(m, model.Request{Op: model.ActivateProject, Project: "proj_b", IDs: []string{prj.id}})

			before := fmt.Sprint(m.IDs())
			agree(t, m, tt.req, tt.status, errorBody(tt.typ, tt.param, tt.code))
			if after := fmt.Sprint(m.IDs()); after != before {
				t.Errorf("a refused request changed the certificates: %s, then %s", before, after)
			}
			disagree(t, m, tt.req, tt.status, errorBody(tt.typ, tt.param+"_x", tt.code), "error.param")
			disagree(t, m, tt.req, tt.status, errorBody(tt.typ, tt.param, tt.code+"_x"), "error.code")
			disagree(t, m, tt.req, tt.status, errorBody("server_error", tt.param, tt.code), "error.type")
			disagree(t, m, tt.req, tt.status+1, errorBody(tt.typ, tt.param, tt.code), "status")
		})
	}
}
