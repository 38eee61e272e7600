package stateful

import (
	"context"
	"fmt"
	"slices"

	"github.com/certcontract/certcontract/contract/internal/model"
)

// The tour: before rapid draws anything, a fixed set of short sequences
// applies every transition (see Transitions) at least once, each checked by
// the model and followed by a read of every list, as every step is. A
// random walk of 60 steps is unlikely to take a given pair of operations on
// one certificate (a reactivation after a deactivation is one draw in
// several hundred), so a live-sized budget would leave most of them to luck;
// the tour takes them in order and leaves the rest of the budget to rapid.
//
// The tour is one sequence per certificate, so that on the emulator a
// divergence reads as that certificate's few steps only, then a cursor
// page read right after a delete, and, on an organization of its own, the
// 50 limit right after a delete.

// tourStep is one step of the tour, about the sequence's own certificates
// by upload order.
type tourStep struct {
	op   model.Op
	cert int // which upload it is about; -1: the newest
	// project is which of the configured projects a project toggle
	// addresses: the next one each time, so that one project's toggle
	// follows another's.
	project int
	after   int // a list's cursor, as an upload; -1: none
	limit   int
	fill    bool // uploads until the organization holds 50
}

// tourSequences are the tour's sequences for a configuration.
func tourSequences(shared bool) [][]tourStep {
	var out [][]tourStep
	for _, walk := range transitionWalks() {
		var seq []tourStep
		projectToggles := 0
		for _, op := range walk {
			st := tourStep{op: op, after: -1}
			if op == model.ActivateProject || op == model.DeactivateProject {
				st.project = projectToggles
				projectToggles++
			}
			seq = append(seq, st)
		}
		out = append(out, seq)
	}
	// Three certificates, the middle one deleted, then the page after the
	// newest: it must hold the oldest.
	out = append(out, []tourStep{
		{op: model.Upload, after: -1}, {op: model.Upload, after: -1}, {op: model.Upload, after: -1},
		{op: model.Delete, cert: 1, after: -1},
		{op: model.ListOrganization, after: 2, limit: 2},
	})
	if !shared {
		// An organization filled to the limit, one certificate deleted: one
		// more upload must be taken.
		out = append(out, []tourStep{
			{op: model.Upload, fill: true, after: -1},
			{op: model.Delete, cert: -1, after: -1},
			{op: model.Upload, after: -1},
		})
	}
	return out
}

// TourSteps is how many steps of the budget the tour takes.
func TourSteps(shared bool) int {
	n := 0
	for _, seq := range tourSequences(shared) {
		n += len(seq)
	}
	return n
}

