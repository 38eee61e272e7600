// The contract suite: every operation of openapi/certificates.yaml and every
// documented rule, checked against an in-process emulator or a real API, with
// every exchange validated against the fragment.
package contract_test

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/validator"
)

func TestContract(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Certificates contract")
}

// Labels for what may not run against a shared, live organization.
const (
	// exclusive specs need the organization to themselves (the 50 limit, exact
	// page sizes); they also run Serial so the run's own specs cannot disturb
	// them. Live they run only with CONTRACT_EXCLUSIVE=1.
	labelExclusive = "exclusive"
	// emulator-only specs use the emulator's fault header; against a remote
	// target they run only with CONTRACT_FAULT_HEADER=1.
	labelEmulatorOnly = "emulator-only"
)

// Per parallel process.
var (
	cfg       *config
	target    *api
	runID     string // shared by all processes; every certificate name carries it
	collector = &observations{}
)

var _ = SynchronizedBeforeSuite(func() []byte {
	// Fails here, once, before any spec, when the configuration is wrong.
	if _, err := loadConfig(os.Getenv); err != nil {
		Fail("the contract suite is not configured:\n" + err.Error())
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return []byte("cc" + hex.EncodeToString(b))
}, func(id []byte) {
	c, err := loadConfig(os.Getenv)
	Expect(err).NotTo(HaveOccurred())
	cfg, runID = &c, string(id)

	baseURL := cfg.baseURL
	if !cfg.remote() {
		emu, err := emulator.New(emulator.Config{
			Faults:    emulator.Faults{Header: true},
			Mutations: cfg.mutations,
		})
		Expect(err).NotTo(HaveOccurred())
		srv := httptest.NewServer(emu) // 127.0.0.1, a free port
		DeferCleanup(srv.Close)
		baseURL = srv.URL + emulator.BasePath
	}
	pool := http.DefaultTransport.(*http.Transport).Clone()
	pool.MaxIdleConnsPerHost = 16
	var next http.RoundTripper = pool
	if cfg.remote() {
		next = retryTransport{next: pool, attempts: 4, maxWait: 10 * time.Second}
	}
	validating, err := validator.New(baseURL,
		validator.WithNext(next),
		validator.WithObserver(collector.observe),
		validator.WithSecrets(cfg.adminKey),
	)
	Expect(err).NotTo(HaveOccurred())
	// The timeout bounds a hung exchange with a remote API; specs end sooner
	// when interrupted, through their SpecContext.
	target = newAPI(baseURL, &http.Client{Transport: validating, Timeout: time.Minute})
})

// Every spec: skip what this target cannot run, and start the spec's own
// record of observed (operation, status) pairs.
var _ = BeforeEach(func() {
	labels := CurrentSpecReport().Labels()
	if cfg.remote() && slices.Contains(labels, labelExclusive) && !cfg.exclusive {
		Skip("needs the organization to itself: set " + envExclusive + "=1 to run it against " + envBaseURL)
	}
	if cfg.remote() && slices.Contains(labels, labelEmulatorOnly) && !cfg.faultHeader {
		Skip("needs the emulator's fault header: set " + envFaultHeader + "=1 if " + envBaseURL + " is an emulator")
	}
	collector.start()
})

// Attach what the spec observed to its report, where the coverage gate finds
// it across all processes.
var _ = AfterEach(func() {
	AddReportEntry(observedEntry, collector.take(), ReportEntryVisibilityNever)
})

var _ = SynchronizedAfterSuite(func(ctx SpecContext) {
	if target != nil && cfg.remote() {
		sweepLedger(ctx)
	}
}, func(ctx SpecContext) {
	if target != nil && cfg.remote() {
		sweepRun(ctx)
	}
})

var _ = ReportAfterSuite("coverage of every documented (operation, status)", func(r Report) {
	if cfg == nil {
		return // not configured: the suite already failed saying why
	}
	gate(r)
})
