// Command consumer calls every operation of the Certificates API once: it
// uploads a CA certificate, lists, reads it back with its PEM, renames it,
// activates it for the organization and a project, sees that an active
// certificate cannot be deleted, deactivates it and deletes it.
//
//	OPENAI_ADMIN_KEY=sk-admin-... [OPENAI_BASE_URL=http://127.0.0.1:8080/v1] \
//		go run ./examples/consumer ca.pem proj_default
//
// A test in contract/adminclient builds it and runs it against the emulator.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/certcontract/certcontract/generated"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: consumer <ca.pem> <project id>")
	}
	pem, err := os.ReadFile(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	project := os.Args[2]
	ctx := context.Background()

	client, err := generated.New() // OPENAI_ADMIN_KEY, and OPENAI_BASE_URL if set
	if err != nil {
		log.Fatal(err)
	}
	cert, err := client.UploadCertificate(ctx, string(pem), "consumer-ca")
	if err != nil {
		log.Fatal(err)
	}
	for c, err := range client.AllOrganizationCertificates(ctx, generated.ListOptions{Limit: 100, Order: generated.OrderAsc}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("listed", c.Id, "active:", c.Active)
	}
	got, err := client.GetCertificate(ctx, cert.Id, true) // true: with its PEM
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("content as uploaded:", *got.CertificateDetails.Content == string(pem))
	if _, err := client.ModifyCertificate(ctx, cert.Id, "consumer-ca-2026"); err != nil {
		log.Fatal(err)
	}
	if _, err := client.ActivateOrganizationCertificates(ctx, cert.Id); err != nil {
		log.Fatal(err)
	}
	if _, err := client.ActivateProjectCertificates(ctx, project, cert.Id); err != nil {
		log.Fatal(err)
	}

	// A certificate still active somewhere cannot be deleted.
	_, err = client.DeleteCertificate(ctx, cert.Id)
	if !generated.HasCode(err, generated.ErrorCodeCertificateActive) {
		log.Fatalf("deleting an active certificate: %v", err)
	}
	fmt.Println("refused:", err)

	if _, err := client.DeactivateProjectCertificates(ctx, project, cert.Id); err != nil {
		log.Fatal(err)
	}
	if _, err := client.DeactivateOrganizationCertificates(ctx, cert.Id); err != nil {
		log.Fatal(err)
	}
	if _, err := client.DeleteCertificate(ctx, cert.Id); err != nil {
		log.Fatal(err)
	}
	_, err = client.GetCertificate(ctx, cert.Id, false)
	var apiErr *generated.APIError
	if generated.IsNotFound(err) && errors.As(err, &apiErr) {
		fmt.Println("deleted", cert.Id, "- request", apiErr.RequestID)
	}
}
