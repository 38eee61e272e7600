package image

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The repository root, from this package's directory.
const root = "../../.."

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// fences returns the docs/emulator.md's fenced code blocks of one language, in order.
func fences(markdown, lang string) []string {
	var blocks []string
	var cur *strings.Builder
	for line := range strings.Lines(markdown) {
		switch {
		case cur == nil && strings.TrimSpace(line) == "```"+lang:
			cur = &strings.Builder{}
		case cur != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(line)
		}
	}
	return blocks
}

type workflow struct {
	Jobs map[string]job
}

type job struct {
	Services map[string]map[string]any
	Env      map[string]string
	Steps    []struct {
		Run string
	}
}

func parseWorkflow(t *testing.T, name, text string) workflow {
	t.Helper()
	var w workflow
	if err := yaml.Unmarshal([]byte(text), &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w
}

// The recipe in docs/emulator.md must be what ci.yml's service job runs: the same
// service but for the image (the job's own, pulled with the job's token),
// the same SDK settings, and the examples the page shows, verbatim.
func TestDocsRecipeIsTheServiceJob(t *testing.T) {
	readme := readRepoFile(t, "docs/emulator.md")
	var recipe workflow
	for _, block := range fences(readme, "yaml") {
		if strings.Contains(block, "services:") {
			recipe = parseWorkflow(t, "docs/emulator.md", block)
		}
	}
	if len(recipe.Jobs) != 1 {
		t.Fatalf("docs/emulator.md: want one yaml block with a job that has services, got %d jobs", len(recipe.Jobs))
	}
	var readmeJob job
	for _, j := range recipe.Jobs {
		readmeJob = j
	}
	ci := parseWorkflow(t, "ci.yml", readRepoFile(t, ".github/workflows/ci.yml"))
	serviceJob, ok := ci.Jobs["service"]
	if !ok {
		t.Fatal("ci.yml has no service job")
	}

	want := maps.Clone(readmeJob.Services["emulator"])
	got := maps.Clone(serviceJob.Services["emulator"])
	image, _ := want["image"].(string)
	if !strings.HasPrefix(image, "ghcr.io/") || !strings.HasSuffix(image, "/certcontract-emulator:latest") {
		t.Errorf("docs/emulator.md's service image %q is not the released one", image)
	}
	delete(want, "image")
	delete(got, "image")
	delete(got, "credentials")
	if !reflect.DeepEqual(want, got) {
		t.Errorf("the emulator service differs:\ndocs %v\nci.yml %v", want, got)
	}
	for k, v := range readmeJob.Env {
		if serviceJob.Env[k] != v {
			t.Errorf("env %s: docs %q, ci.yml %q", k, v, serviceJob.Env[k])
		}
	}

	var runs strings.Builder
	for _, s := range serviceJob.Steps {
		runs.WriteString(s.Run + "\n")
	}
	for _, want := range []string{"make contract", "_examples/python/smoke.py", "node smoke.mjs"} {
		if !strings.Contains(runs.String(), want) {
			t.Errorf("ci.yml's service job does not run %q", want)
		}
	}
	// release.yml names the registry once and pushes both images under it.
	release := readRepoFile(t, ".github/workflows/release.yml")
	if !strings.Contains(release, `registry="ghcr.io/${GITHUB_REPOSITORY_OWNER,,}"`) ||
		!strings.Contains(release, `IMAGE="$registry/certcontract-emulator"`) {
		t.Error("release.yml does not push the image docs/emulator.md names")
	}
	if !strings.Contains(readme, "docker run --rm -p 127.0.0.1:8080:8080 "+image+"\n") {
		t.Errorf("docs/emulator.md's docker run does not publish port 8080 of %s", image)
	}

	for lang, file := range map[string]string{"python": "_examples/python/smoke.py", "js": "_examples/typescript/smoke.mjs"} {
		blocks := fences(readme, lang)
		if len(blocks) != 1 || blocks[0] != readRepoFile(t, file) {
			t.Errorf("docs/emulator.md's %s block is not %s as it stands", lang, file)
		}
	}
}
