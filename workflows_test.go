package tools_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// workflowFiles are the workflows and any local actions: whatever GitHub
// runs with this repository's token.
func workflowFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".github", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) && path != ".github/dependabot.yml" {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no workflow in .github/")
	}
	return files
}

func readNode(t *testing.T, path string) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &doc
}

// TestActionsPinnedByCommit fails on a `uses:` that names a tag or branch: a
// tag can be moved to other code, which then runs with the workflow's token.
// A full commit cannot, and its comment says which release it is, for people
// and for Dependabot, which updates both.
func TestActionsPinnedByCommit(t *testing.T) {
	for _, path := range workflowFiles(t) {
		for _, u := range usesOf(readNode(t, path)) {
			if err := checkPinned(u); err != nil {
				t.Errorf("%s:%d: %v", path, u.line, err)
			}
		}
	}
}

// use is one `uses:` value and the comment on its line.
type use struct {
	ref, comment string
	line         int
}

// usesOf finds every `uses:` of a workflow or action, in steps and jobs
// (a reusable workflow) alike.
func usesOf(n *yaml.Node) []use {
	var out []use
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "uses" && v.Kind == yaml.ScalarNode {
					out = append(out, use{ref: v.Value, comment: v.LineComment, line: v.Line})
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}

var (
	pinnedAction = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@]+)?@[0-9a-f]{40}$`)
	pinnedImage  = regexp.MustCompile(`^docker://[^@]+@sha256:[0-9a-f]{64}$`)
	versionNote  = regexp.MustCompile(`^#\s*v\d+(\.\d+)*\S*$`)
)

func checkPinned(u use) error {
	switch {
	case strings.HasPrefix(u.ref, "./"):
		return nil // an action of this repository, at this commit
	case strings.HasPrefix(u.ref, "docker://"):
		if !pinnedImage.MatchString(u.ref) {
			return fmt.Errorf("uses: %s: pin the image by digest (docker://image@sha256:...)", u.ref)
		}
		return nil
	case !pinnedAction.MatchString(u.ref):
		return fmt.Errorf("uses: %s is not pinned to a full commit: write owner/repo@<40-hex commit> # vX.Y.Z", u.ref)
	case !versionNote.MatchString(u.comment):
		return fmt.Errorf("uses: %s has no version comment (%q): add `# vX.Y.Z`, the release that commit is", u.ref, u.comment)
	}
	return nil
}

func TestCheckPinned(t *testing.T) {
	sha := strings.Repeat("a1", 20)
	for _, tc := range []struct {
		u    use
		pass bool
	}{
		{use{ref: "actions/checkout@" + sha, comment: "# v6.0.2"}, true},
		{use{ref: "anchore/sbom-action/download-syft@" + sha, comment: "# v0.24.0"}, true},
		{use{ref: "./.github/actions/setup"}, true},
		{use{ref: "docker://alpine@sha256:" + strings.Repeat("0", 64)}, true},
		{use{ref: "actions/checkout@v6.0.2", comment: "# v6.0.2"}, false},
		{use{ref: "actions/checkout@main"}, false},
		{use{ref: "actions/checkout@" + sha[:7], comment: "# v6"}, false},
		{use{ref: "actions/checkout@" + sha}, false},
		{use{ref: "actions/checkout@" + sha, comment: "# pinned"}, false},
		{use{ref: "docker://alpine:3"}, false},
	} {
		if err := checkPinned(tc.u); (err == nil) != tc.pass {
			t.Errorf("checkPinned(%+v) = %v, want pass %v", tc.u, err, tc.pass)
		}
	}
}

// TestLeastPrivilege checks the token each job gets. The workflow's default
// grants at most read access to the contents; a job that needs more says so
// itself, and each permission beyond that must be used by the job: a step
// that does what the permission allows (the table below). A grant nobody
// uses, or one left at the workflow's level for every job, fails.
func TestLeastPrivilege(t *testing.T) {
	for _, path := range workflowFiles(t) {
		if !strings.HasPrefix(path, ".github/workflows/") {
			continue
		}
		var wf permissionsWorkflow
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, &wf); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		// A job that calls a reusable workflow of this repository lends it
		// its token: what that workflow's steps do is what the job uses.
		for id, job := range wf.Jobs {
			if called, ok := strings.CutPrefix(job.Uses, "./"); ok {
				var inner permissionsWorkflow
				data, err := os.ReadFile(called)
				if err != nil {
					t.Fatalf("%s: job %s: %v", path, id, err)
				}
				if err := yaml.Unmarshal(data, &inner); err != nil {
					t.Fatalf("%s: %v", called, err)
				}
				for _, j := range inner.Jobs {
					job.Steps = append(job.Steps, j.Steps...)
				}
				wf.Jobs[id] = job
			}
		}
		for _, p := range checkPermissions(wf) {
			t.Errorf("%s: %s", path, p)
		}
	}
}

