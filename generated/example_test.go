package generated_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// startEmulator serves the project's stateful emulator on loopback, so the
// examples run against a faithful Certificates API instead of
// api.openai.com. Any key of the form sk-admin-... is an organization there.
func startEmulator() *httptest.Server {
	emu, err := emulator.New(emulator.Config{})
	if err != nil {
		log.Fatal(err)
	}
	return httptest.NewServer(emu)
}

// newCAPEM is a fresh self-signed CA certificate, the kind the API accepts.
func newCAPEM() string {
	c, err := testcert.New(testcert.Options{})
	if err != nil {
		log.Fatal(err)
	}
	return c.PEM
}

// Walk every certificate of the organization; the iterator asks for the next
// page with after = last_id until has_more is false.
func ExampleAdminClient_AllOrganizationCertificates() {
	srv := startEmulator()
	defer srv.Close()

	// In production: generated.New() with OPENAI_ADMIN_KEY set.
	client, err := generated.New(generated.WithAPIBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range []string{"root-2024", "root-2025", "root-2026"} {
		if _, err := client.UploadCertificate(ctx, generated.UploadCertificateRequest{Certificate: newCAPEM(), Name: &name}); err != nil {
			log.Fatal(err)
		}
	}

	limit, order := 2, generated.ListOrganizationCertificatesParamsOrderAsc
	for cert, err := range client.AllOrganizationCertificates(ctx, &generated.ListOrganizationCertificatesParams{Limit: &limit, Order: &order}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*cert.Name, "active:", cert.Active)
	}
	// Output:
	// root-2024 active: false
	// root-2025 active: false
	// root-2026 active: false
}

// Upload a CA certificate, then activate it for the organization: an
// uploaded certificate is active nowhere until it is activated.
func ExampleAdminClient_UploadCertificate() {
	srv := startEmulator()
	defer srv.Close()
	client, err := generated.New(generated.WithAPIBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	name := "partner-ca"
	cert, err := client.UploadCertificate(ctx, generated.UploadCertificateRequest{Certificate: newCAPEM(), Name: &name})
	if err != nil {
		log.Fatal(err)
	}
	activated, err := client.ActivateOrganizationCertificates(ctx, generated.ToggleCertificatesRequest{CertificateIds: []string{cert.Id}})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range activated.Data {
		fmt.Println(*c.Name, "active:", c.Active)
	}
	// Output:
	// partner-ca active: true
}

// A certificate that does not exist is an *APIError with status 404;
// IsNotFound says so without a type assertion, errors.As gives the details.
func ExampleIsNotFound() {
	srv := startEmulator()
	defer srv.Close()
	client, err := generated.New(generated.WithAPIBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.GetCertificate(context.Background(), "cert_gone", nil)
	if generated.IsNotFound(err) {
		var apiErr *generated.APIError
		errors.As(err, &apiErr)
		fmt.Println("not found:", apiErr.Status, apiErr.Param, apiErr.Code)
		fmt.Println("request id for support:", apiErr.RequestID != "")
	}
	// Output:
	// not found: 404 certificate_id not_found
	// request id for support: true
}
