package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
)

// ActorNamePrefix starts the name of every certificate an Actor uploads or
// renames, so a check of a shared organization can tell the actor's
// certificates, which change as it works, from others', which must not.
const ActorNamePrefix = "other-actor-"

// MaxActorSlots is the most certificates an Actor may hold at once: another
// client of a shared organization, not one that fills it.
const MaxActorSlots = 5

// MaxActorRate is the most changes per second an Actor may make.
const MaxActorRate = 100.0

// Actor is another client of an organization, working on its own
// certificates while others use the organization: it uploads, renames,
// activates and deactivates (for the organization or a project) and
// deletes, at a steady rate, holding at most a few certificates. It never
// touches a certificate it did not upload, and goes through the same rules
// as every request.
type Actor struct {
	org   *Organization
	slots int
	own   []string // ids of its certificates, oldest first
	seq   int      // numbers its names
	stop  chan struct{}
	done  chan struct{}
}

// CheckActor refuses an actor that would not be the few-slots neighbour
// the emulator promises.
func CheckActor(rate float64, slots int) error {
	if !(rate > 0 && rate <= MaxActorRate) {
		return fmt.Errorf("actor rate %v is outside (0, %v] changes per second", rate, MaxActorRate)
	}
	if slots < 1 || slots > MaxActorSlots {
		return fmt.Errorf("actor slots %d are outside 1..%d", slots, MaxActorSlots)
	}
	return nil
}

// StartActor starts an Actor on org making rate changes per second and
// holding at most slots certificates, in a goroutine of its own, until
// Stop. The arguments must pass CheckActor.
func (org *Organization) StartActor(rate float64, slots int) *Actor {
	a := &Actor{org: org, slots: slots, stop: make(chan struct{}), done: make(chan struct{})}
	go a.run(time.Duration(float64(time.Second) / rate))
	return a
}

// Stop ends the actor's goroutine and waits for it; what the actor holds
// stays in the organization.
func (a *Actor) Stop() {
	close(a.stop)
	<-a.done
}

func (a *Actor) run(every time.Duration) {
	defer close(a.done)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-a.stop:
			return
		case now := <-tick.C:
			a.step(now)
		}
	}
}

// step makes one change. A change the rules refuse (the organization is
// full, say) is simply not made, as a real client would give up on it.
func (a *Actor) step(now time.Time) {
	if len(a.own) == 0 {
		a.upload(now)
		return
	}
	id := a.own[rand.IntN(len(a.own))]
	switch rand.IntN(5) {
	case 0:
		if len(a.own) < a.slots {
			a.upload(now)
		} else {
			a.delete(a.own[0])
		}
	case 1:
		name := a.name()
		_, _ = a.org.Rename(id, &name)
	case 2, 3:
		_, _ = a.org.Toggle(a.scope(), []string{id}, rand.IntN(2) == 0)
	default:
		a.delete(id)
	}
}

func (a *Actor) name() string {
	a.seq++
	return fmt.Sprintf("%s%d", ActorNamePrefix, a.seq)
}

// scope is the organization or one of its projects, at random.
func (a *Actor) scope() Scope {
	projects := a.org.Projects()
	if i := rand.IntN(len(projects) + 1); i < len(projects) {
		return Scope{Project: projects[i]}
	}
	return Scope{}
}

func (a *Actor) upload(now time.Time) {
	c, err := testcert.New(testcert.Options{})
	if err != nil {
		return
	}
	name := a.name()
	if cert, err := a.org.Add(c.PEM, &name, now); err == nil {
		a.own = append(a.own, cert.ID)
	}
}

// delete deactivates the certificate everywhere first when it has to, as a
// client cleaning up would.
func (a *Actor) delete(id string) {
	err := a.org.Delete(id)
	if errors.Is(err, ErrCertificateActive) {
		for _, sc := range append([]Scope{{}}, projectScopes(a.org.Projects())...) {
			_, _ = a.org.Toggle(sc, []string{id}, false)
		}
		err = a.org.Delete(id)
	}
	if err == nil || errors.Is(err, ErrUnknownCertificate) {
		a.own = slices.DeleteFunc(a.own, func(x string) bool { return x == id })
	}
}

func projectScopes(projects []string) []Scope {
	out := make([]Scope, len(projects))
	for i, p := range projects {
		out[i] = Scope{Project: p}
	}
	return out
}
