package emulatortest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/emulator/emulatortest"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

func TestStartSeedsWhatTheOptionsSay(t *testing.T) {
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	emu := emulatortest.Start(t,
		emulatortest.WithProjects("proj_a", "proj_b"),
		emulatortest.WithCertificates(
			emulatortest.Certificate{Name: "given", PEM: ca.PEM, CreatedAt: created, ActiveInProjects: []string{"proj_b"}},
			emulatortest.Certificate{ActiveForOrganization: true},
		),
	)
	if !strings.HasSuffix(emu.URL, "/v1") || !strings.HasPrefix(emu.URL, "http://127.0.0.1:") || !strings.HasPrefix(emu.AdminKey, "sk-admin-") {
		t.Errorf("URL %q, key %q", emu.URL, emu.AdminKey)
	}
	given, ok := emu.Certificate("given")
	if !ok || given.PEM != ca.PEM || !given.CreatedAt.Equal(created) || given.Active.Organization || len(given.Active.Projects) != 1 {
		t.Errorf("the given certificate is %+v", given)
	}
	page, err := emu.Client.ListProjectCertificates(t.Context(), "proj_b", generated.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 2 || page.Data[0].Active || !page.Data[1].Active || *page.Data[1].Name != "given" {
		t.Errorf("proj_b lists %+v", page.Data)
	}
	made := emu.State().Certificates[1]
	if made.Name != nil || !made.Active.Organization || !strings.HasPrefix(made.PEM, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("the made certificate is %+v", made)
	}
	if _, err := emu.Client.ListProjectCertificates(t.Context(), "proj_default", generated.ListOptions{}); !generated.IsNotFound(err) {
		t.Errorf("a project WithProjects left out: %v", err)
	}
	other, err := generated.New(generated.WithBaseURL(emu.URL), generated.WithAdminKey("sk-admin-someone-else"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.ListOrganizationCertificates(t.Context(), generated.ListOptions{}); !generated.IsUnauthorized(err) {
		t.Errorf("another key: %v; want a 401, the organization is the kit's alone", err)
	}
}

func TestNewRefusesWhatTheAPIWould(t *testing.T) {
	for name, opts := range map[string][]emulatortest.Option{
		"activation in a project the organization lacks": {emulatortest.WithCertificates(emulatortest.Certificate{ActiveInProjects: []string{"proj_nope"}})},
		"a PEM that is no certificate":                   {emulatortest.WithCertificates(emulatortest.Certificate{PEM: "hello"})},
		"an operation the API lacks":                     {emulatortest.WithFailNext("rotateEverything", 1, emulator.Failure{Status: 503})},
		"a status that is no fault":                      {emulatortest.WithFailNext("uploadCertificate", 1, emulator.Failure{Status: 200})},
		"a fault rate above 1":                           {emulatortest.WithFaults(emulator.Faults{Rate: 2})},
	} {
		if emu, err := emulatortest.New(opts...); err == nil {
			emu.Close()
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestFaultsAndSharedOrganization(t *testing.T) {
	emu := emulatortest.Start(t,
		emulatortest.WithFaults(emulator.Faults{Rate: 1, Statuses: []int{500}}),
		emulatortest.WithShared(emulator.Shared{Foreign: 4}),
		emulatortest.WithClientOptions(generated.WithMaxRetries(0)),
	)
	_, err := emu.Client.ListOrganizationCertificates(t.Context(), generated.ListOptions{})
	var apiErr *generated.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 500 {
		t.Fatalf("with every request faulted: %v", err)
	}
	calls := emu.Calls()
	if len(calls) != 1 || calls[0].Status != 500 || calls[0].Fault != "500" {
		t.Errorf("calls %+v", calls)
	}
	if n := len(emu.State().Certificates); n != 4 {
		t.Errorf("%d certificates in a shared organization with 4 foreign ones", n)
	}
}
