package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/openapi/drift"
	"github.com/certcontract/certcontract/openapi/drift/goapi"
	"github.com/certcontract/certcontract/openapi/drift/internal/workflowtest"
	"go.yaml.in/yaml/v3"
)

// The fire drill runs docs/regeneration.md's flow for an upstream change end to end,
// with synthetic changes made to the current upstream document: spec-check
// names each change, the same changes made to a copy of the fragment make
// spec-check pass again, the client regenerated from that copy with the
// project's own go:generate directive still builds with its hand-written
// companions, and api-diff tells compatible from incompatible changes. Then
// the changes the module still builds with are made to a copy of the whole
// module, regenerated with `go generate ./...`: the completeness guards
// (contract/internal/completeness) name each one, and without them the
// contract suite and the unit tests would have passed.

// change is one synthetic upstream change, as edits of a document's YAML.
type change struct {
	name     string
	upstream []edit
	// fragment is how the fragment follows the change, when it is written
	// differently there (nil: the same edits as upstream).
	fragment []edit
	// What spec-check must report against the unchanged fragment.
	check, group, names string
	// guard is the completeness guard that must name the change once the
	// client is regenerated, with a finding whose name contains finding;
	// "" for a change the regenerated module does not build with (a new
	// operation: the emulator's generated router asks for its handler) or
	// that the contract suite already refuses (a new required field).
	guard, finding string
}

// verifyPath is the new operation's path.
const verifyPath = "/organization/certificates/{certificate_id}/verify"

var drillChanges = []change{
	{
		name:     "a new optional field on the certificate schema",
		upstream: []edit{addKey(schema("Certificate", "properties"), "fingerprint", "{type: string, description: SHA-256 fingerprint of the certificate.}")},
		check:    "response-optional-property-added", group: string(drift.GroupMissing), names: "`fingerprint`",
		guard: "responses", finding: "Certificate.fingerprint",
	},
	{
		name: "a new optional query parameter",
		upstream: []edit{appendNode(listParameters("/organization/certificates"),
			"{name: active, in: query, required: false, description: Only the certificates active (true) or inactive (false) for the organization., schema: {type: boolean}}")},
		check: "new-optional-request-parameter", group: string(drift.GroupMissing), names: "`active`",
		guard: "inputs", finding: "listOrganizationCertificates query active",
	},
	{
		name: "a new enum value of a query parameter",
		upstream: []edit{
			appendItem(append(listParameters("/organization/certificates"), "name=order", "schema", "enum"), "none"),
			appendItem(append(listParameters("/organization/projects/{project_id}/certificates"), "name=order", "schema", "enum"), "none"),
		},
		// The fragment declares order once, for both lists.
		fragment: []edit{appendItem([]string{"components", "parameters", "Order", "schema", "enum"}, "none")},
		check:    "request-parameter-enum-value-added", group: string(drift.GroupMissing), names: "`none`",
		guard: "enums", finding: "order=none",
	},
	{
		name: "a new operation under the Certificates tag",
		upstream: []edit{addKey([]string{"paths"}, verifyPath, `
post:
  security: [{AdminApiKeyAuth: []}]
  summary: Check a certificate's chain.
  operationId: verifyCertificate
  tags: [Certificates]
  parameters:
    - {name: certificate_id, in: path, required: true, schema: {type: string}}
  responses:
    "200":
      description: The certificate.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Certificate"}
    "429": {$ref: "#/components/responses/TooManyRequests"}
`)},
		// The fragment writes it as it writes every operation: the path
		// parameter by reference and every error status it can answer with.
		fragment: []edit{addKey([]string{"paths"}, verifyPath, `
parameters:
  - $ref: "#/components/parameters/CertificateID"
post:
  operationId: verifyCertificate
  summary: Check a certificate's chain.
  tags: [Certificates]
  security: [{AdminApiKeyAuth: []}]
  responses:
    "200":
      description: The certificate.
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Certificate"}
    "400": {$ref: "#/components/responses/BadRequest"}
    "401": {$ref: "#/components/responses/Unauthorized"}
    "404": {$ref: "#/components/responses/NotFound"}
    "429": {$ref: "#/components/responses/TooManyRequests"}
    "500": {$ref: "#/components/responses/InternalServerError"}
    "503": {$ref: "#/components/responses/ServiceUnavailable"}
`)},
		check: "endpoint-added", group: string(drift.GroupMissing), names: "POST " + verifyPath,
	},
	{
		name:     "an enum value removed",
		upstream: []edit{removeItem(schema("Certificate", "properties", "object", "enum"), "organization.project.certificate")},
		check:    "response-property-enum-value-removed", group: string(drift.GroupChanged), names: "`organization.project.certificate`",
	},
	{
		name: "a required request field added",
		upstream: []edit{
			addKey(schema("UploadCertificateRequest", "properties"), "purpose", "{type: string, description: What clients present certificates under this CA for.}"),
			appendItem(schema("UploadCertificateRequest", "required"), "purpose"),
		},
		check: "new-required-request-property", group: string(drift.GroupChanged), names: "`purpose`",
	},
}

