package suite

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/testcert"
)

// env serves getenv from pairs of name and value.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// mtlsLive names files that need not exist: each case fails before or
// besides reading them.
var mtlsLive = []string{EnvMTLSBaseURL, "https://mtls.api.openai.com/v1", EnvProjectKey, "sk-proj-x",
	EnvMTLSClientCert, "/nowhere/client.pem", EnvMTLSClientKey, "/nowhere/client-key.pem"}

var live = []string{EnvBaseURL, "https://api.openai.com/v1", EnvAdminKey, "sk-admin-x", EnvProjectID, "proj_x"}

func with(base []string, kv ...string) []string { return append(append([]string(nil), base...), kv...) }

func TestLoadConfigRefusesSayingWhatToSet(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"a base URL without a key", []string{EnvBaseURL, "https://api.openai.com/v1", EnvProjectID, "proj_x"}, "set " + EnvAdminKey},
		{"a base URL without a project", []string{EnvBaseURL, "https://api.openai.com/v1", EnvAdminKey, "sk-admin-x"}, "set " + EnvProjectID},
		{"a base URL that is not one", with(live, EnvBaseURL, "api.openai.com"), "such as https://api.openai.com/v1"},
		{"a base URL without a host", with(live, EnvBaseURL, "https://"), "such as https://api.openai.com/v1"},
		{"a project without a base URL", []string{EnvProjectID, "proj_x"}, "set " + EnvBaseURL},
		{"mutations for a remote API", with(live, EnvMutations, "ignore-limit"), "unset it or unset " + EnvBaseURL},
		{"an unknown mutation", []string{EnvMutations, "ignore-limits"}, `unknown mutation "ignore-limits"`},
		{"a flag that is not a boolean", []string{EnvExclusive, "yes please"}, "set it to 1 or 0"},
		{"a recording at a relative path", []string{EnvRecord, "run.har"}, "give an absolute path"},
		{"a recording in a folder that is not there", []string{EnvRecord, "/nowhere/at/all/run.har"}, "the folder /nowhere/at/all does not exist"},
		{"a seed that is no number", []string{EnvSeed, "lucky"}, "a positive whole number"},
		{"a seed of 0", []string{EnvSeed, "0"}, "a positive whole number"},
		{"a negative step budget", []string{EnvStatefulSteps, "-5"}, "0 for none"},
		{"a client certificate without an mTLS endpoint", []string{EnvMTLSClientCert, "client.pem"}, "set " + EnvMTLSBaseURL},
		{"an mTLS endpoint without a project key", with(mtlsLive, EnvProjectKey, ""), "set " + EnvProjectKey},
		{"an mTLS endpoint without a client key", with(mtlsLive, EnvMTLSClientKey, ""), "set both"},
		{"an mTLS endpoint over plain HTTP", with(mtlsLive, EnvMTLSBaseURL, "http://127.0.0.1:8443/v1"), "such as https://mtls.api.openai.com/v1"},
		{"client certificate files that are not there", with(mtlsLive, EnvMTLSClientCert, "/nowhere/client.pem"), EnvMTLSClientCert + `="/nowhere/client.pem"`},
		{"a server CA that is not one", with(mtlsLive, EnvMTLSServerCA, "/nowhere/ca.pem"), "set it to a PEM file of the CA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig(env(tc.env...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("LoadConfig() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadConfigAccepts(t *testing.T) {
	recordPath := filepath.Join(t.TempDir(), "run.har")
	for _, tc := range []struct {
		name string
		env  []string
		want Config
	}{
		{"nothing: the in-process emulator with its fault header", nil, Config{FaultHeader: true, StatefulSteps: StatefulStepsEmulator}},
		{"an admin key alone: still the emulator", []string{EnvAdminKey, "sk-admin-x"}, Config{FaultHeader: true, StatefulSteps: StatefulStepsEmulator}},
		{"mutations for the in-process emulator", []string{EnvMutations, "ignore-limit, wrong-object,"},
			Config{FaultHeader: true, Mutations: []string{mutation.IgnoreLimit, mutation.WrongObject}, StatefulSteps: StatefulStepsEmulator}},
		{"a live API, trailing slash and spaces trimmed", with(live, EnvBaseURL, " https://api.openai.com/v1/ ", EnvExclusive, "1"),
			Config{BaseURL: "https://api.openai.com/v1", AdminKey: "sk-admin-x", ProjectID: "proj_x", Exclusive: true, StatefulSteps: StatefulStepsRemote}},
		{"a standalone emulator with its fault header",
			[]string{EnvBaseURL, "http://127.0.0.1:8080/v1", EnvAdminKey, "sk-admin-x", EnvProjectID, "proj_default", EnvFaultHeader, "1"},
			Config{BaseURL: "http://127.0.0.1:8080/v1", AdminKey: "sk-admin-x", ProjectID: "proj_default", FaultHeader: true, StatefulSteps: StatefulStepsRemote}},
		{"a seed to replay and a live step budget", with(live, EnvSeed, " 1234 ", EnvStatefulSteps, "500"),
			Config{BaseURL: "https://api.openai.com/v1", AdminKey: "sk-admin-x", ProjectID: "proj_x", Seed: 1234, StatefulSteps: 500}},
		{"no stateful phase", []string{EnvStatefulSteps, "0"}, Config{FaultHeader: true}},
		{"a recording", []string{EnvRecord, recordPath}, Config{FaultHeader: true, Record: recordPath, StatefulSteps: StatefulStepsEmulator}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadConfig(env(tc.env...))
			if err != nil {
				t.Fatalf("LoadConfig() error = %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("LoadConfig() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSkipReason(t *testing.T) {
	emulatorCfg := Config{FaultHeader: true}
	liveCfg := Config{BaseURL: "https://api.openai.com/v1"}
	for _, tc := range []struct {
		name   string
		cfg    Config
		labels []string
		want   string // a part of the reason; "" runs the spec
	}{
		{"any spec in-process", emulatorCfg, []string{LabelExclusive, LabelEmulatorOnly}, ""},
		{"an unlabelled spec live", liveCfg, nil, ""},
		{"an exclusive spec live", liveCfg, []string{LabelExclusive}, EnvExclusive + "=1"},
		{"an exclusive spec live with the organization to itself", Config{BaseURL: liveCfg.BaseURL, Exclusive: true}, []string{LabelExclusive}, ""},
		{"an emulator-only spec live", liveCfg, []string{LabelEmulatorOnly}, EnvFaultHeader + "=1"},
		{"an emulator-only spec on a standalone emulator", Config{BaseURL: "http://127.0.0.1:1/v1", FaultHeader: true}, []string{LabelEmulatorOnly}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cfg.SkipReason(tc.labels)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("SkipReason(%v) = %q, want %q", tc.labels, got, tc.want)
			}
		})
	}
}

func TestStatefulPlan(t *testing.T) {
	for _, tc := range []struct {
		budget, sequences, steps int
	}{
		{0, 0, 0},
		{5, 1, 5},
		{StepsPerSequence, 1, StepsPerSequence},
		{StatefulStepsRemote, StatefulStepsRemote / StepsPerSequence, StepsPerSequence},
		{StatefulStepsEmulator, StatefulStepsEmulator / StepsPerSequence, StepsPerSequence},
	} {
		sequences, steps := Config{StatefulSteps: tc.budget}.StatefulPlan()
		if sequences != tc.sequences || steps != tc.steps {
			t.Errorf("a budget of %d: %d sequences of %d steps, want %d of %d", tc.budget, sequences, steps, tc.sequences, tc.steps)
		}
	}
}

func TestLoadConfigReadsTheMTLSEndpoint(t *testing.T) {
	ca, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	client, err := testcert.NewClient(ca.PEM, ca.KeyPEM, testcert.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{"client.pem": client.PEM, "client-key.pem": client.KeyPEM, "ca.pem": ca.PEM}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := LoadConfig(env(EnvMTLSBaseURL, "https://127.0.0.1:8443/v1/", EnvProjectKey, "sk-proj-x",
		EnvMTLSClientCert, filepath.Join(dir, "client.pem"), EnvMTLSClientKey, filepath.Join(dir, "client-key.pem"),
		EnvMTLSServerCA, filepath.Join(dir, "ca.pem")))
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.MTLS
	if m == nil || m.BaseURL != "https://127.0.0.1:8443/v1" || m.ProjectKey != "sk-proj-x" || m.Roots == nil || cfg.Remote() {
		t.Fatalf("MTLS %+v, remote %v; want the endpoint without its last slash, the key and the roots, the admin API in process", m, cfg.Remote())
	}
	if got := m.TLS(true).Certificates; len(got) != 1 || !bytes.Equal(got[0].Certificate[0], m.Client.Certificate[0]) {
		t.Errorf("TLS(true) presents %d certificates, want the client's", len(got))
	}
	if got := m.TLS(false).Certificates; len(got) != 0 {
		t.Errorf("TLS(false) presents %d certificates, want none", len(got))
	}
	if cfg, err := LoadConfig(env(EnvProjectKey, "sk-proj-x")); err != nil || cfg.MTLS != nil {
		t.Errorf("OPENAI_API_KEY alone: MTLS %+v, %v; want none, as the SDKs read it too", cfg.MTLS, err)
	}
}
