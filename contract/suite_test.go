// Package contract_test is the contract suite: every operation of
// openapi/certificates.yaml and every documented rule, checked against an
// in-process emulator or a real API, with every exchange validated against
// the fragment. Its machinery lives in contract/internal/suite; this file
// wires it to Ginkgo's setup nodes.
package contract_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/suite"
	"github.com/certcontract/certcontract/generated/spec"
)

func TestContract(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Certificates contract")
}

// Per parallel process.
var (
	cfg       suite.Config
	target    *api
	names     suite.Names // the run id is shared by all processes
	collector suite.Observations
	exchanges suite.Exchanges
	ledger    suite.Ledger
	fields    suite.Fields     // checks every certificate in every answer
	recording *suite.Recording // nil unless CONTRACT_RECORD is set
)

var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	// Fails here, once, before any spec, when the configuration is wrong or
	// a remote target cannot carry the run: one line saying what to set.
	c, err := suite.LoadConfig(os.Getenv)
	if err != nil {
		Fail("the contract suite is not configured:\n" + err.Error())
	}
	if c.Remote() {
		held, err := suite.Preflight(ctx, c, suite.RemoteRetry(http.DefaultTransport))
		if err != nil {
			Fail(err.Error())
		}
		suiteCfg, _ := GinkgoConfiguration()
		procs := suiteCfg.ParallelTotal
		if err := suite.Room(held, procs); err != nil {
			Fail(err.Error())
		}
		fmt.Fprintf(GinkgoWriter, "%s answers; the organization holds %d certificates, %d slots free, this run needs %d\n",
			c.BaseURL, held, emulator.MaxCertificates-held, procs*suite.SlotsPerSpec)
	}
	return []byte(suite.NewRunID())
}, func(runID []byte) {
	var err error
	cfg, err = suite.LoadConfig(os.Getenv)
	Expect(err).NotTo(HaveOccurred())
	names = suite.Names{Run: string(runID)}

	baseURL := cfg.BaseURL
	if !cfg.Remote() {
		var stop func()
		baseURL, stop, err = suite.StartEmulator(cfg)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stop)
	}
	recording = suite.NewRecording(cfg, names.Run, GinkgoParallelProcess(), baseURL)
	// The recording goes last, nearest the wire: it keeps the answers as they
	// came, before any layer above reads them.
	transport, err := suite.Transport(cfg, baseURL, collector.Observe, append([]suite.Layer{fields.Layer, exchanges.Layer}, recording.Layers()...)...)
	Expect(err).NotTo(HaveOccurred())
	// The timeout bounds a hung exchange with a remote API; specs end sooner
	// when interrupted, through their SpecContext.
	target = newAPI(baseURL, &http.Client{Transport: transport, Timeout: time.Minute})
})

// Every spec: skip what this target cannot run, and start the spec's own
// record of observed (operation, status) pairs and of its exchanges.
var _ = BeforeEach(func() {
	if reason := cfg.SkipReason(CurrentSpecReport().Labels()); reason != "" {
		Skip(reason)
	}
	collector.Start()
	exchanges.Start()
})

// Attach what the spec observed to its report, where the coverage gate finds
// it across all processes; a failed spec also gets its last exchange as a
// curl line, in the console and in the JUnit report.
var _ = AfterEach(func() {
	AddReportEntry(suite.ObservedEntry, collector.Take(), ReportEntryVisibilityNever)
	kept := exchanges.Take()
	if CurrentSpecReport().Failed() {
		AddReportEntry(suite.ReproductionEntry, suite.Reproduction(kept, target.baseURL))
	}
})

// What a spec did not remove (it was interrupted, or its cleanup failed) is
// removed here: first by each process from its ledger, then by the first
// process for every certificate the run's names own. Each process then
// writes its part of the recording, and the first merges them, after its
// sweep, once every other process is done.
var _ = SynchronizedAfterSuite(func(ctx SpecContext) {
	if target != nil && cfg.Remote() {
		Expect(ledger.Sweep(ctx)).To(Succeed())
	}
	Expect(recording.WritePart()).To(Succeed())
}, func(ctx SpecContext) {
	if target != nil && cfg.Remote() {
		sweepRun(ctx)
	}
	Expect(recording.WritePart()).To(Succeed())
	suiteCfg, _ := GinkgoConfiguration()
	Expect(recording.Merge(suiteCfg.ParallelTotal)).To(Succeed())
})

// The coverage gate. With a report directory (as `make contract` runs it) the
// matrix goes there, for make to print at the end; without one, here.
var _ = ReportAfterSuite("coverage of every documented (operation, status)", func(r Report) {
	if target == nil {
		return // not configured: the suite already failed saying why
	}
	doc, err := spec.Document()
	Expect(err).NotTo(HaveOccurred())
	cov, err := suite.RunCoverage(doc, r, cfg)
	Expect(err).NotTo(HaveOccurred())
	if _, reporterCfg := GinkgoConfiguration(); reporterCfg.JUnitReport != "" {
		Expect(suite.WriteReports(filepath.Dir(reporterCfg.JUnitReport), cov)).To(Succeed())
	} else {
		fmt.Println(cov.Table())
	}
	Expect(cov.Gate()).To(Succeed())
})
