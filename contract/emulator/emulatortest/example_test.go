package emulatortest_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/emulator/emulatortest"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// rotate is the code under test: a CA rotation job. It uploads the new CA,
// activates it for the organization, deactivates the old one and deletes
// it; when the delete is refused because the old CA is still active in a
// project, it moves each project over too and deletes again.
func rotate(ctx context.Context, c *generated.AdminClient, oldID, newPEM, name string, projects []string) error {
	fresh, err := c.UploadCertificate(ctx, newPEM, name)
	if err != nil {
		return err
	}
	if _, err := c.ActivateOrganizationCertificates(ctx, fresh.Id); err != nil {
		return err
	}
	if _, err := c.DeactivateOrganizationCertificates(ctx, oldID); err != nil {
		return err
	}
	_, err = c.DeleteCertificate(ctx, oldID)
	if !generated.HasCode(err, generated.ErrorCodeCertificateActive) {
		return err
	}
	for _, p := range projects {
		if _, err := c.ActivateProjectCertificates(ctx, p, fresh.Id); err != nil {
			return err
		}
		if _, err := c.DeactivateProjectCertificates(ctx, p, oldID); err != nil {
			return err
		}
	}
	_, err = c.DeleteCertificate(ctx, oldID)
	return err
}

// The rotation job, tested through a 503 on its activation (the client
// retries it) and the certificate_active refusal of its first delete (the
// old CA is still active in a project): the journal shows every call and
// its answer, the state shows the result.
func Example_rotation() {
	emu, err := emulatortest.New(
		emulatortest.WithProjects("proj_payments"),
		emulatortest.WithCertificates(emulatortest.Certificate{
			ID: "cert_old", Name: "prod-ca", CreatedAt: time.Date(2025, 1, 31, 12, 0, 0, 0, time.UTC),
			ActiveForOrganization: true, ActiveInProjects: []string{"proj_payments"},
		}),
		emulatortest.WithFailNext("activateOrganizationCertificates", 1, emulator.Failure{Status: 503}),
	)
	if err != nil {
		panic(err)
	}
	defer emu.Close()
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		panic(err)
	}

	err = rotate(context.Background(), emu.Client, "cert_old", ca.PEM, "prod-ca-2026", []string{"proj_payments"})
	fmt.Println("rotation error:", err)
	for _, c := range emu.Calls() {
		line := fmt.Sprintf("%s %s → %d", c.Operation, c.ProjectID, c.Status)
		if c.Fault != "" {
			line += " (injected)"
		}
		fmt.Println(strings.Join(strings.Fields(line), " "))
	}
	for _, c := range emu.State().Certificates {
		fmt.Println(*c.Name, "active for the organization:", c.Active.Organization, "in projects:", c.Active.Projects)
	}
	// Output:
	// rotation error: <nil>
	// uploadCertificate → 200
	// activateOrganizationCertificates → 503 (injected)
	// activateOrganizationCertificates → 200
	// deactivateOrganizationCertificates → 200
	// deleteCertificate → 400
	// activateProjectCertificates proj_payments → 200
	// deactivateProjectCertificates proj_payments → 200
	// deleteCertificate → 200
	// prod-ca-2026 active for the organization: true in projects: [proj_payments]
}

// A connection that breaks after the upload was stored: the client does not
// send the upload again (it cannot know whether it was stored), and the
// emulator's state says it was.
func ExampleEmulator_FailNext() {
	emu, err := emulatortest.New()
	if err != nil {
		panic(err)
	}
	defer emu.Close()
	if err := emu.FailNext("uploadCertificate", 1, emulator.Failure{Connection: emulator.FaultLost}); err != nil {
		panic(err)
	}
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		panic(err)
	}
	_, err = emu.Client.UploadCertificate(context.Background(), ca.PEM, "maybe")
	fmt.Println("upload failed:", err != nil)
	fmt.Println("calls:", len(emu.Calls()), "stored:", len(emu.State().Certificates))
	// Output:
	// upload failed: true
	// calls: 1 stored: 1
}

// Reset puts the organization back to where the options started it, with
// the same ids, between the cases of a table.
func ExampleEmulator_Reset() {
	emu, err := emulatortest.New(emulatortest.WithCertificates(
		emulatortest.Certificate{ID: "cert_a", Name: "a"},
		emulatortest.Certificate{ID: "cert_b", Name: "b", ActiveForOrganization: true},
	))
	if err != nil {
		panic(err)
	}
	defer emu.Close()
	ctx := context.Background()
	if _, err := emu.Client.DeleteCertificate(ctx, "cert_a"); err != nil {
		panic(err)
	}
	fmt.Println("before reset:", len(emu.State().Certificates), "certificates,", len(emu.Calls()), "call")
	emu.Reset()
	b, _ := emu.Certificate("b")
	fmt.Println("after reset:", len(emu.State().Certificates), "certificates,", len(emu.Calls()), "calls; b active:", b.Active.Organization)
	// Output:
	// before reset: 1 certificates, 1 call
	// after reset: 2 certificates, 0 calls; b active: true
}
