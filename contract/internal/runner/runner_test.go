package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/certcontract/certcontract/contract/internal/suite"
)

func TestWorker(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--base-url", "http://x/v1"}, false},
		{[]string{"-labels", "test"}, false},
		{[]string{"--labels", "test.x", "--reports", "ginkgo.out"}, false},                     // values, not flags
		{[]string{"-test.paniconexit0", "-test.timeout=10m0s"}, true},                          // go test
		{[]string{"--test.timeout=0", "--ginkgo.seed=1", "--ginkgo.parallel.process=2"}, true}, // the ginkgo CLI
		{[]string{"-ginkgo.label-filter=stateful"}, true},
	} {
		if got := Worker(tc.args); got != tc.want {
			t.Errorf("Worker(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

// TestEverySettingIsAFlag fails when the suite reads a CONTRACT_* variable
// the command has no flag for.
func TestEverySettingIsAFlag(t *testing.T) {
	literal := regexp.MustCompile(`"(CONTRACT_[A-Z_]+)"`)
	var read []string
	for _, dir := range []string{"../suite", "../stateful", "../.."} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") && dir != "../.." {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range literal.FindAllSubmatch(b, -1) {
				read = append(read, string(m[1]))
			}
		}
	}
	if len(read) == 0 {
		t.Fatal("found no CONTRACT_ variable in the suite's sources: has the suite moved?")
	}
	for _, v := range read {
		if !slices.Contains(Variables, v) {
			t.Errorf("the suite reads %s, which no flag of %s sets: add it to Variables", v, Name)
		}
	}
	for _, v := range Variables {
		if usages[v] == "" {
			t.Errorf("%s has no usage line", v)
		}
	}
	if got := FlagName(suite.EnvBaseURL); got != "base-url" {
		t.Errorf("FlagName(%s) = %q, want base-url", suite.EnvBaseURL, got)
	}
}

// TestMisusage runs the command with settings it must refuse before
// starting anything: exit 2, one line on stderr naming what to fix,
// nothing on stdout.
func TestMisusage(t *testing.T) {
	for _, v := range append([]string{suite.EnvAdminKey}, Variables...) {
		t.Setenv(v, "") // restored after the test; the command sets the ones given
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--base-url="}, "--base-url is empty"},
		{[]string{"--base-url", "http://127.0.0.1:1/v1", "--project-id", "proj_x"}, suite.EnvAdminKey + " is not"},
		{[]string{"--project-id", "proj_x"}, suite.EnvBaseURL + " is not"},
		{[]string{"--seed", "zero"}, suite.EnvSeed},
		{[]string{"--stateful-steps", "-1"}, suite.EnvStatefulSteps},
		{[]string{"--exclusive=maybe"}, "-exclusive"},
		{[]string{"--labels", "(("}, "Label Filter"},
		{[]string{"--procs", "-2"}, "--procs=-2"},
		{[]string{"--admin-key", "sk-admin-x"}, "read from " + suite.EnvAdminKey + " only"},
		{[]string{"--nope"}, "not defined: -nope"},
		{[]string{"http://127.0.0.1/v1"}, "unexpected argument"},
	} {
		for _, v := range Variables {
			os.Setenv(v, "") // what the case before set
		}
		var stdout, stderr bytes.Buffer
		status := Command(context.Background(), tc.args, &stdout, &stderr)
		if status != Misusage || stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d, one line naming %q", tc.args, status, stdout.String(), stderr.String(), Misusage, tc.want)
		}
	}
}

func TestSettingsBecomeTheEnvironment(t *testing.T) {
	env := map[string]string{}
	fs := newFlagSet(env, &options{})
	if err := fs.Parse([]string{"--exclusive", "--fault-header=false", "--stateful-steps", "5", "--seed", "7"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{suite.EnvExclusive: "1", suite.EnvFaultHeader: "0", suite.EnvStatefulSteps: "5", suite.EnvSeed: "7"}
	if !mapsEqual(env, want) {
		t.Errorf("env = %v, want %v", env, want)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestReproductions(t *testing.T) {
	report := []types.Report{{
		SpecialSuiteFailureReasons: []string{"Interrupted by User"},
		SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeIt, LeafNodeText: "passes", State: types.SpecStatePassed},
			{
				ContainerHierarchyTexts: []string{"Uploading"}, LeafNodeType: types.NodeTypeIt, LeafNodeText: "answers certificate",
				State:   types.SpecStateFailed,
				Failure: types.Failure{Message: "object is \"x\"\nwant \"certificate\"", Location: types.CodeLocation{FileName: "upload_test.go", LineNumber: 12}},
				ReportEntries: types.ReportEntries{
					{Name: "observed", Value: types.WrapEntryValue("none")},
					{Name: suite.ReproductionEntry, Value: types.WrapEntryValue("curl -sS \"$BASE_URL/organization/certificates\"\n# answered 200")},
				},
			},
			{LeafNodeType: types.NodeTypeReportAfterSuite, LeafNodeText: "coverage", State: types.SpecStateFailed, Failure: types.Failure{Message: "2 pairs missing"}},
		},
	}}
	b, err := json.Marshal(report)
	if err != nil {
		t.Fatal(err)
	}
	got, err := reproductions(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Reproductions (2 failed):",
		"The run: Interrupted by User",
		"1. [failed] Uploading answers certificate\n   upload_test.go:12\n   object is \"x\"\n   want \"certificate\"\n   curl -sS \"$BASE_URL/organization/certificates\"\n   # answered 200\n",
		"2. [failed] ReportAfterSuite coverage",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("reproductions lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "passes") || strings.Contains(got, "observed") {
		t.Errorf("reproductions show a passed spec or another report entry:\n%s", got)
	}
	if got, _ := reproductions([]byte(`[{"SpecReports":[]}]`)); got != "" {
		t.Errorf("a run without failures has reproductions %q", got)
	}
}

func TestShownKeepsTheHead(t *testing.T) {
	text := "Reproductions (8 failed):\n\n"
	for i := 1; i <= 8; i++ {
		text += strings.Repeat("x", i) + "\n   line\n\n"
	}
	got := shown(text, Reproductions)
	if !strings.Contains(got, "xxxxx\n") || strings.Contains(got, "xxxxxx\n") || !strings.HasSuffix(got, "... and 3 more in "+Reproductions+"\n") {
		t.Errorf("shown:\n%s", got)
	}
	short := "Reproductions (1 failed):\n\nx\n\n"
	if got := shown(short, Reproductions); got != short {
		t.Errorf("shown cut a short text: %q", got)
	}
}

func TestVersionLine(t *testing.T) {
	if got := VersionLine(); !strings.HasPrefix(got, Name+" ") {
		t.Errorf("VersionLine() = %q", got)
	}
}

func TestRoomFor(t *testing.T) {
	for _, tc := range []struct{ procs, held, want int }{
		{2, 0, 2},
		{8, 0, 5},
		{4, 25, 2},
		{4, 41, 1},
		{4, 50, 1}, // Room refuses it, saying how many to delete
	} {
		if got := roomFor(tc.procs, tc.held); got != tc.want {
			t.Errorf("roomFor(%d, %d) = %d, want %d", tc.procs, tc.held, got, tc.want)
		}
	}
}
