package suite

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/internal/mutation"
)

// env serves getenv from pairs of name and value.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

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
