package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// Every organization of a Shared emulator starts with its foreign
// certificates, and each organization's are its own.
func TestSharedSeedsEveryOrganization(t *testing.T) {
	c := newEmulator(t, emulator.Config{Shared: emulator.Shared{Foreign: 12}})
	first := c.listAll(t, "/organization/certificates", 100, "desc")
	second := c.as("sk-admin-other").listAll(t, "/organization/certificates", 100, "desc")
	if len(first) != 12 || len(second) != 12 {
		t.Fatalf("%d and %d certificates, want 12 each", len(first), len(second))
	}
	if first[0].Id == second[0].Id {
		t.Error("two organizations share a seeded certificate")
	}
	var unnamed, active int
	for _, it := range first {
		if it.Name == nil {
			unnamed++
		}
		if it.Active {
			active++
		}
	}
	if unnamed == 0 || active == 0 {
		t.Errorf("%d unnamed and %d active: a seeded organization has both", unnamed, active)
	}
	// A foreign certificate answers like any other, content included.
	var got generated.Certificate
	c.do(t, http.MethodGet, "/organization/certificates/"+first[0].Id+"?include[]=content", nil).decode(t, http.StatusOK, &got)
	if got.CertificateDetails.Content == nil || !strings.Contains(*got.CertificateDetails.Content, "BEGIN CERTIFICATE") {
		t.Errorf("seeded certificate without its PEM: %+v", got)
	}
}

// The other client works through the same rules while requests come in, is
// seen in the lists under its names, and stops with Close.
func TestSharedActorWorksUntilClose(t *testing.T) {
	emu, err := emulator.New(emulator.Config{Shared: emulator.Shared{Foreign: 4, ActorRate: 100, ActorSlots: 2}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	defer ts.Close()
	c := &apiClient{base: ts.URL + emulator.BasePath, key: testKey, http: ts.Client()}

	seen := map[string]bool{}
	for deadline := time.Now().Add(300 * time.Millisecond); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, it := range c.listAll(t, "/organization/certificates", 100, "desc") {
			if it.Name != nil && strings.HasPrefix(*it.Name, emulator.ActorNamePrefix) {
				seen[*it.Name] = true
			}
		}
	}
	if len(seen) < 2 {
		t.Fatalf("the other client's names seen: %v", seen)
	}
	emu.Close()
	before := c.listAll(t, "/organization/certificates", 100, "desc")
	time.Sleep(50 * time.Millisecond)
	if after := c.listAll(t, "/organization/certificates", 100, "desc"); !reflect.DeepEqual(after, before) {
		t.Error("the organization still changes after Close")
	}
	// An organization made after Close gets no client of its own.
	other := c.as("sk-admin-late")
	first := other.listAll(t, "/organization/certificates", 100, "desc")
	time.Sleep(50 * time.Millisecond)
	if again := other.listAll(t, "/organization/certificates", 100, "desc"); !reflect.DeepEqual(again, first) {
		t.Error("an organization made after Close changes")
	}
}

func TestSharedRefusesWhatWouldCrowdTheOrganization(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shared emulator.Shared
		want   string
	}{
		{"more foreign certificates than leave room", emulator.Shared{Foreign: emulator.MaxCertificates + 1}, "foreign certificates"},
		{"foreign and actor slots over the limit", emulator.Shared{Foreign: emulator.MaxCertificates, ActorRate: 1}, "foreign certificates"},
		{"negative foreign certificates", emulator.Shared{Foreign: -1}, "foreign certificates"},
		{"an actor holding many slots", emulator.Shared{ActorRate: 1, ActorSlots: 20}, "actor slots"},
		{"a frantic actor", emulator.Shared{ActorRate: 1e6}, "actor rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := emulator.New(emulator.Config{Shared: tc.shared})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New() error = %v, want one about %q", err, tc.want)
			}
		})
	}
}
