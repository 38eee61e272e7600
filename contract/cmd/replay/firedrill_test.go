package main

import (
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/prebuilt"
)

// drillMutation stands in for an API that changed: new certificates come
// back active for the organization.
const drillMutation = mutation.ActiveAfterUpload

// drillIssueEnv names a file the fire drill writes the issue it would file
// to; docs/live-run.md shows one.
const drillIssueEnv = "FIREDRILL_ISSUE"

// fireDrill replays a recording of the suite against the correct emulator
// on an emulator with drillMutation on, as contract-live.yml's replay step
// does, and files the report as its issue job would: drift-issue.yml's own
// script, with contract-live.yml's inputs and a gh that writes down what it
// is asked. The workflows' steps are tested with stand-ins in
// openapi/drift/internal/workflowtest; this runs them on a real report.
func fireDrill(t *testing.T, cmdBin string, recording []byte) {
	emu, err := emulator.New(emulator.Config{Mutations: []string{drillMutation}, Faults: emulator.Faults{Header: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	defer srv.Close()
	dir := t.TempDir()
	har := filepath.Join(dir, "live.har")
	if err := os.WriteFile(har, recording, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := prebuilt.Command(t.Context(), suiteEnv(), cmdBin, "-har", har, "-format", "markdown", "-target", srv.URL+emulator.BasePath,
		"-allowlist", allowlist(t))
	out, err := cmd.Output()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("replay against %s: %v (want exit 1)\n%s", drillMutation, err, out)
	}
	report := string(out)
	summary, _, _ := strings.Cut(report, "\n### Divergences by operation")
	if n := strings.Count(summary, "\n"); n > 40 {
		t.Errorf("the report's summary takes %d lines:\n%s", n, summary)
	}

	// The issue, as contract-live.yml's issue job files it.
	with := workflow(t, "contract-live.yml").Jobs["issue"].With
	script := workflow(t, "drift-issue.yml").Jobs["file"].Steps[0].Run
	expand := strings.NewReplacer("${{ github.server_url }}", "https://github.com", "${{ github.repository }}", "certcontract/certcontract",
		"${{ github.run_id }}", "1", "${{ needs.live.outputs.suite }}", "success").Replace
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// gh: no issue open yet; every call written down.
	gh := "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >> \"$GH_LOG\"\n"
	if err := os.WriteFile(filepath.Join(bin, "gh"), []byte(gh), 0o755); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(strings.SplitN(report, "**FAIL: ", 2)[1], ";")
	title := "Behaviour drift: the emulator no longer answers as the live API (" + first + ")"
	run := prebuilt.Command(t.Context(), append(prebuilt.Environ(nil), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GH_LOG="+filepath.Join(dir, "gh.log"),
		"STATUS=drift", "REPORT="+strings.TrimSuffix(report, "\n"), "TITLE="+title, "LABEL="+with["label"],
		"LABEL_DESCRIPTION="+with["label-description"], "INTRO="+expand(with["intro"]), "CLOSING="+expand(with["closing"]), "CHANGED="+expand(with["changed"])),
		"bash", "-e", "-c", script)
	run.Dir = dir
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("drift-issue.yml's script: %v\n%s", err, out)
	}
	calls, _ := os.ReadFile(filepath.Join(dir, "gh.log"))
	if !strings.Contains(string(calls), "issue create --title "+title+" --label behaviour-drift --body-file body.md") {
		t.Errorf("gh calls:\n%s", calls)
	}
	body, err := os.ReadFile(filepath.Join(dir, "body.md"))
	if err != nil {
		t.Fatal(err)
	}
	issue := "# " + title + "\n\n" + string(body)
	t.Logf("the issue the drill would file:\n%s", issue)
	if path := os.Getenv(drillIssueEnv); path != "" {
		if err := os.WriteFile(path, []byte(issue), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// workflow reads a workflow of the repository: the jobs' inputs and steps.
func workflow(t *testing.T, name string) (w struct {
	Jobs map[string]struct {
		With  map[string]string `yaml:"with"`
		Steps []struct {
			Run string `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// swapDates replays a recording against an emulator that answers valid_at
// and expires_at the other way round, everywhere, and returns the text
// report: the whole suite's recording diverges in every answer with a
// certificate, and the summary must still fit on one screen.
func swapDates(t *testing.T, cmdBin string, recording []byte) string {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Faults: emulator.Faults{Header: true}})
	if err != nil {
		t.Fatal(err)
	}
	swap := strings.NewReplacer(`"valid_at"`, `"expires_at"`, `"expires_at"`, `"valid_at"`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, r)
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = io.WriteString(w, swap.Replace(rec.Body.String()))
	}))
	defer srv.Close()
	har := filepath.Join(t.TempDir(), "run.har")
	if err := os.WriteFile(har, recording, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := prebuilt.Command(t.Context(), suiteEnv(), cmdBin, "-har", har, "-target", srv.URL+emulator.BasePath, "-allowlist", allowlist(t))
	out, err := cmd.Output()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("replay against swapped dates: %v (want exit 1)\n%s", err, out)
	}
	return string(out)
}
