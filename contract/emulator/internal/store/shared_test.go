package store_test

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// A seeded organization looks like a real one: unnamed certificates,
// certificates active for the organization, in one project and in all of
// them, and some expiring within weeks.
func TestSeedMixesWhatRealOrganizationsHold(t *testing.T) {
	org := store.NewOrganization(projects)
	now := time.Now()
	if err := org.Seed(12, now); err != nil {
		t.Fatal(err)
	}
	all := state(t, org)
	if len(all[""]) != 12 {
		t.Fatalf("%d certificates, want 12", len(all[""]))
	}
	var unnamed, activeOrg, expiringSoon int
	inProjects := map[string]int{}
	for i, it := range all[""] {
		if it.Name == nil {
			unnamed++
		}
		if it.Active {
			activeOrg++
		}
		if time.Unix(it.ExpiresAt, 0).Before(now.Add(8 * 7 * 24 * time.Hour)) {
			expiringSoon++
		}
		if it.CreatedAt >= now.Unix() {
			t.Errorf("%s was uploaded at %d, not before now", it.ID, it.CreatedAt)
		}
		n := 0
		for _, p := range projects {
			if all[p][i].Active {
				n++
			}
		}
		inProjects[[]string{"none", "one", "all"}[min(n, 2)]]++
	}
	if unnamed != 4 || activeOrg == 0 || expiringSoon == 0 || inProjects["one"] == 0 || inProjects["all"] == 0 || inProjects["none"] == 0 {
		t.Errorf("unnamed %d (want 4), active for the organization %d, expiring within 8 weeks %d, active in projects %v",
			unnamed, activeOrg, expiringSoon, inProjects)
	}
}

// The other actor works only on its own certificates, never holds more than
// its slots, and stops when told.
func TestActorTouchesOnlyItsOwnAndStaysInItsSlots(t *testing.T) {
	org := store.NewOrganization(projects)
	if err := org.Seed(12, time.Now()); err != nil {
		t.Fatal(err)
	}
	seeded := state(t, org)
	const slots = 2
	actor := org.StartActor(store.MaxActorRate, slots)

	names := map[string]bool{}
	deadline := time.Now().Add(400 * time.Millisecond)
	for time.Now().Before(deadline) {
		held := 0
		for _, it := range state(t, org)[""] {
			if it.Name != nil && strings.HasPrefix(*it.Name, store.ActorNamePrefix) {
				held++
				names[*it.Name] = true
			}
		}
		if held > slots {
			t.Fatalf("the actor holds %d certificates, more than its %d slots", held, slots)
		}
		time.Sleep(5 * time.Millisecond)
	}
	actor.Stop()

	if len(names) < 3 {
		t.Errorf("the actor used only the names %v: it hardly worked", slices.Sorted(maps.Keys(names)))
	}
	after := state(t, org)
	for scope, items := range seeded {
		kept := slices.DeleteFunc(slices.Clone(after[scope]), func(it store.Item) bool {
			return it.Name != nil && strings.HasPrefix(*it.Name, store.ActorNamePrefix)
		})
		if !reflect.DeepEqual(kept, items) {
			t.Errorf("scope %q: others' certificates changed:\nbefore %v\nafter  %v", scope, items, kept)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if again := state(t, org); !reflect.DeepEqual(again, after) {
		t.Error("the organization still changes after Stop")
	}
}

func TestCheckActorKeepsItANeighbour(t *testing.T) {
	for _, tc := range []struct {
		rate  float64
		slots int
		ok    bool
	}{
		{5, 3, true}, {store.MaxActorRate, store.MaxActorSlots, true},
		{0, 3, false}, {-1, 3, false}, {store.MaxActorRate + 1, 3, false},
		{5, 0, false}, {5, store.MaxActorSlots + 1, false},
	} {
		if err := store.CheckActor(tc.rate, tc.slots); (err == nil) != tc.ok {
			t.Errorf("CheckActor(%v, %d) = %v", tc.rate, tc.slots, err)
		}
	}
}
