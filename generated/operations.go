package generated

import (
	"context"
	"fmt"
	"net/http"
)

// retryClass says how a failed attempt of an operation may be retried; the
// rules are on [AdminClient].
type retryClass int

const (
	// idempotent operations change nothing more when repeated.
	idempotent retryClass = iota + 1
	// storesOnce operations (uploads) may store a second copy when repeated
	// after reaching the server.
	storesOnce
)

// retryClasses holds the retry class of every operation of the fragment, by
// operationId. A test fails when an operation has no entry here or no
// AdminClient method.
var retryClasses = map[string]retryClass{
	"listOrganizationCertificates":       idempotent,
	"uploadCertificate":                  storesOnce,
	"activateOrganizationCertificates":   idempotent,
	"deactivateOrganizationCertificates": idempotent,
	"getCertificate":                     idempotent,
	"modifyCertificate":                  idempotent,
	"deleteCertificate":                  idempotent,
	"listProjectCertificates":            idempotent,
	"activateProjectCertificates":        idempotent,
	"deactivateProjectCertificates":      idempotent,
}

// ListOptions chooses one page of a list. Zero values are not sent, so the
// API's defaults apply.
type ListOptions struct {
	// Limit is how many certificates the page holds, 1 to 100. Zero: the
	// API's default, 20.
	Limit int
	// After is a certificate id, usually the previous page's LastId; the page
	// starts right after it. Empty: the first page.
	After string
	// Order sorts by created_at: OrderAsc or OrderDesc. Empty: the API's
	// default, OrderDesc.
	Order Order
}

func (o ListOptions) organizationParams() *ListOrganizationCertificatesParams {
	var p ListOrganizationCertificatesParams
	if o.Limit != 0 {
		p.Limit = &o.Limit
	}
	if o.After != "" {
		p.After = &o.After
	}
	if o.Order != "" {
		order := ListOrganizationCertificatesParamsOrder(o.Order)
		p.Order = &order
	}
	return &p
}

func (o ListOptions) projectParams() *ListProjectCertificatesParams {
	p := o.organizationParams()
	return &ListProjectCertificatesParams{Limit: p.Limit, After: p.After, Order: (*ListProjectCertificatesParamsOrder)(p.Order)}
}

// needID refuses a call whose path would lack an id: the request would
// reach another route, or none.
func needID(operation, param, id string) error {
	if id == "" {
		return &OperationError{Operation: operation, Err: fmt.Errorf("%s is empty", param)}
	}
	return nil
}

// toggle is the body of the four activate and deactivate operations; no ids
// are sent as an empty list, which the API refuses with a 400.
func toggle(certificateIDs []string) ToggleCertificatesRequest {
	if certificateIDs == nil {
		certificateIDs = []string{}
	}
	return ToggleCertificatesRequest{CertificateIds: certificateIDs}
}

// ListOrganizationCertificates returns one page of the organization's
// certificates. [AdminClient.AllOrganizationCertificates] walks every page.
func (c *AdminClient) ListOrganizationCertificates(ctx context.Context, opts ListOptions) (*ListCertificatesResponse, error) {
	return do(ctx, c, "listOrganizationCertificates", func(ctx context.Context) (*http.Response, error) {
		return c.api.ListOrganizationCertificates(ctx, opts.organizationParams())
	}, ParseListOrganizationCertificatesResult, (*ListOrganizationCertificatesResult).GetJSON200)
}

// UploadCertificate uploads one PEM-encoded CA certificate under name (empty:
// no name). It is active nowhere until activated. See [WithUploadRetries]
// for when an upload is retried. It does not check the certificate first:
// the API is the judge of what it accepts; call [CheckCACertificate] to
// lint a file before uploading it.
func (c *AdminClient) UploadCertificate(ctx context.Context, certificatePEM, name string) (*Certificate, error) {
	body := UploadCertificateRequest{Certificate: certificatePEM}
	if name != "" {
		body.Name = &name
	}
	return do(ctx, c, "uploadCertificate", func(ctx context.Context) (*http.Response, error) {
		return c.api.UploadCertificate(ctx, body)
	}, ParseUploadCertificateResult, (*UploadCertificateResult).GetJSON200)
}

// ActivateOrganizationCertificates activates up to 10 certificates for the
// organization, all or none. Repeating it changes nothing, so it is retried.
func (c *AdminClient) ActivateOrganizationCertificates(ctx context.Context, certificateIDs ...string) (*OrganizationCertificateActivationResponse, error) {
	return do(ctx, c, "activateOrganizationCertificates", func(ctx context.Context) (*http.Response, error) {
		return c.api.ActivateOrganizationCertificates(ctx, toggle(certificateIDs))
	}, ParseActivateOrganizationCertificatesResult, (*ActivateOrganizationCertificatesResult).GetJSON200)
}

