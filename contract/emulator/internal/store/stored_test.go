package store_test

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

// Restoring what Dump returned, in its order, gives an organization with
// the same state in every scope, ties of created_at included.
func TestRestoreWhatDumpReturned(t *testing.T) {
	now := time.Now()
	org := store.NewOrganization(projects)
	name := "named"
	for i, st := range []store.Stored{
		{ID: "cert_b", Name: &name, CreatedAt: 100, Active: true, ActiveIn: []string{"proj_b"}},
		{CreatedAt: 50},
		{ID: "cert_a", CreatedAt: 100, ActiveIn: []string{"proj_a", "proj_b"}},
	} {
		st.Content = newPEM(t)
		if _, err := org.Restore(st, now); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
	}
	dump := org.Dump()
	if dump[0].CreatedAt != 50 || dump[1].ID != "cert_b" || dump[2].ID != "cert_a" {
		t.Fatalf("dump out of list order: %+v", dump)
	}
	again := store.NewOrganization(projects)
	for _, st := range dump {
		if _, err := again.Restore(st, now); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(again.Dump(), dump) {
		t.Errorf("restored %+v\nwant %+v", again.Dump(), dump)
	}
	if !reflect.DeepEqual(state(t, again), state(t, org)) {
		t.Error("the restored organization shows another state")
	}
}

func TestRestoreRefusesWhatBreaksARule(t *testing.T) {
	now := time.Now()
	org := store.NewOrganization(projects)
	if _, err := org.Restore(store.Stored{ID: "cert_x", Content: newPEM(t)}, now); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		st   store.Stored
		rule error
	}{
		"bad PEM":         {store.Stored{Content: "x"}, store.ErrInvalidCertificate},
		"duplicate id":    {store.Stored{ID: "cert_x", Content: newPEM(t)}, store.ErrDuplicateCertificate},
		"id with a slash": {store.Stored{ID: "cert/x", Content: newPEM(t)}, store.ErrInvalidID},
		"unknown project": {store.Stored{Content: newPEM(t), ActiveIn: []string{"proj_z"}}, store.ErrUnknownProject},
	} {
		if _, err := org.Restore(tc.st, now); !errors.Is(err, tc.rule) {
			t.Errorf("%s: %v; want %v", name, err, tc.rule)
		}
	}
	if n := len(org.Dump()); n != 1 {
		t.Errorf("refused restores stored %d certificates", n-1)
	}
	for i := 1; i < store.MaxCertificates; i++ {
		if _, err := org.Restore(store.Stored{ID: "cert_" + strconv.Itoa(i), Content: newPEM(t)}, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := org.Restore(store.Stored{Content: newPEM(t)}, now); !errors.Is(err, store.ErrCertificateLimit) {
		t.Errorf("the 51st: %v", err)
	}
}
