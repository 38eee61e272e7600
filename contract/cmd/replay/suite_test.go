package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/fidelity"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/prebuilt"
)

// The whole loop, offline: the contract suite runs as make contract runs it
// (in parallel) with CONTRACT_RECORD, and its recording is replayed against
// the correct emulator.
func TestRecordTheSuiteAndReplayIt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the contract suite three times")
	}
	dir := t.TempDir()
	// The suite and this command are compiled once, each as make runs it
	// (not under the race detector this test may run with); the runs below
	// reuse the binaries.
	bin := prebuilt.Suite(t)
	cmdBin := prebuilt.Replay(t)
	ginkgo := prebuilt.Ginkgo(t)
	record := func(t *testing.T, name string, env ...string) []byte {
		t.Helper()
		path := filepath.Join(dir, name+".har")
		cmd := prebuilt.Command(t.Context(), append(suiteEnv(), append(env, "CONTRACT_RECORD="+path)...), ginkgo, "-p", "--no-color", bin)
		out, err := cmd.CombinedOutput()
		if err != nil && cmd.ProcessState == nil {
			t.Fatalf("run ginkgo: %v", err)
		}
		b, readErr := os.ReadFile(path)
		if readErr != nil {
			t.Fatalf("no recording (%v); the suite said:\n%s", readErr, out)
		}
		if parts, _ := filepath.Glob(path + ".process-*"); len(parts) > 0 {
			t.Fatalf("parts left after the merge: %v", parts)
		}
		return b
	}
	// replayed replays a recording that must hold at least least exchanges.
	replayed := func(t *testing.T, recording []byte, least int) (int, report) {
		t.Helper()
		path := filepath.Join(t.TempDir(), "r.har")
		if err := os.WriteFile(path, recording, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := prebuilt.Command(t.Context(), suiteEnv(), cmdBin, "-har", path, "-format", "json", "-allowlist", allowlist(t))
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
			t.Fatal(err)
		}
		code := cmd.ProcessState.ExitCode()
		out, errOut := stdout.String(), stderr.String()
		var r report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("exit %d, %v\nstdout: %s\nstderr: %s", code, err, out, errOut)
		}
		if r.Replayed < least {
			t.Fatalf("only %d exchanges replayed: %s", r.Replayed, r.Summary)
		}
		return code, r
	}

	var clean []byte // the recording of the suite against the correct emulator
	t.Run("on the emulator: no key in the recording, no divergence", func(t *testing.T) {
		recording := record(t, "emulator")
		clean = recording
		// Every organization's key is sk-admin-<run>-<process>-<n>; none
		// may remain, plain or in base64 (which starts the same for all).
		for _, form := range []*regexp.Regexp{regexp.MustCompile(`sk-admin-[A-Za-z0-9]`), regexp.MustCompile(`c2stYWRtaW4t`)} {
			if loc := form.FindIndex(recording); loc != nil {
				t.Fatalf("the recording holds a key: ...%s...", recording[max(loc[0]-80, 0):min(loc[1]+80, len(recording))])
			}
		}
		if code, r := replayed(t, recording, 500); code != 0 || !r.OK {
			t.Fatalf("exit %d: %s\n%v", code, r.Summary, r.diverging())
		}
	})

	t.Run("fire drill: an API that changed files a behaviour-drift issue", func(t *testing.T) {
		if clean == nil {
			t.Skip("no recording")
		}
		fireDrill(t, cmdBin, clean)
	})

	t.Run("two fields swapped everywhere: the summary fits on one screen and names the swap", func(t *testing.T) {
		if clean == nil {
			t.Skip("no recording")
		}
		report := swapDates(t, cmdBin, clean)
		summary, _, _ := strings.Cut(report, "\nDivergences by operation")
		if n := strings.Count(summary, "\n"); n >= 40 || !strings.Contains(summary, "swapped with certificate_details.valid_at") {
			t.Errorf("the summary takes %d lines, or does not name the swap:\n%s", n, summary)
		}
		t.Logf("%d lines in all; the summary:\n%s", strings.Count(report, "\n"), summary)
	})

	t.Run("on one shared organization: its key in no form, no divergence", func(t *testing.T) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		key := "live/key+" + hex.EncodeToString(b) // shaped like no admin key, with characters that escape
		emu, err := emulator.New(emulator.Config{Keys: []string{key}, Faults: emulator.Faults{Header: true}})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(emu)
		defer srv.Close()
		recording := string(record(t, "shared", "CONTRACT_BASE_URL="+srv.URL+emulator.BasePath, "OPENAI_ADMIN_KEY="+key,
			"CONTRACT_PROJECT_ID=proj_default", "CONTRACT_FAULT_HEADER=1", "CONTRACT_EXCLUSIVE=1"))
		for _, form := range []string{key, url.QueryEscape(key), url.PathEscape(key), hex.EncodeToString(b),
			base64.StdEncoding.EncodeToString([]byte(key)), base64.RawURLEncoding.EncodeToString([]byte(key))} {
			if strings.Contains(recording, form) {
				t.Fatalf("the recording holds the key as %q", form)
			}
		}
		if code, r := replayed(t, []byte(recording), 500); code != 0 || !r.OK {
			t.Fatalf("exit %d: %s\n%v", code, r.Summary, r.diverging())
		}
	})

	t.Run("with a mutation: every divergence at an operation it changes, exit 1", func(t *testing.T) {
		// Every upload fails its spec at once, so the run is short.
		code, r := replayed(t, record(t, "mutated", "CONTRACT_EMULATOR_MUTATIONS="+mutation.WrongObject), 100)
		if code != 1 || r.OK {
			t.Fatalf("exit %d: %s", code, r.Summary)
		}
		var ops []string
		for _, o := range r.Operations {
			if len(o.Exchanges) > 0 {
				ops = append(ops, o.Operation)
			}
			for _, x := range o.Exchanges {
				for _, d := range x.Divergences {
					if d.Check != fidelity.CheckValue || d.Field != "object" || d.Recorded != `"organization.certificate"` {
						t.Errorf("%s entry %d: %+v", o.Operation, x.Entry, d)
					}
				}
			}
		}
		// The mutation changes what these answer; the suite stops most
		// specs at their first upload, so the others may not be reached.
		changed := []string{"getCertificate", "modifyCertificate", "uploadCertificate"}
		for _, op := range ops {
			if !slices.Contains(changed, op) {
				t.Errorf("a divergence at %s, which the mutation does not change", op)
			}
		}
		if !slices.Contains(ops, "uploadCertificate") {
			t.Fatalf("divergences at %v, none at uploadCertificate: %s", ops, r.Summary)
		}
	})
}