// DeactivateOrganizationCertificates deactivates up to 10 certificates for
// the organization, all or none. Repeating it changes nothing, so it is
// retried.
func (c *AdminClient) DeactivateOrganizationCertificates(ctx context.Context, certificateIDs ...string) (*OrganizationCertificateDeactivationResponse, error) {
	return do(ctx, c, "deactivateOrganizationCertificates", func(ctx context.Context) (*http.Response, error) {
		return c.api.DeactivateOrganizationCertificates(ctx, toggle(certificateIDs))
	}, ParseDeactivateOrganizationCertificatesResult, (*DeactivateOrganizationCertificatesResult).GetJSON200)
}

// GetCertificate returns one certificate, with its PEM in
// CertificateDetails.Content when withContent is true.
func (c *AdminClient) GetCertificate(ctx context.Context, certificateID string, withContent bool) (*Certificate, error) {
	if err := needID("getCertificate", "certificate_id", certificateID); err != nil {
		return nil, err
	}
	var params GetCertificateParams
	if withContent {
		params.Include = &[]GetCertificateParamsInclude{GetCertificateParamsIncludeContent}
	}
	return do(ctx, c, "getCertificate", func(ctx context.Context) (*http.Response, error) {
		return c.api.GetCertificate(ctx, certificateID, &params)
	}, ParseGetCertificateResult, (*GetCertificateResult).GetJSON200)
}

// ModifyCertificate renames a certificate (an empty name sends no name and
// changes nothing). Setting the same name twice has the effect of setting it
// once, so it is retried.
func (c *AdminClient) ModifyCertificate(ctx context.Context, certificateID, name string) (*Certificate, error) {
	if err := needID("modifyCertificate", "certificate_id", certificateID); err != nil {
		return nil, err
	}
	var body ModifyCertificateRequest
	if name != "" {
		body.Name = &name
	}
	return do(ctx, c, "modifyCertificate", func(ctx context.Context) (*http.Response, error) {
		return c.api.ModifyCertificate(ctx, certificateID, body)
	}, ParseModifyCertificateResult, (*ModifyCertificateResult).GetJSON200)
}

// DeleteCertificate deletes a certificate that is inactive everywhere. It is
// retried like every DELETE: the certificate ends up gone either way. If an
// attempt deleted it but its answer was lost, the retry answers 404, so a
// caller that just asked for the deletion may treat [IsNotFound] as done.
func (c *AdminClient) DeleteCertificate(ctx context.Context, certificateID string) (*DeleteCertificateResponse, error) {
	if err := needID("deleteCertificate", "certificate_id", certificateID); err != nil {
		return nil, err
	}
	return do(ctx, c, "deleteCertificate", func(ctx context.Context) (*http.Response, error) {
		return c.api.DeleteCertificate(ctx, certificateID)
	}, ParseDeleteCertificateResult, (*DeleteCertificateResult).GetJSON200)
}

// ListProjectCertificates returns one page of the organization's
// certificates with their state in one project.
// [AdminClient.AllProjectCertificates] walks every page.
func (c *AdminClient) ListProjectCertificates(ctx context.Context, projectID string, opts ListOptions) (*ListProjectCertificatesResponse, error) {
	if err := needID("listProjectCertificates", "project_id", projectID); err != nil {
		return nil, err
	}
	return do(ctx, c, "listProjectCertificates", func(ctx context.Context) (*http.Response, error) {
		return c.api.ListProjectCertificates(ctx, projectID, opts.projectParams())
	}, ParseListProjectCertificatesResult, (*ListProjectCertificatesResult).GetJSON200)
}

// ActivateProjectCertificates activates up to 10 certificates for one
// project, all or none. Repeating it changes nothing, so it is retried.
func (c *AdminClient) ActivateProjectCertificates(ctx context.Context, projectID string, certificateIDs ...string) (*OrganizationProjectCertificateActivationResponse, error) {
	if err := needID("activateProjectCertificates", "project_id", projectID); err != nil {
		return nil, err
	}
	return do(ctx, c, "activateProjectCertificates", func(ctx context.Context) (*http.Response, error) {
		return c.api.ActivateProjectCertificates(ctx, projectID, toggle(certificateIDs))
	}, ParseActivateProjectCertificatesResult, (*ActivateProjectCertificatesResult).GetJSON200)
}

// DeactivateProjectCertificates deactivates up to 10 certificates for one
// project, all or none. Repeating it changes nothing, so it is retried.
func (c *AdminClient) DeactivateProjectCertificates(ctx context.Context, projectID string, certificateIDs ...string) (*OrganizationProjectCertificateDeactivationResponse, error) {
	if err := needID("deactivateProjectCertificates", "project_id", projectID); err != nil {
		return nil, err
	}
	return do(ctx, c, "deactivateProjectCertificates", func(ctx context.Context) (*http.Response, error) {
		return c.api.DeactivateProjectCertificates(ctx, projectID, toggle(certificateIDs))
	}, ParseDeactivateProjectCertificatesResult, (*DeactivateProjectCertificatesResult).GetJSON200)
}
