package suite

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/stateful"
)

// The environment the suite reads. Nothing else configures it.
const (
	EnvBaseURL     = "CONTRACT_BASE_URL"           // the API to check; unset: an in-process emulator
	EnvAdminKey    = "OPENAI_ADMIN_KEY"            // admin key for CONTRACT_BASE_URL
	EnvProjectID   = "CONTRACT_PROJECT_ID"         // a project of that organization, for the project operations
	EnvExclusive   = "CONTRACT_EXCLUSIVE"          // 1: also run specs that need the organization to themselves
	EnvFaultHeader = "CONTRACT_FAULT_HEADER"       // 1: CONTRACT_BASE_URL honours X-Emulator-Fault (a standalone emulator)
	EnvMutations   = "CONTRACT_EMULATOR_MUTATIONS" // comma list: deliberately wrong in-process emulator
	EnvRecord      = "CONTRACT_RECORD"             // a HAR file to write every exchange of the run to
	// EnvSeed replays the stateful phase's sequences; unset: a random seed,
	// which the phase reports.
	EnvSeed = stateful.SeedVariable
	// EnvStatefulSteps is the stateful phase's budget of steps; 0 leaves
	// the phase out.
	EnvStatefulSteps = "CONTRACT_STATEFUL_STEPS"

	// The live mTLS gate (docs/mtls.md): its base URL, such as
	// https://mtls.api.openai.com/v1, a client certificate signed by a CA
	// active for the project of the project API key, and that key. They
	// are independent of CONTRACT_BASE_URL: the gate's live specs send no
	// admin call.
	EnvMTLSBaseURL    = "CONTRACT_MTLS_BASE_URL"
	EnvMTLSClientCert = "CONTRACT_MTLS_CLIENT_CERT" // PEM file of the client certificate
	EnvMTLSClientKey  = "CONTRACT_MTLS_CLIENT_KEY"  // PEM file of its private key
	// EnvMTLSServerCA is a PEM file of the CA to trust for the mTLS
	// endpoint's server certificate (a standalone emulator's
	// -mtls-ca-file); unset: the system's roots.
	EnvMTLSServerCA = "CONTRACT_MTLS_SERVER_CA"
	// EnvProjectKey is the project API key the official SDKs read; no
	// flag, like the admin key.
	EnvProjectKey = "OPENAI_API_KEY"
)

// The stateful phase's budgets. On the emulator every sequence has an
// organization of its own and a step costs well under a millisecond, so the
// default keeps the phase to about a second of suite time; on a live API a
// step is a round trip or five, so the default there is small, and
// CONTRACT_STATEFUL_STEPS raises it.
const (
	StatefulStepsEmulator = 600
	StatefulStepsRemote   = 60
	// StepsPerSequence is how long a sequence is on average: long enough
	// for a bug several steps deep, short enough to shrink quickly.
	StepsPerSequence = 15
)

// Labels for what may not run against a shared, live organization.
const (
	// LabelExclusive marks specs that need the organization to themselves
	// (the 50 limit, exact page sizes); they also run Serial so the run's
	// own specs cannot disturb them. Live they run only with
	// CONTRACT_EXCLUSIVE=1.
	LabelExclusive = "exclusive"
	// LabelEmulatorOnly marks specs that use the emulator's fault header;
	// against a remote target they run only with CONTRACT_FAULT_HEADER=1.
	LabelEmulatorOnly = "emulator-only"
	// LabelStateful marks the stateful phase, so that make teeth can tell
	// what it caught from what the single-rule specs caught.
	LabelStateful = "stateful"
)

// Config is what the suite runs against.
type Config struct {
	BaseURL     string // empty: each parallel process starts its own emulator
	AdminKey    string
	ProjectID   string
	Exclusive   bool
	FaultHeader bool // the target answers X-Emulator-Fault; always so in-process
	Mutations   []string
	Record      string // absolute path of the HAR file to write; empty: no recording
	// Seed is the stateful phase's base seed; 0: a random one.
	Seed uint64
	// StatefulSteps is the stateful phase's budget of steps; 0: no phase.
	StatefulSteps int
	// MTLS is the live mTLS gate to check; nil: none.
	MTLS *MTLSTarget
}