func TestRegenerationFireDrill(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	fragment, err := os.ReadFile(fragmentPath(t))
	if err != nil {
		t.Fatal(err)
	}
	followed := applyChanges(t, fragment, fragmentEdits)
	followedPath := filepath.Join(dir, "certificates.yaml")
	writeFile(t, followedPath, followed)

	t.Run("spec-check names each upstream change", func(t *testing.T) {
		changed := changedUpstream(t, dir)
		code, out := runCheck(t, "-upstream", changed, "-format", "json")
		if code != 1 {
			t.Fatalf("exit %d, want 1:\n%s", code, out)
		}
		unexpected := unexpectedFindings(t, out)
		for _, c := range drillChanges {
			if !slices.ContainsFunc(unexpected, func(f drift.Finding) bool {
				return f.Check == c.check && string(f.Group) == c.group && strings.Contains(f.Operation+" "+f.Text, c.names)
			}) {
				t.Errorf("%s: no %s finding %s naming %s", c.name, c.group, c.check, c.names)
			}
		}
		// Nothing else: every unexpected finding comes from a drill change.
		for _, f := range unexpected {
			if !slices.ContainsFunc(drillChanges, func(c change) bool { return f.Check == c.check }) {
				t.Errorf("finding no drill change explains: %+v", f)
			}
		}
		if t.Failed() {
			t.Logf("report:\n%s", out)
		}
	})

	t.Run("spec-check passes once the fragment follows", func(t *testing.T) {
		changed := changedUpstream(t, dir)
		if code, out := runCheck(t, "-upstream", changed, "-fragment", followedPath); code != 0 {
			t.Fatalf("exit %d, want 0:\n%s", code, out)
		}
	})

	t.Run("api-diff after regeneration", func(t *testing.T) {
		ctx := t.Context()
		before := regenerate(ctx, t, root, filepath.Join(dir, "before"), fragment)
		after := regenerate(ctx, t, root, filepath.Join(dir, "after"), followed)
		report, err := goapi.Compare(ctx, before, after, "./generated")
		if err != nil {
			t.Fatalf("the regenerated client does not load: %v", err)
		}
		incompatible, compatible := goapi.Messages(report)
		slices.Sort(incompatible)
		for _, want := range []string{
			"Certificate.Fingerprint: added",                     // the new optional field
			"UploadCertificateRequest.Purpose: added",            // the new required field: Go callers still compile
			"ListOrganizationCertificatesParams.Active: added",   // the new query parameter
			"ListOrganizationCertificatesParamsOrderNone: added", // the new enum value
			"(*Client).VerifyCertificate: added",                 // the new operation
			"(*ClientWithResponses).VerifyCertificateWithResponse: added",
		} {
			if !slices.Contains(compatible, want) {
				t.Errorf("compatible changes lack %q", want)
			}
		}
		// Exactly these break callers: the removed enum value's constant, and
		// the new operation's methods on the two client interfaces, which
		// other implementations of them do not have.
		wantIncompatible := []string{
			"CertificateObjectOrganizationProjectCertificate: removed",
			"ClientInterface.VerifyCertificate: added",
			"ClientWithResponsesInterface.VerifyCertificateWithResponse: added",
		}
		if !slices.Equal(incompatible, wantIncompatible) {
			t.Errorf("incompatible changes:\n  %s\nwant:\n  %s", strings.Join(incompatible, "\n  "), strings.Join(wantIncompatible, "\n  "))
		}
		if t.Failed() {
			t.Logf("compatible changes:\n  %s", strings.Join(compatible, "\n  "))
		}
	})

	t.Run("the completeness guards name each change after regeneration", func(t *testing.T) {
		guarded := slices.DeleteFunc(slices.Clone(drillChanges), func(c change) bool { return c.guard == "" })
		module := filepath.Join(dir, "module")
		copyModule(t, root, module)
		writeFile(t, filepath.Join(module, "openapi", "certificates.yaml"), applyEdits(t, fragment, guarded, fragmentEdits))
		runIn(t, module, "go", "generate", "./...")

		code, out := runStatus(t, module, "go", "test", "-count=1", "-run", "^TestFragmentIsFollowed$", "./contract/internal/completeness")
		if code == 0 {
			t.Fatalf("the guards pass on the changed fragment:\n%s", out)
		}
		findings := guardFindings(out)
		for _, c := range guarded {
			if !slices.ContainsFunc(findings, func(f string) bool {
				return strings.HasPrefix(f, c.guard+" guard: ") && strings.Contains(f, c.finding)
			}) {
				t.Errorf("%s: no finding of the %s guard naming %s", c.name, c.guard, c.finding)
			}
		}
		for _, f := range findings {
			if !slices.ContainsFunc(guarded, func(c change) bool { return strings.Contains(f, c.finding) }) {
				t.Errorf("a finding no drill change explains: %s", f)
			}
		}
		if t.Failed() || testing.Verbose() {
			t.Logf("go test ./contract/internal/completeness:\n%s", out)
		}
		if testing.Short() {
			return
		}
		// Without the guards nothing says so: the contract suite and the
		// tests of the client, the emulator, the model and the suite
		// machinery all pass. (contract/internal/negative's test lists the
		// cases it derives by name, so it notices the order change too,
		// though not a new field or parameter without a constraint.)
		runIn(t, module, "go", "test", "-short", "-count=1", "./contract", "./contract/emulator/...", "./contract/internal/model",
			"./contract/internal/suite", "./generated")
	})
}

