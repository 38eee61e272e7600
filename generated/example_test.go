package generated_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// Each example starts its fake API and builds its client in the same few
// lines, on purpose: go doc shows an example's body alone, and a reader
// copies it whole, so none may lean on a helper it does not show.

// Walk every certificate of the organization; the iterator asks for the next
// page with after = last_id until has_more is false.
func ExampleAdminClient_AllOrganizationCertificates() {
	srv := startFakeAPI("root-2024", "root-2025", "root-2026")
	defer srv.Close()

	// In production: generated.New() with OPENAI_ADMIN_KEY set.
	client, err := generated.New(generated.WithBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}
	for cert, err := range client.AllOrganizationCertificates(context.Background(), generated.ListOptions{Limit: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(cert.Id, *cert.Name)
	}
	// Output:
	// cert_001 root-2024
	// cert_002 root-2025
	// cert_003 root-2026
}

// Upload a CA certificate, then activate it for the organization: an
// uploaded certificate is active nowhere until it is activated.
func ExampleAdminClient_UploadCertificate() {
	srv := startFakeAPI()
	defer srv.Close()
	client, err := generated.New(generated.WithBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	ca, err := testcert.New(testcert.Options{}) // or the PEM of your own CA
	if err != nil {
		log.Fatal(err)
	}
	cert, err := client.UploadCertificate(ctx, ca.PEM, "partner-ca")
	if err != nil {
		log.Fatal(err)
	}
	activated, err := client.ActivateOrganizationCertificates(ctx, cert.Id)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range activated.Data {
		fmt.Println(c.Id, *c.Name, "active:", c.Active)
	}
	// Output:
	// cert_001 partner-ca active: true
}

// Replace the CA that mutual TLS trusts without a moment in which neither
// the old nor the new one is trusted: upload the new certificate, activate
// it for the organization and for every project that uses the old one,
// confirm, and only then deactivate and delete the old one.
func Example_rotateCA() {
	srv := startFakeAPI("root-2025")
	defer srv.Close()
	client, err := generated.New(generated.WithBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	const oldID = "cert_001"
	projects := []string{"proj_web", "proj_batch", "proj_ml"}
	// The starting point: the old CA is trusted by the organization and two projects.
	if _, err := client.ActivateOrganizationCertificates(ctx, oldID); err != nil {
		log.Fatal(err)
	}
	for _, p := range []string{"proj_web", "proj_ml"} {
		if _, err := client.ActivateProjectCertificates(ctx, p, oldID); err != nil {
			log.Fatal(err)
		}
	}

	// Which projects trust the old CA?
	activeIn := func(project, id string) bool {
		for c, err := range client.AllProjectCertificates(ctx, project, generated.ListOptions{Limit: 100}) {
			if err != nil {
				log.Fatal(err)
			}
			if c.Id == id {
				return c.Active
			}
		}
		return false
	}
	var using []string
	for _, p := range projects {
		if activeIn(p, oldID) {
			using = append(using, p)
		}
	}

	// Upload the new CA and trust it wherever the old one is trusted.
	ca, err := testcert.New(testcert.Options{}) // or the PEM of your new CA
	if err != nil {
		log.Fatal(err)
	}
	cert, err := client.UploadCertificate(ctx, ca.PEM, "root-2026")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.ActivateOrganizationCertificates(ctx, cert.Id); err != nil {
		log.Fatal(err)
	}
	for _, p := range using {
		if _, err := client.ActivateProjectCertificates(ctx, p, cert.Id); err != nil {
			log.Fatal(err)
		}
	}

	// Confirm before taking anything away.
	for c, err := range client.AllOrganizationCertificates(ctx, generated.ListOptions{Limit: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		if c.Id == cert.Id && !c.Active {
			log.Fatalf("%s is not active for the organization", cert.Id)
		}
	}
	for _, p := range using {
		if !activeIn(p, cert.Id) {
			log.Fatalf("%s is not active for %s", cert.Id, p)
		}
	}

	// Retire the old CA: deactivated everywhere, it can be deleted.
	for _, p := range using {
		if _, err := client.DeactivateProjectCertificates(ctx, p, oldID); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := client.DeactivateOrganizationCertificates(ctx, oldID); err != nil {
		log.Fatal(err)
	}
	if _, err := client.DeleteCertificate(ctx, oldID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("trusted now:", cert.Id, "by the organization and", using)
	fmt.Println("deleted:", oldID)
	// Output:
	// trusted now: cert_002 by the organization and [proj_web proj_ml]
	// deleted: cert_001
}

// A certificate still active somewhere cannot be deleted; the API says so
// with the code certificate_active, which HasCode compares with the
// constant generated from the fragment.
func ExampleHasCode() {
	srv := startFakeAPI("root-2025")
	defer srv.Close()
	client, err := generated.New(generated.WithBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.ActivateOrganizationCertificates(ctx, "cert_001"); err != nil {
		log.Fatal(err)
	}

	_, err = client.DeleteCertificate(ctx, "cert_001")
	if generated.HasCode(err, generated.ErrorCodeCertificateActive) {
		fmt.Println("still active; deactivate it first")
	}
	fmt.Println(err)
	// Output:
	// still active; deactivate it first
	// certcontract: deleteCertificate failed after 1 attempt: 400 Bad Request: certificate_active: Deactivate the certificate everywhere before deleting it (param certificate_id, request req_example)
}

// A certificate that does not exist is an *APIError with status 404;
// IsNotFound says so without a type assertion, errors.As gives the details.
func ExampleIsNotFound() {
	srv := startFakeAPI()
	defer srv.Close()
	client, err := generated.New(generated.WithBaseURL(srv.URL+"/v1"), generated.WithAdminKey("sk-admin-example"))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.GetCertificate(context.Background(), "cert_gone", false)
	if generated.IsNotFound(err) {
		var apiErr *generated.APIError
		errors.As(err, &apiErr)
		fmt.Println("not found:", apiErr.Param, apiErr.Code, apiErr.RequestID)
		fmt.Println(err)
	}
	// Output:
	// not found: certificate_id not_found req_example
	// certcontract: getCertificate failed after 1 attempt: 404 Not Found: not_found: No certificate with id cert_gone (param certificate_id, request req_example)
}