// MTLSTarget is a live mTLS endpoint and what a client of one project
// presents to it.
type MTLSTarget struct {
	BaseURL    string
	ProjectKey string
	// Client is the certificate (and key) signed by a CA active for the
	// key's project.
	Client tls.Certificate
	// Roots are the CAs trusted for the server's certificate; nil: the
	// system's.
	Roots *x509.CertPool
}

// TLS is the client's TLS configuration, presenting the client certificate
// or, without present, none.
func (m *MTLSTarget) TLS(present bool) *tls.Config {
	c := &tls.Config{RootCAs: m.Roots, MinVersion: tls.VersionTLS12}
	if present {
		c.Certificates = []tls.Certificate{m.Client}
	}
	return c
}

// loadMTLS reads the live mTLS settings; nil when CONTRACT_MTLS_BASE_URL is
// unset.
func loadMTLS(getenv func(string) string) (*MTLSTarget, []error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	base := strings.TrimSuffix(get(EnvMTLSBaseURL), "/")
	if base == "" {
		var errs []error
		for _, name := range []string{EnvMTLSClientCert, EnvMTLSClientKey, EnvMTLSServerCA} {
			if get(name) != "" {
				errs = append(errs, fmt.Errorf("%s is set but %s is not: set %s (such as https://mtls.api.openai.com/v1) to check that mTLS endpoint, or unset %s", name, EnvMTLSBaseURL, EnvMTLSBaseURL, name))
			}
		}
		return nil, errs
	}
	m := &MTLSTarget{BaseURL: base, ProjectKey: get(EnvProjectKey)}
	var errs []error
	if u, err := url.Parse(base); err != nil || u.Scheme != "https" || u.Host == "" {
		errs = append(errs, fmt.Errorf("%s=%q: set it to the mTLS endpoint's base URL, such as https://mtls.api.openai.com/v1", EnvMTLSBaseURL, base))
	}
	if m.ProjectKey == "" {
		errs = append(errs, fmt.Errorf("%s is set but %s is not: set %s to a project API key of the project the client certificate is for", EnvMTLSBaseURL, EnvProjectKey, EnvProjectKey))
	}
	certFile, keyFile := get(EnvMTLSClientCert), get(EnvMTLSClientKey)
	if certFile == "" || keyFile == "" {
		errs = append(errs, fmt.Errorf("%s is set but %s or %s is not: set both to the PEM files of a client certificate signed by a CA active for the key's project, and of its key", EnvMTLSBaseURL, EnvMTLSClientCert, EnvMTLSClientKey))
	} else if pair, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
		errs = append(errs, fmt.Errorf("%s=%q, %s=%q: %v", EnvMTLSClientCert, certFile, EnvMTLSClientKey, keyFile, err))
	} else {
		m.Client = pair
	}
	if f := get(EnvMTLSServerCA); f != "" {
		data, err := os.ReadFile(f)
		m.Roots = x509.NewCertPool()
		if err != nil || !m.Roots.AppendCertsFromPEM(data) {
			errs = append(errs, fmt.Errorf("%s=%q: set it to a PEM file of the CA the endpoint's server certificate chains to (%v)", EnvMTLSServerCA, f, err))
		}
	}
	return m, errs
}

// Remote says whether the suite checks an API it did not start.
func (c Config) Remote() bool { return c.BaseURL != "" }

// Target names what the suite checks, for reports.
func (c Config) Target() string {
	if c.Remote() {
		return c.BaseURL
	}
	return "in-process emulator"
}