type permissionsWorkflow struct {
	Permissions any `yaml:"permissions"`
	Jobs        map[string]struct {
		Permissions any    `yaml:"permissions"`
		Uses        string `yaml:"uses"`
		Services    any    `yaml:"services"`
		Steps       []struct {
			Uses string         `yaml:"uses"`
			Run  string         `yaml:"run"`
			With map[string]any `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// grantUse says, for each permission a job may be granted beyond reading the
// contents, what in the job uses it: a pattern over its steps' `uses:` and
// `run:` and `with:` values.
var grantUse = map[string]*regexp.Regexp{
	// Releases: gh release, or GoReleaser's publishing through make release.
	"contents: write": regexp.MustCompile(`(?m)gh release (create|upload|edit)|make release( |$)`),
	// The container registry: pushing an image, or an attestation into it.
	"packages: write": regexp.MustCompile(`docker push|make image-push|push-to-registry: true|cosign (sign|attest)`),
	"packages: read":  regexp.MustCompile(`services:|docker pull|ghcr\.io`),
	// An OIDC token: Sigstore's keyless certificates.
	"id-token: write":     regexp.MustCompile(`(?m)actions/attest|cosign (sign|attest)|make release( |$)`),
	"attestations: write": regexp.MustCompile(`actions/attest`),
	"issues: write":       regexp.MustCompile(`gh (issue|label) `),
}

func checkPermissions(wf permissionsWorkflow) []string {
	var problems []string
	top, err := grants(wf.Permissions)
	switch {
	case err != nil:
		problems = append(problems, "workflow permissions: "+err.Error())
	case wf.Permissions == nil:
		problems = append(problems, "no workflow-level permissions: the token then gets the repository's default, often write to everything; set `permissions: {}` or `contents: read`")
	}
	for _, g := range top {
		if g != "contents: read" {
			problems = append(problems, fmt.Sprintf("the workflow grants %q to every job: grant it in the job that needs it", g))
		}
	}
	ids := make([]string, 0, len(wf.Jobs))
	for id := range wf.Jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		job := wf.Jobs[id]
		if job.Permissions == nil {
			continue // the workflow's, checked above
		}
		granted, err := grants(job.Permissions)
		if err != nil {
			problems = append(problems, fmt.Sprintf("job %s: %v", id, err))
			continue
		}
		var script strings.Builder
		script.WriteString(job.Uses + "\n")
		if job.Services != nil {
			script.WriteString("services:\n")
		}
		for _, s := range job.Steps {
			fmt.Fprintf(&script, "%s\n%s\n", s.Uses, s.Run)
			for k, v := range s.With {
				fmt.Fprintf(&script, "%s: %v\n", k, v)
			}
		}
		for _, g := range granted {
			if g == "contents: read" {
				continue
			}
			pattern, known := grantUse[g]
			switch {
			case !known:
				problems = append(problems, fmt.Sprintf("job %s grants %q, which no step of this repository's is known to need: add what uses it to grantUse in workflows_test.go, or drop it", id, g))
			case !pattern.MatchString(script.String()):
				problems = append(problems, fmt.Sprintf("job %s grants %q but none of its steps uses it (%s): drop it", id, g, pattern))
			}
		}
	}
	return problems
}

// grants lists permissions as "scope: level", refusing the blanket ones.
func grants(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return nil, fmt.Errorf("%q grants every scope at once: list the scopes needed", v)
	case map[string]any:
		var out []string
		for scope, level := range v {
			l := fmt.Sprint(level)
			if l == "none" {
				continue
			}
			out = append(out, scope+": "+l)
		}
		slices.Sort(out)
		return out, nil
	}
	return nil, fmt.Errorf("permissions of an unknown shape: %v", v)
}

func TestCheckPermissions(t *testing.T) {
	parse := func(src string) permissionsWorkflow {
		t.Helper()
		var wf permissionsWorkflow
		if err := yaml.Unmarshal([]byte(src), &wf); err != nil {
			t.Fatal(err)
		}
		return wf
	}
	for _, tc := range []struct {
		name, src string
		problems  int
	}{
		{"read-only default, job pushes", `
permissions: {contents: read}
jobs:
  image:
    permissions: {contents: read, packages: write}
    steps: [{run: make image-push IMAGE=x}]
  test:
    steps: [{run: make test}]
`, 0},
		{"attestation job", `
permissions: {}
jobs:
  attest:
    permissions: {id-token: write, attestations: write}
    steps: [{uses: actions/attest-build-provenance@x, with: {subject-path: a}}]
`, 0},
		{"no default", `
jobs:
  test:
    steps: [{run: make test}]
`, 1},
		{"write-all", `
permissions: write-all
jobs: {}
`, 1},
		{"write for every job", `
permissions: {contents: write}
jobs:
  test:
    steps: [{run: gh release upload x}]
`, 1},
		{"a grant nothing uses", `
permissions: {contents: read}
jobs:
  test:
    permissions: {contents: read, packages: write, id-token: write}
    steps: [{run: make test}]
`, 2},
		{"an unknown grant", `
permissions: {contents: read}
jobs:
  test:
    permissions: {pull-requests: write}
    steps: [{run: make test}]
`, 1},
	} {
		if got := checkPermissions(parse(tc.src)); len(got) != tc.problems {
			t.Errorf("%s: %d problems, want %d: %q", tc.name, len(got), tc.problems, got)
		}
	}
}
