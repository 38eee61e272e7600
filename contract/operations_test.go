package contract_test

import (
	"context"
	"io"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/certcontract/certcontract/generated"
)

// operation sends one well-formed request to one operation, so the specs that
// go through every operation (auth, faults, bodies) share a single list. The
// coverage gate notices when an operation of the fragment is missing here.
type operation struct {
	name string
	send func(ctx context.Context, c *generated.ClientWithResponses, f fixture, editors ...generated.RequestEditorFn) (result, error)
}

// fixture is what a request refers to.
type fixture struct {
	certID  string
	project string
	pem     string
}

// fixture uploads a certificate for requests to refer to, so they reach the
// rule a spec is about instead of stopping at a 404.
func (o *org) fixture(ctx context.Context, label string) fixture {
	GinkgoHelper()
	up, _ := o.upload(ctx, label)
	return fixture{certID: up.Id, project: o.project(), pem: validCert().pem}
}

// bodyOperation sends a raw body with a content type; body builds a body the
// fragment accepts, with one string field padded to at least pad bytes.
type bodyOperation struct {
	name string
	body func(f fixture, pad int) string
	send func(ctx context.Context, c *generated.ClientWithResponses, f fixture, contentType string, body io.Reader) (result, error)
}

func padded(s string, pad int) string {
	if len(s) >= pad {
		return s
	}
	return s + strings.Repeat("x", pad-len(s))
}

// uploadBody names the certificate for the run, so a sweep finds it should
// the API store it after all.
func uploadBody(f fixture, pad int) string {
	return `{"certificate":` + jsonString(padded(f.pem, pad)) + `,"name":` + jsonString(certName("body")) + `}`
}

func toggleBody(f fixture, pad int) string {
	return `{"certificate_ids":[` + jsonString(padded(f.certID+"_", pad)) + `]}`
}

func modifyBody(f fixture, pad int) string {
	return `{"name":` + jsonString(padded(certName("renamed"), pad)) + `}`
}

func anyResult[R result](r R, err error) (result, error) { return r, err }

// entriesOf makes one DescribeTable entry per item, named by name.
func entriesOf[T any](items []T, name func(T) string) []TableEntry {
	out := make([]TableEntry, 0, len(items))
	for _, it := range items {
		out = append(out, Entry(name(it), it))
	}
	return out
}

var operations = []operation{
	{"list organization certificates", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		return anyResult(c.ListOrganizationCertificatesWithResponse(ctx, nil, e...))
	}},
	{"upload a certificate", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		name := certName("unsent")
		return anyResult(c.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: f.pem, Name: &name}, e...))
	}},
	{"activate for the organization", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		return anyResult(c.ActivateOrganizationCertificatesWithResponse(ctx, toggle(f.certID), e...))
	}},
	{"deactivate for the organization", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		return anyResult(c.DeactivateOrganizationCertificatesWithResponse(ctx, toggle(f.certID), e...))
	}},
	{"get a certificate", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		return anyResult(c.GetCertificateWithResponse(ctx, f.certID, nil, e...))
	}},
	{"modify a certificate", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		name := certName("unsent")
		return anyResult(c.ModifyCertificateWithResponse(ctx, f.certID, generated.ModifyCertificateRequest{Name: &name}, e...))
	}},
	{"delete a certificate", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		return anyResult(c.DeleteCertificateWithResponse(ctx, f.certID, e...))
	}},
	{"list project certificates", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		return anyResult(c.ListProjectCertificatesWithResponse(ctx, f.project, nil, e...))
	}},
	{"activate for a project", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		return anyResult(c.ActivateProjectCertificatesWithResponse(ctx, f.project, toggle(f.certID), e...))
	}},
	{"deactivate for a project", func(ctx context.Context, c *generated.ClientWithResponses, f fixture, e ...generated.RequestEditorFn) (result, error) {
		return anyResult(c.DeactivateProjectCertificatesWithResponse(ctx, f.project, toggle(f.certID), e...))
	}},
}

var bodyOperations = []bodyOperation{
	{"upload a certificate", uploadBody, func(ctx context.Context, c *generated.ClientWithResponses, f fixture, ct string, b io.Reader) (result, error) {
		return anyResult(c.UploadCertificateWithBodyWithResponse(ctx, ct, b))
	}},
	{"activate for the organization", toggleBody, func(ctx context.Context, c *generated.ClientWithResponses, f fixture, ct string, b io.Reader) (result, error) {
		return anyResult(c.ActivateOrganizationCertificatesWithBodyWithResponse(ctx, ct, b))
	}},
	{"deactivate for the organization", toggleBody, func(ctx context.Context, c *generated.ClientWithResponses, f fixture, ct string, b io.Reader) (result, error) {
		return anyResult(c.DeactivateOrganizationCertificatesWithBodyWithResponse(ctx, ct, b))
	}},
	{"modify a certificate", modifyBody, func(ctx context.Context, c *generated.ClientWithResponses, f fixture, ct string, b io.Reader) (result, error) {
		return anyResult(c.ModifyCertificateWithBodyWithResponse(ctx, f.certID, ct, b))
	}},
	{"activate for a project", toggleBody, func(ctx context.Context, c *generated.ClientWithResponses, f fixture, ct string, b io.Reader) (result, error) {
		return anyResult(c.ActivateProjectCertificatesWithBodyWithResponse(ctx, f.project, ct, b))
	}},
	{"deactivate for a project", toggleBody, func(ctx context.Context, c *generated.ClientWithResponses, f fixture, ct string, b io.Reader) (result, error) {
		return anyResult(c.DeactivateProjectCertificatesWithBodyWithResponse(ctx, f.project, ct, b))
	}},
}
