package model_test

import (
	"testing"

	"github.com/certcontract/certcontract/contract/internal/model"
)

// Requests and answers print in a failure report beside each other, so each
// must read as what went over the wire.
func TestRequestsAndAnswersPrintAsOnTheWire(t *testing.T) {
	for _, tt := range []struct {
		got  interface{ String() string }
		want string
	}{
		{model.Request{Op: model.ActivateProject, Project: "proj_a", IDs: []string{"cert_1", "cert_2"}},
			"activateProjectCertificates project=proj_a certificate_ids=[cert_1 cert_2]"},
		{model.Request{Op: model.ListOrganization, Limit: ptr(2), After: ptr("cert_1"), Order: ptr("asc")},
			"listOrganizationCertificates limit=2 after=cert_1 order=asc"},
		{model.Request{Op: model.Get, CertificateID: "cert_1", Include: []string{"content"}}, "getCertificate cert_1 include[]=content"},
		{model.Request{Op: model.Modify, CertificateID: "cert_1", Name: ptr("new")}, `modifyCertificate cert_1 name="new"`},
		{model.Response{Status: 404, Error: &model.Error{Message: "no", Type: "invalid_request_error", Param: ptr("certificate_id"), Code: ptr("not_found")}},
			`404 {"error":{"message":"no","type":"invalid_request_error","param":"certificate_id","code":"not_found"}}`},
		{model.Response{Status: 200, Deleted: &model.Deleted{Object: "certificate.deleted", ID: "cert_1"}},
			`200 {"object":"certificate.deleted","id":"cert_1"}`},
		{model.Response{Status: 200, List: &model.List{Object: "list", Data: []model.Item{}}},
			`200 {"object":"list","data":[],"has_more":false,"first_id":null,"last_id":null}`},
		{model.Response{Status: 502}, "502"},
	} {
		if s := tt.got.String(); s != tt.want {
			t.Errorf("got  %s\nwant %s", s, tt.want)
		}
	}
}

func TestAnErrorWithoutAMessageDiverges(t *testing.T) {
	m := newModel(false)
	disagree(t, m, model.Request{Op: model.Get, CertificateID: "cert_nope"}, 404,
		`{"error":{"message":"","type":"invalid_request_error","param":"certificate_id","code":"not_found"}}`, "error.message: empty")
}
