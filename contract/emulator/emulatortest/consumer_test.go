package emulatortest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// consumerTest is a test in another module, of a rotation job written
// against package generated, that uses nothing but the kit: no server,
// client or key of its own.
const consumerTest = `package rotation_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/emulator/emulatortest"
	"github.com/certcontract/certcontract/generated"
)

// rotate is the code under test: make newID the organization's CA in place of oldID.
func rotate(ctx context.Context, c *generated.AdminClient, oldID, newID string) error {
	if _, err := c.ActivateOrganizationCertificates(ctx, newID); err != nil {
		return err
	}
	if _, err := c.DeactivateOrganizationCertificates(ctx, oldID); err != nil {
		return err
	}
	_, err := c.DeleteCertificate(ctx, oldID)
	return err
}

func TestRotation(t *testing.T) {
	emu := emulatortest.Start(t,
		emulatortest.WithCertificates(
			emulatortest.Certificate{ID: "cert_old", Name: "old-ca", ActiveForOrganization: true},
			emulatortest.Certificate{ID: "cert_new", Name: "new-ca"},
		),
		emulatortest.WithFailNext("deactivateOrganizationCertificates", 1, emulator.Failure{Status: 503}),
	)
	if err := rotate(t.Context(), emu.Client, "cert_old", "cert_new"); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range emu.Calls() {
		ids := c.CertificateIDs
		if c.CertificateID != "" {
			ids = []string{c.CertificateID}
		}
		got = append(got, fmt.Sprintf("%s %v %d", c.Operation, ids, c.Status))
	}
	want := []string{
		"activateOrganizationCertificates [cert_new] 200",
		"deactivateOrganizationCertificates [cert_old] 503",
		"deactivateOrganizationCertificates [cert_old] 200",
		"deleteCertificate [cert_old] 200",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	state := emu.State().Certificates
	if len(state) != 1 || state[0].ID != "cert_new" || !state[0].Active.Organization {
		t.Fatalf("state after the rotation: %+v", state)
	}
}
`

// TestConsumerModuleUsesOnlyTheKit runs consumerTest in a throwaway module
// that requires this one, as a service vendoring the client would.
func TestConsumerModuleUsesOnlyTheKit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests a separate module; skipped in -short mode")
	}
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"go.mod": "module example.com/rotation\n\ngo 1.26\n\n" +
			"require github.com/certcontract/certcontract v0.0.0\n\n" +
			"replace github.com/certcontract/certcontract => " + root + "\n",
		"go.sum":           string(sums),
		"rotation_test.go": consumerTest,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd(t, dir, "mod", "tidy")
	if out := goCmd(t, dir, "test", "-count=1", "-v", "-run", "TestRotation", "."); !strings.Contains(out, "--- PASS: TestRotation") {
		t.Fatalf("the consumer's test did not pass:\n%s", out)
	}
}

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
