package contract_test

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
)

// The environment the suite reads. Nothing else configures it.
const (
	envBaseURL     = "CONTRACT_BASE_URL"           // the API to check; unset: an in-process emulator
	envAdminKey    = "OPENAI_ADMIN_KEY"            // admin key for CONTRACT_BASE_URL
	envProjectID   = "CONTRACT_PROJECT_ID"         // a project of that organization, for the project operations
	envExclusive   = "CONTRACT_EXCLUSIVE"          // 1: also run specs that need the organization to themselves
	envFaultHeader = "CONTRACT_FAULT_HEADER"       // 1: CONTRACT_BASE_URL honours X-Emulator-Fault (a standalone emulator)
	envMutations   = "CONTRACT_EMULATOR_MUTATIONS" // comma list: deliberately wrong in-process emulator
)

// mutations are the deliberately wrong behaviours the in-process emulator can
// be given, to prove the suite notices each of them.
var mutations = emulator.KnownMutations()

// config is what the suite runs against.
type config struct {
	baseURL     string // empty: each parallel process starts its own emulator
	adminKey    string
	projectID   string
	exclusive   bool
	faultHeader bool
	mutations   []emulator.Mutation
}

func (c config) remote() bool { return c.baseURL != "" }

// loadConfig reads the environment. Every error says what to set, because it
// is the first thing someone running the suite against a new target sees.
func loadConfig(getenv func(string) string) (config, error) {
	var cfg config
	var errs []error
	cfg.baseURL = strings.TrimSuffix(strings.TrimSpace(getenv(envBaseURL)), "/")
	cfg.adminKey = strings.TrimSpace(getenv(envAdminKey))
	cfg.projectID = strings.TrimSpace(getenv(envProjectID))

	flag := func(name string) bool {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: set it to 1 or 0", name, v))
		}
		return b
	}
	cfg.exclusive = flag(envExclusive)
	cfg.faultHeader = flag(envFaultHeader)

	for m := range strings.SplitSeq(getenv(envMutations), ",") {
		m = strings.TrimSpace(m)
		if m == "" {
			continue
		}
		if !slices.Contains(mutations, emulator.Mutation(m)) {
			errs = append(errs, fmt.Errorf("%s: unknown mutation %q; known: %v", envMutations, m, mutations))
			continue
		}
		cfg.mutations = append(cfg.mutations, emulator.Mutation(m))
	}

	if cfg.remote() {
		if u, err := url.Parse(cfg.baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s=%q: set it to the API's base URL, such as https://api.openai.com/v1", envBaseURL, cfg.baseURL))
		}
		if cfg.adminKey == "" {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: set %s to an admin key of the organization to check", envBaseURL, envAdminKey, envAdminKey))
		}
		if cfg.projectID == "" {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: set %s to a project of that organization (the project operations need one)", envBaseURL, envProjectID, envProjectID))
		}
		if len(cfg.mutations) > 0 {
			errs = append(errs, fmt.Errorf("%s only applies to the in-process emulator: unset it or unset %s", envMutations, envBaseURL))
		}
	} else {
		// OPENAI_ADMIN_KEY alone is no request to go live: the official SDKs
		// read it too, so it is often set. A project id is only for a target.
		if cfg.projectID != "" {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: set %s (such as https://api.openai.com/v1) to check that API, or unset %s to check the in-process emulator", envProjectID, envBaseURL, envBaseURL, envProjectID))
		}
		cfg.adminKey, cfg.projectID = "", ""
		// The in-process emulator always honours the fault header.
		cfg.faultHeader = true
	}
	return cfg, errors.Join(errs...)
}

var _ = Describe("Configuration", func() {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	live := []string{envBaseURL, "https://api.openai.com/v1", envAdminKey, "sk-admin-x", envProjectID, "proj_x"}

	DescribeTable("is refused, saying what to set",
		func(getenv func(string) string, want string) {
			_, err := loadConfig(getenv)
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("a base URL without a key", env(envBaseURL, "https://api.openai.com/v1", envProjectID, "proj_x"), "set "+envAdminKey),
		Entry("a base URL without a project", env(envBaseURL, "https://api.openai.com/v1", envAdminKey, "sk-admin-x"), "set "+envProjectID),
		Entry("a base URL that is not one", env(append(slices.Clone(live[2:]), envBaseURL, "api.openai.com")...), "such as https://api.openai.com/v1"),
		Entry("a project without a base URL", env(envProjectID, "proj_x"), "set "+envBaseURL),
		Entry("mutations for a remote API", env(append(slices.Clone(live), envMutations, "ignore-limit")...), "unset it or unset "+envBaseURL),
		Entry("an unknown mutation", env(envMutations, "ignore-limits"), `unknown mutation "ignore-limits"`),
		Entry("a flag that is not a boolean", env(envExclusive, "yes please"), "set it to 1 or 0"),
	)

	DescribeTable("is accepted",
		func(getenv func(string) string, want config) {
			Expect(loadConfig(getenv)).To(Equal(want))
		},
		Entry("nothing: the in-process emulator with its fault header", env(), config{faultHeader: true}),
		Entry("an admin key alone: still the emulator", env(envAdminKey, "sk-admin-x"), config{faultHeader: true}),
		Entry("mutations for the in-process emulator", env(envMutations, "ignore-limit, wrong-object"),
			config{faultHeader: true, mutations: []emulator.Mutation{emulator.MutationIgnoreLimit, emulator.MutationWrongObject}}),
		Entry("a live API", env(append(slices.Clone(live), envExclusive, "1")...),
			config{baseURL: "https://api.openai.com/v1", adminKey: "sk-admin-x", projectID: "proj_x", exclusive: true}),
		Entry("a standalone emulator with its fault header",
			env(envBaseURL, "http://127.0.0.1:8080/v1", envAdminKey, "sk-admin-x", envProjectID, "proj_default", envFaultHeader, "1"),
			config{baseURL: "http://127.0.0.1:8080/v1", adminKey: "sk-admin-x", projectID: "proj_default", faultHeader: true}),
	)
})
