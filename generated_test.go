package tools_test

// What package generated promises the services that vendor it and the
// readers of its documentation, checked from outside it: here, not in
// generated's own tests, because these start go itself, whose inputs go's
// test cache cannot see, and so run every time (.ci/unit.sh) while
// generated's own tests are cached.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// consumerMain is a service that vendors the generated client: it calls a
// local stand-in for the API, so the build and the run need no network.
const consumerMain = `package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/certcontract/certcontract/generated"
)

func main() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, ` + "`" + `{"object":"list","data":[{"object":"organization.certificate","id":"cert_abc","name":null,"active":true,"created_at":1,"certificate_details":{"valid_at":1,"expires_at":2}}],"first_id":"cert_abc","last_id":"cert_abc","has_more":false}` + "`" + `)
	}))
	defer api.Close()
	c, err := generated.New(generated.WithBaseURL(api.URL+"/v1"), generated.WithAdminKey("sk-admin-consumer"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	page, err := c.ListOrganizationCertificates(context.Background(), generated.ListOptions{Limit: 10})
	if err != nil {
		fmt.Fprintln(os.Stderr, "list failed:", err)
		os.Exit(1)
	}
	fmt.Printf("%d certificate(s), first %s\n", len(page.Data), page.Data[0].Id)
}
`

// TestVendoredConsumerBuildsOffline follows docs/client.md's vendoring steps in a
// throwaway module: require this module and vendor it, with the module proxy
// as the environment has it (the consumer's go mod tidy needs modules that
// only the tests of oapi-codegen/runtime use, which nothing else here
// downloads), then build and run with the proxy switched off.
func TestVendoredConsumerBuildsOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module; skipped in -short mode")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goMod := "module example.com/consumer\n\ngo 1.26\n\n" +
		"require github.com/certcontract/certcontract v0.0.0\n\n" +
		"replace github.com/certcontract/certcontract => " + root + "\n"
	sums, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"go.mod":  goMod,
		"go.sum":  string(sums),
		"main.go": consumerMain,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	online := []string{"GOWORK=off"}
	run(t, dir, online, "go", "mod", "tidy")
	run(t, dir, online, "go", "mod", "vendor")
	if _, err := os.Stat(filepath.Join(dir, "vendor", "github.com", "certcontract", "certcontract", "generated")); err != nil {
		t.Fatalf("generated package not vendored: %v", err)
	}
	offline := []string{"GOPROXY=off", "GOWORK=off"}
	run(t, dir, offline, "go", "build", "-mod=vendor", "-o", "consumer", ".")
	out := run(t, dir, offline, filepath.Join(dir, "consumer"))
	if want := "1 certificate(s), first cert_abc"; strings.TrimSpace(out) != want {
		t.Fatalf("consumer printed %q, want %q", out, want)
	}
}

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// A module that requires this one records, in its go.sum, what the tests of
// the packages it imports need. Examples here once ran against
// contract/emulator and so put kin-openapi into every consumer's go.sum.
func TestConsumersDoNotInheritHeavyTestDependencies(t *testing.T) {
	out := run(t, ".", nil, "go", "list", "-deps", "-test", "./generated")
	for _, heavy := range []string{"github.com/getkin/kin-openapi", "github.com/onsi/ginkgo", "github.com/onsi/gomega"} {
		if strings.Contains(out, heavy) {
			t.Errorf("package generated or its tests depend on %s", heavy)
		}
	}
}

// Services vendor this package and audit what it brings along, so beyond the
// standard library it imports only what the generated code itself needs.
func TestImportsOnlyStandardLibraryAndRuntime(t *testing.T) {
	out := run(t, ".", nil, "go", "list", "-f", `{{join .Imports "\n"}}`, "./generated")
	for _, imp := range strings.Fields(out) {
		first, _, _ := strings.Cut(imp, "/")
		if strings.Contains(first, ".") && imp != "github.com/oapi-codegen/runtime" && !strings.HasPrefix(imp, "github.com/oapi-codegen/runtime/") {
			t.Errorf("package generated imports %s", imp)
		}
	}
}

// go doc joins package comments in file name order; the project's own must
// come before the generator's one-line description.
func TestGoDocOpensWithTheProjectsWords(t *testing.T) {
	out := run(t, ".", nil, "go", "doc", "./generated")
	lines := strings.SplitN(out, "\n", 4)
	if len(lines) < 3 || !strings.HasPrefix(lines[2], "Package generated is a typed client for the Certificates operations") {
		t.Errorf("go doc opens with:\n%s", out[:min(len(out), 400)])
	}
}