// LoadConfig reads the environment through getenv. Every error says what to
// set, because it is the first thing someone running the suite against a new
// target sees.
func LoadConfig(getenv func(string) string) (Config, error) {
	var cfg Config
	var errs []error
	cfg.BaseURL = strings.TrimSuffix(strings.TrimSpace(getenv(EnvBaseURL)), "/")
	cfg.AdminKey = strings.TrimSpace(getenv(EnvAdminKey))
	cfg.ProjectID = strings.TrimSpace(getenv(EnvProjectID))

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
	cfg.Exclusive = flag(EnvExclusive)
	cfg.FaultHeader = flag(EnvFaultHeader)

	known := mutation.Known()
	for m := range strings.SplitSeq(getenv(EnvMutations), ",") {
		m = strings.TrimSpace(m)
		if m == "" {
			continue
		}
		if !slices.Contains(known, m) {
			errs = append(errs, fmt.Errorf("%s: unknown mutation %q; known: %v", EnvMutations, m, known))
			continue
		}
		cfg.Mutations = append(cfg.Mutations, m)
	}

	if cfg.Record = strings.TrimSpace(getenv(EnvRecord)); cfg.Record != "" {
		// The suite runs in contract/, not where it was started from; make
		// contract turns a relative path into an absolute one.
		if !filepath.IsAbs(cfg.Record) {
			errs = append(errs, fmt.Errorf("%s=%q: give an absolute path (make contract makes a relative one absolute)", EnvRecord, cfg.Record))
		} else if fi, err := os.Stat(filepath.Dir(cfg.Record)); err != nil || !fi.IsDir() {
			errs = append(errs, fmt.Errorf("%s=%q: the folder %s does not exist: create it first", EnvRecord, cfg.Record, filepath.Dir(cfg.Record)))
		}
	}
	if v := strings.TrimSpace(getenv(EnvSeed)); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil || seed == 0 {
			errs = append(errs, fmt.Errorf("%s=%q: set it to the seed a report printed, a positive whole number", EnvSeed, v))
		}
		cfg.Seed = seed
	}
	cfg.StatefulSteps = StatefulStepsEmulator
	if cfg.Remote() {
		cfg.StatefulSteps = StatefulStepsRemote
	}
	if v := strings.TrimSpace(getenv(EnvStatefulSteps)); v != "" {
		steps, err := strconv.Atoi(v)
		if err != nil || steps < 0 {
			errs = append(errs, fmt.Errorf("%s=%q: set it to how many steps the stateful phase may take, 0 for none", EnvStatefulSteps, v))
		}
		cfg.StatefulSteps = steps
	}

	mtls, mtlsErrs := loadMTLS(getenv)
	cfg.MTLS = mtls
	errs = append(errs, mtlsErrs...)

	if cfg.Remote() {
		if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s=%q: set it to the API's base URL, such as https://api.openai.com/v1", EnvBaseURL, cfg.BaseURL))
		}
		if cfg.AdminKey == "" {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: set %s to an admin key of the organization to check", EnvBaseURL, EnvAdminKey, EnvAdminKey))
		}
		if cfg.ProjectID == "" {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: set %s to a project of that organization (the project operations need one)", EnvBaseURL, EnvProjectID, EnvProjectID))
		}
		if len(cfg.Mutations) > 0 {
			errs = append(errs, fmt.Errorf("%s only applies to the in-process emulator: unset it or unset %s", EnvMutations, EnvBaseURL))
		}
	} else {
		// OPENAI_ADMIN_KEY alone is no request to go live: the official SDKs
		// read it too, so it is often set. A project id is only for a target.
		if cfg.ProjectID != "" {
			errs = append(errs, fmt.Errorf("%s is set but %s is not: set %s (such as https://api.openai.com/v1) to check that API, or unset %s to check the in-process emulator", EnvProjectID, EnvBaseURL, EnvBaseURL, EnvProjectID))
		}
		cfg.AdminKey, cfg.ProjectID = "", ""
		cfg.FaultHeader = true
	}
	return cfg, errors.Join(errs...)
}

// SkipReason says why a spec with these labels cannot run on this target, or
// "" when it can.
func (c Config) SkipReason(labels []string) string {
	if !c.Remote() {
		return ""
	}
	if slices.Contains(labels, LabelExclusive) && !c.Exclusive {
		return "needs the organization to itself: set " + EnvExclusive + "=1 to run it against " + EnvBaseURL
	}
	if slices.Contains(labels, LabelEmulatorOnly) && !c.FaultHeader {
		return "needs the emulator's fault header: set " + EnvFaultHeader + "=1 if " + EnvBaseURL + " is an emulator"
	}
	return ""
}

// StatefulPlan splits the stateful phase's budget into sequences of
// StepsPerSequence steps on average, as many as the budget holds and at
// least one; a smaller budget is one shorter sequence.
func (c Config) StatefulPlan() (sequences, steps int) {
	if c.StatefulSteps <= 0 {
		return 0, 0
	}
	if c.StatefulSteps < StepsPerSequence {
		return 1, c.StatefulSteps
	}
	return c.StatefulSteps / StepsPerSequence, StepsPerSequence
}
