package emulator

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// Shared makes every organization look like a real, busy one that others
// use too, so a suite can be tried as it will meet a live organization. The
// zero value makes organizations empty and quiet.
type Shared struct {
	// Foreign is how many certificates someone else uploaded, seeded in every
	// new organization: every third without a name, some active for the
	// organization, some in one project or in all, some expiring within weeks.
	Foreign int
	// ActorRate is how many changes per second another client makes to its
	// own certificates in each organization (uploads, renames, activations,
	// deactivations, deletions); 0: no such client.
	ActorRate float64
	// ActorSlots is the most certificates that client holds at once;
	// 0 means DefaultActorSlots.
	ActorSlots int
}

// DefaultActorSlots is how many certificates the other client holds at most
// when Shared.ActorSlots is 0.
const DefaultActorSlots = 3

// ActorNamePrefix starts the name of every certificate the other client
// uploads or renames: its certificates change as it works, everyone else's
// must not.
const ActorNamePrefix = store.ActorNamePrefix

func (sh *Shared) check() error {
	var errs []error
	if sh.ActorSlots == 0 {
		sh.ActorSlots = DefaultActorSlots
	}
	room := MaxCertificates
	if sh.ActorRate != 0 {
		if err := store.CheckActor(sh.ActorRate, sh.ActorSlots); err != nil {
			errs = append(errs, fmt.Errorf("emulator: %w", err))
		}
		room -= sh.ActorSlots
	}
	if sh.Foreign < 0 || sh.Foreign > room {
		errs = append(errs, fmt.Errorf("emulator: %d foreign certificates: want 0..%d, so the organization keeps room for its own", sh.Foreign, room))
	}
	return errors.Join(errs...)
}

// actors are the other clients at work, one per organization, until Close.
type actors struct {
	mu      sync.Mutex
	closed  bool
	running []*store.Actor
}

// newOrganization makes an organization as its fixture p (nil: none) and
// Shared say: seeded with foreign certificates and with its other client at
// work.
func (s *Server) newOrganization(p *preset) (*store.Organization, error) {
	org := store.NewOrganization(s.projects)
	if p != nil {
		var err error
		if org, err = p.organization(s.started); err != nil {
			return nil, err
		}
	}
	if err := org.Seed(s.shared.Foreign, time.Now()); err != nil {
		return nil, err
	}
	return org, nil
}

// startActor sets another client to work on org and returns it, unless
// the server is closed or Shared sets none.
func (s *Server) startActor(org *store.Organization) *store.Actor {
	if s.shared.ActorRate == 0 {
		return nil
	}
	s.actors.mu.Lock()
	defer s.actors.mu.Unlock()
	if s.actors.closed {
		return nil
	}
	a := org.StartActor(s.shared.ActorRate, s.shared.ActorSlots)
	s.actors.running = append(s.actors.running, a)
	return a
}

// stopActor stops a, one organization's other client, and waits for it.
func (s *Server) stopActor(a *store.Actor) {
	if a == nil {
		return
	}
	s.actors.mu.Lock()
	i := slices.Index(s.actors.running, a)
	if i >= 0 {
		s.actors.running = slices.Delete(s.actors.running, i, i+1)
	}
	s.actors.mu.Unlock()
	if i >= 0 {
		a.Stop()
	}
}

// Close stops the other clients of every organization (Shared.ActorRate)
// and waits for them; the server keeps answering. Call it once the server
// no longer takes requests.
func (s *Server) Close() {
	s.actors.mu.Lock()
	running := s.actors.running
	s.actors.running, s.actors.closed = nil, true
	s.actors.mu.Unlock()
	for _, a := range running {
		a.Stop()
	}
}
