package contract_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/stateful"
	"github.com/certcontract/certcontract/contract/internal/suite"
)

// sequenceOnly are the emulator's mutations that no single-rule spec can see,
// only a sequence of requests; the stateful phase must catch each.
var sequenceOnly = []string{
	mutation.DeletedStillCounts,
	mutation.ActivationSpreads,
	mutation.PageSkipsAfterDelete,
	mutation.ReactivationIgnored,
	mutation.ProjectDeactivationReachesOrganization,
	mutation.RenameRestoresActivation,
	mutation.OrganizationDeactivationBlocksProjects,
}

func catches(ms ...string) Labels {
	var out Labels
	for _, m := range ms {
		out = append(out, mutation.CatchesLabel(m))
	}
	return out
}

// statefulConfig points the stateful phase at the target. On the emulator
// each sequence gets an organization of its own, and another one to take
// certificate ids from that are not its own; live, every sequence shares the
// one organization with whatever else is in it.
func statefulConfig() stateful.Config {
	sequences, steps := cfg.StatefulPlan()
	sc := stateful.Config{
		BaseURL:        target.baseURL,
		Client:         target.http,
		Projects:       []string{cfg.ProjectID},
		UnknownProject: unknownProject(),
		UnknownID:      unknownCertificate(),
		Shared:         cfg.Remote(),
		Name:           func(label string) string { return certName("stateful-" + label) },
		Sequences:      sequences,
		Steps:          steps,
		Seed:           cfg.Seed,
		Quiet:          suite.Quiet,
		Mark:           suite.JudgedByModel,
	}
	if !cfg.Remote() {
		fresh := func(int) string {
			return fmt.Sprintf("sk-admin-%s-%d-stateful-%d", names.Run, GinkgoParallelProcess(), orgSeq.Add(1))
		}
		sc.Organization, sc.Foreign, sc.Projects = fresh, fresh(0), emulator.DefaultProjects
		return sc
	}
	sc.Organization = func(int) string { return cfg.AdminKey }
	// What a sequence stores is in the ledger until the sequence removes
	// it, so an interrupted run still cleans up.
	o := newOrg()
	sc.Created = func(_, id string) {
		ledger.Add(id, func(ctx context.Context) error {
			return suite.RemoveCertificate(ctx, o.ClientWithResponses, o.projects, id)
		})
	}
	sc.Removed = func(_, id string) { ledger.Forget(id) }
	return sc
}

var _ = Describe("Sequences of requests", Label(suite.LabelStateful), func() {
	It("agree with the independent model, answer by answer and list by list", catches(sequenceOnly...), func(ctx SpecContext) {
		sc := statefulConfig()
		if sc.Sequences == 0 {
			Skip(suite.EnvStatefulSteps + "=0: no stateful phase")
		}
		res, err := stateful.Run(ctx, sc)
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry(suite.TransitionsEntry, res.Transitions)
		if res.Failure != nil {
			AddReportEntry("stateful phase", fmt.Sprintf("seed %d; %d sequences run, the shorter ones rapid tried included", res.Seed, len(res.Sequences)))
			Fail(res.Failure.String())
		}
		sequences, steps := 0, 0
		for _, s := range res.Sequences {
			if len(s) > 0 {
				sequences, steps = sequences+1, steps+len(s)
			}
		}
		AddReportEntry("stateful phase", fmt.Sprintf("%d sequences (the tour's %d first), %d steps, %d requests and a check of every list after each step; seed %d (%s=%d draws them again); %s",
			sequences, res.Tour, steps, res.Requests, res.Seed, suite.EnvSeed, res.Seed, res.Transitions.Summary()))
	})
})
