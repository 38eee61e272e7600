package emulator_test

import (
	"net/http"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
)

// A query parameter the operation does not define is refused like an unknown
// body field: limt=5 must not quietly give a page of 20.
func TestUnknownQueryParametersAreRefused(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	id := c.upload(t, "").Id
	for _, ep := range endpoints {
		path := ep.path
		if ep.name == "getCertificate" || ep.name == "modifyCertificate" || ep.name == "deleteCertificate" {
			path = "/organization/certificates/" + id
		}
		t.Run(ep.name, func(t *testing.T) {
			c.do(t, ep.method, path+"?limt=5", ep.body).wantError(t, apiErr{status: http.StatusBadRequest, param: "limt"})
			// Refused even when empty, and first in name order when several.
			c.do(t, ep.method, path+"?zz&b=1", ep.body).wantError(t, apiErr{status: http.StatusBadRequest, param: "b"})
		})
	}
	// What each operation defines still passes, include's unbracketed
	// spelling too; a list does not take include.
	for _, ok := range []string{
		"/organization/certificates?limit=5&order=asc&after=" + id,
		"/organization/projects/proj_default/certificates?limit=5&order=desc",
		"/organization/certificates/" + id + "?include[]=content",
		"/organization/certificates/" + id + "?include=content",
	} {
		c.do(t, http.MethodGet, ok, nil).decode(t, http.StatusOK, nil)
	}
	c.do(t, http.MethodGet, "/organization/certificates?include[]=content", nil).wantError(t, apiErr{status: http.StatusBadRequest, param: "include[]"})
}