// transitionWalks splits the transitions into walks from an upload to a
// delete that together take each exactly once: every operation between the
// two is entered as often as it is left, so a walk that starts with an
// upload and takes an unused pair at each step can only end at a delete
// (Hierholzer's argument); pairs left over form loops, spliced into a walk
// that passes where they start.
func transitionWalks() [][]model.Op {
	unused := map[model.Op][]model.Op{}
	for _, t := range Transitions() {
		unused[t.From] = append(unused[t.From], t.To)
	}
	// Leave delete for last at each operation, so that walks grow long
	// and few.
	for from, tos := range unused {
		slices.SortStableFunc(tos, func(a, b model.Op) int {
			return boolInt(a == model.Delete) - boolInt(b == model.Delete)
		})
		unused[from] = tos
	}
	next := func(from model.Op) (model.Op, bool) {
		tos := unused[from]
		if len(tos) == 0 {
			return "", false
		}
		unused[from] = tos[1:]
		return tos[0], true
	}
	// follow takes unused pairs from start until there is none.
	follow := func(start model.Op) []model.Op {
		walk := []model.Op{start}
		for {
			op, ok := next(walk[len(walk)-1])
			if !ok {
				return walk
			}
			walk = append(walk, op)
		}
	}
	var walks [][]model.Op
	for len(unused[model.Upload]) > 0 {
		walks = append(walks, follow(model.Upload))
	}
	// Splice the loops left over into the walks.
	for spliced := true; spliced; {
		spliced = false
		for w, walk := range walks {
			for i, op := range walk {
				if op == model.Delete || len(unused[op]) == 0 {
					continue
				}
				loop := follow(op)
				walks[w] = slices.Concat(walk[:i], loop, walk[i+1:])
				spliced = true
				break
			}
		}
	}
	return walks
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tourT ends a tour sequence where rapid's T would end a drawn one.
type tourT struct{ failed bool }

// errTourStop is the panic that ends a tour sequence.
var errTourStop = fmt.Errorf("stateful: the tour sequence ended")

func (t *tourT) Fatalf(string, ...any) { t.failed = true; panic(errTourStop) }
func (t *tourT) Skip(...any)           { panic(errTourStop) }

// tour runs the tour within the run's budget; a sequence that diverged is
// returned, nil when none did.
func tour(ctx context.Context, cfg *Config, run *runState, res *Result, n *int) *sequence {
	for _, steps := range tourSequences(cfg.Shared) {
		if run.left <= 0 || ctx.Err() != nil {
			return nil
		}
		*n++
		s := newSequence(ctx, cfg, *n, run)
		s.runTour(steps)
		res.Sequences = append(res.Sequences, s.transcript())
		res.Tour++
		res.Requests += len(s.steps)
		if s.divergence != nil {
			if !cfg.Shared {
				return shrinkTour(ctx, cfg, run, n, steps, s)
			}
			return s
		}
	}
	return nil
}

// shrinkTour drops the steps of a failing tour sequence the failure does
// not need, one at a time, as long as a fresh organization still fails the
// same way: what rapid does for drawn sequences, here without draws. On a
// shared organization every try costs live requests, so the sequence is
// reported whole there; a tour sequence is a few steps about one
// certificate anyway.
func shrinkTour(ctx context.Context, cfg *Config, run *runState, n *int, steps []tourStep, failed *sequence) *sequence {
	want := failed.failingAs()
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].op == model.Upload || ctx.Err() != nil {
			continue // later steps name certificates by their upload
		}
		shorter := slices.Delete(slices.Clone(steps), i, i+1)
		*n++
		s := newSequence(ctx, cfg, *n, run)
		s.runTour(shorter)
		if s.divergence != nil && s.failingAs() == want {
			steps, failed = shorter, s
		}
	}
	return failed
}

func (s *sequence) runTour(steps []tourStep) {
	t := &tourT{}
	defer s.cleanup()
	defer func() {
		if r := recover(); r != nil && r != errTourStop {
			panic(r)
		}
	}()
	for i, ts := range steps {
		if !s.shared.spent {
			if s.shared.left <= 0 {
				return
			}
			s.shared.left--
		}
		if ts.fill {
			s.filling = true
			req := model.Request{Op: model.Upload, PEM: s.pem(t, pemValid), Name: s.tourName(i)}
			for len(s.model.IDs()) < model.MaxCertificates {
				s.do(t, req, false)
			}
			s.filling = false
		} else {
			s.do(t, s.tourRequest(t, i, ts), false)
		}
		s.check(t)
	}
}

func (s *sequence) tourName(i int) *string {
	n := s.cfg.Name(fmt.Sprintf("s%d-tour-%d", s.n, i+1))
	return &n
}

func (s *sequence) tourRequest(t stopper, i int, ts tourStep) model.Request {
	id := func(k int) string {
		if len(s.created) == 0 {
			return s.cfg.UnknownID // an upload the answer did not name: the model already said so
		}
		if k < 0 || k >= len(s.created) {
			return s.created[len(s.created)-1]
		}
		return s.created[k]
	}
	req := model.Request{Op: ts.op}
	switch ts.op {
	case model.Upload:
		req.PEM, req.Name = s.pem(t, pemValid), s.tourName(i)
	case model.Modify:
		req.CertificateID, req.Name = id(ts.cert), s.tourName(i)
	case model.Delete:
		req.CertificateID = id(ts.cert)
	case model.ActivateProject, model.DeactivateProject:
		req.Project = s.cfg.Projects[ts.project%len(s.cfg.Projects)]
		req.IDs = []string{id(ts.cert)}
	case model.ActivateOrganization, model.DeactivateOrganization:
		req.IDs = []string{id(ts.cert)}
	case model.ListOrganization:
		if ts.after >= 0 {
			req.After = ptr(id(ts.after))
		}
		if ts.limit > 0 {
			req.Limit = ptr(ts.limit)
		}
	}
	return req
}
