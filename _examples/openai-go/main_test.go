package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// The recipe through the emulator's gate: refused without a client
// certificate once a CA is active for the key's project, models listed with
// one the CA signed.
func TestRecipeThroughTheGate(t *testing.T) {
	const admin, project = "sk-admin-example", "sk-proj-example"
	emu, err := emulator.New(emulator.Config{ProjectKeys: []emulator.ProjectKey{{Key: project, AdminKey: admin, Project: "proj_default"}}})
	if err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(emu)
	defer plain.Close()
	cfg, serverCA, err := emulator.MTLSConfig("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	mtls := httptest.NewUnstartedServer(emu)
	mtls.TLS = cfg
	mtls.StartTLS()
	defer mtls.Close()
	dir := t.TempDir()
	serverCAFile := filepath.Join(dir, "server-ca.pem")
	if err := os.WriteFile(serverCAFile, []byte(serverCA), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OPENAI_BASE_URL", mtls.URL+"/v1")
	t.Setenv("OPENAI_API_KEY", project)

	ctx := context.Background()
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	client, err := generated.New(generated.WithBaseURL(plain.URL+"/v1"), generated.WithAdminKey(admin))
	if err != nil {
		t.Fatal(err)
	}
	uploaded, err := client.UploadCertificate(ctx, ca.PEM, "example CA")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.ActivateProjectCertificates(ctx, "proj_default", uploaded.Id); err != nil {
		t.Fatal(err)
	}

	out, err := os.CreateTemp(dir, "out")
	if err != nil {
		t.Fatal(err)
	}
	var apiErr *openai.Error
	if err := listModels(ctx, serverCAFile, nil, out); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Fatalf("without a client certificate: %v, want a 403", err)
	}
	caFile, caKeyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	os.WriteFile(caFile, []byte(ca.PEM), 0o600)
	os.WriteFile(caKeyFile, []byte(ca.KeyPEM), 0o600)
	cert, err := clientCertificate("", "", caFile, caKeyFile, filepath.Join(dir, "client"))
	if err != nil {
		t.Fatal(err)
	}
	if err := listModels(ctx, serverCAFile, cert, out); err != nil {
		t.Fatalf("with the CA's client certificate: %v", err)
	}
	written, err := clientCertificate(filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem"), "", "", "")
	if err != nil {
		t.Fatalf("the client certificate written: %v", err)
	}
	if err := listModels(ctx, serverCAFile, written, out); err != nil {
		t.Fatalf("with the client certificate written: %v", err)
	}
	got, _ := os.ReadFile(out.Name())
	if !strings.Contains(string(got), "gpt-4o-mini") {
		t.Errorf("models listed: %q", got)
	}
}
