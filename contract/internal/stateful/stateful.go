// Package stateful is the contract suite's stateful phase: with rapid it draws
// sequences of all ten operations, valid and invalid, sends them to the
// target, and compares every answer, and after every step the organization's
// whole state as the lists show it, with the independent model of package
// model. On a divergence rapid shrinks the sequence, and the failure reads as
// numbered steps with the diverging answer beside the model's expectation, a
// seed that replays it, and curl lines that reproduce it.
package stateful

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"pgregory.net/rapid"
)

// Config is where and how long the phase runs.
type Config struct {
	// BaseURL is the API's base URL; Client carries every exchange (the
	// suite's, through the validating transport).
	BaseURL string
	Client  *http.Client
	// Organization is the admin key of sequence n's organization. On the
	// emulator every sequence gets a fresh one; on a live target it is the
	// one key there is, and Shared is set.
	Organization func(n int) string
	// Foreign is the admin key of another organization, whose certificate
	// id sequences send where their own belong; empty where there is none.
	// The run uploads one certificate there, once.
	Foreign string
	// Projects are the organization's projects; UnknownProject and UnknownID
	// exist nowhere.
	Projects       []string
	UnknownProject string
	UnknownID      string
	// Shared says the organization may hold certificates of others. The
	// model then compares only the sequence's own, a sequence keeps at most
	// MaxOwnedShared certificates at once and never fills the organization
	// to its limit.
	Shared bool
	// Name names a certificate, so that a sweep finds what an interrupted
	// run left. On a shared organization every upload and rename uses it;
	// on the emulator some uploads go without a name, which is allowed too.
	Name func(label string) string
	// Sequences is how many sequences rapid draws, Steps how many steps
	// each has on average; a run takes at most Sequences × Steps steps
	// until it finds a divergence.
	Sequences, Steps int
	// Seed is rapid's base seed; 0: a random one. The same seed draws the
	// same sequences.
	Seed uint64
	// ShrinkTime bounds the search for a shorter failing sequence; 0
	// leaves it to rapid (RAPID_SHRINKTIME, 30 s by default). The search
	// ends sooner when no shorter sequence fails the same way.
	ShrinkTime time.Duration
	// Quiet marks cleanup traffic, which is no part of what is checked;
	// Mark marks every other request of the phase, for the layers of
	// Client that leave the phase's answers to its model.
	Quiet, Mark func(context.Context) context.Context
	// Created and Removed follow the certificates sequences store, for a
	// ledger that cleans up after an interrupted run.
	Created, Removed func(key, id string)
}

// MaxOwnedShared is how many certificates a sequence holds at once on a
// shared organization, where others need room too.
const MaxOwnedShared = 6

// Result is what a run did.
type Result struct {
	// Seed is the base seed the run drew from.
	Seed uint64
	// Sequences are the steps of every sequence run, shrinking attempts
	// included, as one line each with ids as the sequence's labels.
	Sequences [][]string
	// Tour is how many of Sequences, the first ones, are the tour's.
	Tour int
	// Requests is how many requests the steps sent, checks after each
	// step not counted.
	Requests int
	// Failure is the shortest failing sequence found, nil if none failed.
	Failure *Failure
	// Transitions are the transitions the run applied before any
	// divergence, the tour's and rapid's.
	Transitions TransitionCoverage
}

// Run draws cfg.Sequences sequences and checks each against the model.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.check(); err != nil {
		return Result{}, err
	}
	res := Result{Seed: cfg.Seed}
	if res.Seed == 0 {
		res.Seed = rand.Uint64()
	}
	restore, err := setRapidFlags(res.Seed, cfg.Sequences, cfg.Steps, cfg.ShrinkTime)
	if err != nil {
		return res, err
	}
	defer restore()

	var failed *sequence
	n := 0
	run := &runState{left: cfg.Sequences * cfg.Steps, transitions: newTransitionCoverage()}
	res.Transitions = run.transitions
	if failed = tour(ctx, &cfg, run, &res, &n); failed != nil {
		// The tour is the same whatever the seed, and each of its
		// sequences a few steps about one certificate: nothing to shrink.
		f := failed.failure()
		f.Seed = res.Seed
		f.text = strings.ReplaceAll(f.text, "{{SEED}}", strconv.FormatUint(res.Seed, 10))
		res.Failure = f
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	tb := &recorder{}
	func() {
		if run.left <= 0 {
			return // the tour took the whole budget
		}
		defer func() {
			if r := recover(); r != nil && r != errFailNow {
				panic(r)
			}
		}()
		rapid.Check(tb, func(t *rapid.T) {
			if ctx.Err() != nil {
				t.SkipNow() // interrupted: draw nothing more
			}
			n++
			s := newSequence(ctx, &cfg, n, run)
			t.Cleanup(s.cleanup)
			defer func() {
				// Deferred: a divergence ends the sequence by panicking.
				res.Sequences = append(res.Sequences, s.transcript())
				res.Requests += len(s.steps)
				if s.divergence != nil {
					failed = s
				}
			}()
			s.run(t)
		})
	}()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if !tb.failed {
		return res, nil
	}
	if failed == nil || failed.divergence == nil {
		return res, fmt.Errorf("stateful: rapid failed without a divergence:\n%s", joinLines(tb.errors))
	}
	f := failed.failure()
	seed, ok := tb.failingSeed()
	if !ok {
		return res, fmt.Errorf("stateful: rapid did not say which seed replays the failure:\n%s", joinLines(tb.errors))
	}
	f.Seed = seed
	f.text = strings.ReplaceAll(f.text, "{{SEED}}", strconv.FormatUint(seed, 10))
	res.Failure = f
	return res, nil
}

// runState is what the sequences of one run share. left is how many steps
// the run may still take while it looks for a divergence: rapid draws how
// long each sequence is, so only a count across sequences holds a remote
// target to Sequences × Steps. Once a sequence diverged, shrinking replays
// shorter ones until its deadline instead.
type runState struct {
	left      int
	spent     bool   // a divergence was found: the count no longer applies
	foreignID string // the certificate of another organization, once uploaded
	// transitions are counted until a divergence is found: shrinking
	// replays steps already counted.
	transitions TransitionCoverage
}

func (cfg Config) check() error {
	var errs []error
	if cfg.BaseURL == "" || cfg.Client == nil || cfg.Organization == nil || cfg.Name == nil {
		errs = append(errs, errors.New("stateful: BaseURL, Client, Organization and Name are required"))
	}
	if len(cfg.Projects) == 0 || cfg.UnknownProject == "" || cfg.UnknownID == "" {
		errs = append(errs, errors.New("stateful: Projects, UnknownProject and UnknownID are required"))
	}
	if cfg.Sequences < 1 || cfg.Steps < 1 {
		errs = append(errs, fmt.Errorf("stateful: %d sequences of %d steps: both must be at least 1", cfg.Sequences, cfg.Steps))
	}
	return errors.Join(errs...)
}

func joinLines(lines []string) string {
	out := ""
	for _, l := range lines {
		out += l + "\n"
	}
	return out
}
