package stateful_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/stateful"
	"github.com/certcontract/certcontract/contract/validator"
)

// config runs the phase against an in-process emulator with the given
// mutations, through the validating transport, as the suite does.
func config(t *testing.T, mutations ...string) stateful.Config {
	t.Helper()
	// Every sequence, and every attempt at a shorter one, is an
	// organization of its own.
	emu, err := emulator.New(emulator.Config{Mutations: mutations, MaxOrganizations: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	base := srv.URL + emulator.BasePath
	v, err := validator.New(base)
	if err != nil {
		t.Fatal(err)
	}
	run := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	var orgs atomic.Int64 // every sequence of every run an organization of its own
	return stateful.Config{
		BaseURL:        base,
		Client:         &http.Client{Transport: v, Timeout: 10 * time.Second},
		Organization:   func(int) string { return fmt.Sprintf("sk-admin-%s-%d", run, orgs.Add(1)) },
		Foreign:        fmt.Sprintf("sk-admin-%s-foreign", run),
		Projects:       emulator.DefaultProjects,
		UnknownProject: "proj_missing",
		UnknownID:      "cert_missing",
		Name:           func(label string) string { return "contract-test-" + label },
		Sequences:      5,
		Steps:          15,
		ShrinkTime:     10 * time.Second,
	}
}

func TestTheEmulatorAgreesWithTheModel(t *testing.T) {
	cfg := config(t)
	cfg.Sequences = 10
	res, err := stateful.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failure != nil {
		t.Fatalf("the emulator diverges from the model:\n%s", res.Failure)
	}
	// The tour takes its steps from the budget; rapid draws until the rest
	// is spent, or it has drawn Sequences.
	if drawn := len(res.Sequences) - res.Tour; drawn < 1 || drawn > cfg.Sequences {
		t.Errorf("%d sequences drawn after the tour's %d, want 1 to %d", drawn, res.Tour, cfg.Sequences)
	}
	steps := 0
	for _, s := range res.Sequences {
		steps += len(s)
	}
	if steps < cfg.Sequences*cfg.Steps/4 {
		t.Errorf("only %d steps in %d sequences", steps, cfg.Sequences)
	}
}

func TestTheSameSeedDrawsTheSameSequences(t *testing.T) {
	cfg := config(t)
	cfg.Seed = 20260821
	run := func() stateful.Result {
		t.Helper()
		res, err := stateful.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if res.Failure != nil {
			t.Fatalf("the emulator diverges from the model:\n%s", res.Failure)
		}
		return res
	}
	first, second := run(), run()
	if len(first.Sequences) != len(second.Sequences) {
		t.Fatalf("seed %d drew %d sequences, then %d", cfg.Seed, len(first.Sequences), len(second.Sequences))
	}
	for i := range first.Sequences {
		if a, b := first.Sequences[i], second.Sequences[i]; !slices.Equal(a, b) {
			t.Fatalf("seed %d drew sequence %d differently:\n  %s\nthen\n  %s", cfg.Seed, i+1, strings.Join(a, "\n  "), strings.Join(b, "\n  "))
		}
	}
	cfg.Seed++
	if other := run(); slices.EqualFunc(first.Sequences, other.Sequences, slices.Equal) {
		t.Error("another seed drew the same sequences")
	}
}

func TestADivergenceIsReportedAsAShortReproduction(t *testing.T) {
	cfg := config(t, mutation.DeleteActive)
	cfg.Sequences = 20
	// The first seed whose sequences delete an active certificate; the
	// seeds are fixed, so every run tries the same ones.
	var f *stateful.Failure
	for seed := uint64(1); seed <= 10 && f == nil; seed++ {
		cfg.Seed = seed
		res, err := stateful.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		f = res.Failure
	}
	if f == nil {
		t.Fatal("deleting an active certificate went unnoticed in 10 runs")
	}
	report := f.String()
	t.Logf("\n%s", report)
	for _, want := range []string{
		fmt.Sprintf("Replay: CONTRACT_SEED=%d", f.Seed),
		"  1. ",
		"deleteCertificate",
		"the answer differs from the model:",
		"status: 200, want 400",
		`curl -sS -X POST "$BASE_URL/organization/certificates" -H "Authorization: Bearer $OPENAI_ADMIN_KEY"`,
		"| jq -r .id",
		`curl -sS -X DELETE "$BASE_URL/organization/certificates/${`,
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(report, "sk-admin-"+strings.ReplaceAll(t.Name(), "/", "-")) {
		t.Error("the report names an admin key")
	}
	if n := len(regexp.MustCompile(`(?m)^\s+\d+\. `).FindAllString(report, -1)); n != f.Steps || n > 5 {
		t.Errorf("%d steps after shrinking (Steps says %d); upload, activate, delete should do", n, f.Steps)
	}

	// The seed in the report replays the failure first thing; that needs no
	// second shrinking.
	cfg.Seed = f.Seed
	cfg.ShrinkTime = time.Millisecond
	again, err := stateful.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again.Failure == nil || len(again.Sequences) == 0 || !strings.HasPrefix(again.Failure.String(), "The target diverged") {
		t.Fatalf("CONTRACT_SEED=%d did not replay the failure", f.Seed)
	}
	if first := again.Sequences[0]; first[len(first)-1] != "deleteCertificate "+strings.TrimPrefix(first[len(first)-1], "deleteCertificate ") {
		t.Errorf("the first sequence of the replay ends with %q, not the diverging delete", first[len(first)-1])
	}
}

func TestTheTourCoversEveryTransition(t *testing.T) {
	for _, shared := range []bool{false, true} {
		cfg := config(t)
		cfg.Shared = shared
		cfg.Sequences, cfg.Steps = 1, stateful.TourSteps(shared)
		res, err := stateful.Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if res.Failure != nil {
			t.Fatalf("shared %t: the emulator diverges from the model on the tour:\n%s", shared, res.Failure)
		}
		if n, all := res.Transitions.Covered(), len(stateful.Transitions()); n != all {
			t.Errorf("shared %t: the tour covers %d of %d transitions:\n%s", shared, n, all, res.Transitions.Table())
		}
		t.Logf("shared %t: %d steps\n%s", shared, stateful.TourSteps(shared), res.Transitions.Table())
	}
}