// guardFindings are the findings a failed guard run printed, one a line,
// starting with the guard's name.
func guardFindings(out string) []string {
	var findings []string
	for line := range strings.Lines(out) {
		if _, f, ok := strings.Cut(line, ".go:"); ok {
			if _, f, ok = strings.Cut(f, ": "); ok && strings.Contains(f, " guard: ") {
				findings = append(findings, strings.TrimSpace(f))
			}
		}
	}
	return findings
}

// copyModule copies the main module's files from root into dir, without
// the nested modules, git's files, or what tools and runs leave behind.
func copyModule(t *testing.T, root, dir string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "node_modules" ||
				name == "reports" || name == "dist" || fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		writeFile(t, filepath.Join(dir, rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// runIn runs a command in dir and fails the test if it fails.
func runIn(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	if code, out := runStatus(t, dir, name, args...); code != 0 {
		t.Fatalf("%s %s in %s: exit %d\n%s", name, strings.Join(args, " "), dir, code, out)
	}
}

// runStatus runs a command in dir and returns its exit status and output.
func runStatus(t *testing.T, dir string, name string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	// -trimpath: go's build cache keys a package built without it by its
	// directory, so every copy of the module, in a new temporary
	// directory, compiled the whole module anew; with it the copies share
	// what is cached, and a rerun compiles only what the drill changed.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-trimpath")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	case err != nil:
		t.Fatalf("%s: %v", name, err)
	}
	return 0, string(out)
}

// fragmentEdits returns how the fragment follows a change.
func fragmentEdits(c change) []edit {
	if c.fragment != nil {
		return c.fragment
	}
	return c.upstream
}

// changedUpstream writes the current upstream document with every drill
// change made, once per test run, or skips without the document.
func changedUpstream(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "upstream-changed.yaml")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	data, err := os.ReadFile(upstreamDocument(t, "openai-openapi-2026.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, applyChanges(t, data, func(c change) []edit { return c.upstream }))
	return path
}

func unexpectedFindings(t *testing.T, report string) []drift.Finding {
	t.Helper()
	var r drift.Report
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	return slices.DeleteFunc(r.Findings, func(f drift.Finding) bool { return f.Group == drift.GroupExpected })
}

// regenerate lays out the part of the module the client needs in dir, with
// the given fragment, and runs the project's go:generate directive for the
// client there, as `make generate` does in the checkout. It returns dir.
func regenerate(ctx context.Context, t *testing.T, root, dir string, fragment []byte) string {
	t.Helper()
	files := []string{"go.mod", "go.sum", "openapi/client.cfg.yaml"}
	sources, err := filepath.Glob(filepath.Join(root, "generated", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sources {
		// The generated file is made anew; tests are not part of the API.
		if name := filepath.Base(s); !strings.HasSuffix(name, "_test.go") && !strings.HasSuffix(name, ".gen.go") {
			files = append(files, filepath.Join("generated", name))
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, f), data)
	}
	writeFile(t, filepath.Join(dir, "openapi", "certificates.yaml"), fragment)
	cmd := exec.CommandContext(ctx, "go", "generate", "./generated")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go generate in %s: %v\n%s", dir, err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "generated", "certificates.gen.go")); err != nil {
		t.Fatalf("go generate wrote no client: %v", err)
	}
	return dir
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	workflowtest.WriteFile(t, path, data)
}

// applyChanges makes the edits pick chooses for every drill change in a YAML
// document.
func applyChanges(t *testing.T, data []byte, pick func(change) []edit) []byte {
	t.Helper()
	return applyEdits(t, data, drillChanges, pick)
}

// applyEdits makes the edits pick chooses for the given changes.
func applyEdits(t *testing.T, data []byte, changes []change, pick func(change) []edit) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		for _, e := range pick(c) {
			if err := e(&doc); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// edit changes a parsed YAML document in place.
type edit func(doc *yaml.Node) error

func schema(name string, path ...string) []string {
	return append([]string{"components", "schemas", name}, path...)
}

// lookup follows mapping keys from the document's root.
func lookup(doc *yaml.Node, path []string) (*yaml.Node, error) {
	n := doc
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	for i, key := range path {
		var next *yaml.Node
		switch name, item := strings.CutPrefix(key, "name="); {
		case item && n.Kind == yaml.SequenceNode:
			// The item of a list of parameters with that name.
			for _, c := range n.Content {
				if v, err := lookup(c, []string{"name"}); err == nil && v.Value == name {
					next = c
					break
				}
			}
		case n.Kind != yaml.MappingNode:
			return nil, fmt.Errorf("%s is not a mapping", strings.Join(path[:i], "."))
		default:
			for j := 0; j < len(n.Content); j += 2 {
				if n.Content[j].Value == key {
					next = n.Content[j+1]
					break
				}
			}
		}
		if next == nil {
			return nil, fmt.Errorf("no %s", strings.Join(path[:i+1], "."))
		}
		n = next
	}
	return n, nil
}

func parseValue(value string) (*yaml.Node, error) {
	var v yaml.Node
	if err := yaml.Unmarshal([]byte(value), &v); err != nil {
		return nil, err
	}
	return v.Content[0], nil
}

// addKey adds key: value (YAML) to the mapping at path; the key must be new.
func addKey(path []string, key, value string) edit {
	return func(doc *yaml.Node) error {
		m, err := lookup(doc, path)
		if err != nil {
			return err
		}
		if _, err := lookup(m, []string{key}); err == nil {
			return fmt.Errorf("%s already has %s", strings.Join(path, "."), key)
		}
		v, err := parseValue(value)
		if err != nil {
			return err
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
		return nil
	}
}

// appendItem appends a scalar to the sequence at path.
func appendItem(path []string, value string) edit {
	return appendTo(path, func() (*yaml.Node, error) {
		return &yaml.Node{Kind: yaml.ScalarNode, Value: value}, nil
	})
}

// appendNode appends a YAML value to the sequence at path.
func appendNode(path []string, value string) edit {
	return appendTo(path, func() (*yaml.Node, error) { return parseValue(value) })
}

// appendTo appends the node made by node to the sequence at path.
func appendTo(path []string, node func() (*yaml.Node, error)) edit {
	return func(doc *yaml.Node) error {
		s, err := lookup(doc, path)
		if err != nil {
			return err
		}
		if s.Kind != yaml.SequenceNode {
			return fmt.Errorf("%s is not a sequence", strings.Join(path, "."))
		}
		v, err := node()
		if err != nil {
			return err
		}
		s.Content = append(s.Content, v)
		return nil
	}
}

// listParameters is the path of a list operation's parameters.
func listParameters(path string) []string {
	return []string{"paths", path, "get", "parameters"}
}

// removeItem removes a scalar from the sequence at path; it must be there.
func removeItem(path []string, value string) edit {
	return func(doc *yaml.Node) error {
		s, err := lookup(doc, path)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(s.Content, func(n *yaml.Node) bool { return n.Value == value })
		if s.Kind != yaml.SequenceNode || i < 0 {
			return fmt.Errorf("%s holds no %s", strings.Join(path, "."), value)
		}
		s.Content = slices.Delete(s.Content, i, i+1)
		return nil
	}
}