// report is the part of the JSON report the test reads.
type report struct {
	OK         bool   `json:"ok"`
	Summary    string `json:"summary"`
	Replayed   int    `json:"replayed"`
	Operations []struct {
		Operation string              `json:"operation"`
		Exchanges []fidelity.Exchange `json:"exchanges"`
	} `json:"operations"`
}

func (r report) diverging() []fidelity.Exchange {
	var out []fidelity.Exchange
	for _, o := range r.Operations {
		out = append(out, o.Exchanges...)
	}
	return out
}

// suiteEnv is the caller's environment minus everything that would point the
// suite at another target or record it elsewhere.
func suiteEnv() []string {
	env := prebuilt.Environ(func(name string) bool {
		return strings.HasPrefix(name, "CONTRACT_") || name == "OPENAI_ADMIN_KEY" || name == envKey
	})
	// Each suite process (ginkgo -p runs two) and the replay get one P, as
	// teeth's runs do: their client and emulator take turns, and with one P
	// the scheduler does not spin between the turns.
	return append(env, "GOMAXPROCS=1")
}

// allowlist is the repository's allowlist of known divergences, which the
// command reads.
func allowlist(t *testing.T) string {
	return prebuilt.Input(t, filepath.Join("..", "..", "fidelity", "allowlist.yaml"))
}
