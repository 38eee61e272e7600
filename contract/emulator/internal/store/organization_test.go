package store_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
)

var projects = []string{"proj_a", "proj_b"}

func newPEM(t *testing.T) string {
	t.Helper()
	return newCA(t).PEM
}

// state is everything an organization shows, in every scope.
func state(t *testing.T, org *store.Organization) map[string][]store.Item {
	t.Helper()
	out := map[string][]store.Item{}
	for _, p := range append([]string{""}, projects...) {
		page, err := org.List(store.Scope{Project: p}, store.ListQuery{Limit: store.MaxCertificates})
		if err != nil {
			t.Fatal(err)
		}
		out[p] = page.Items
	}
	return out
}

// Each rule refuses with the error naming it, and a refused call changes
// nothing, whatever it got through before the refusal.
func TestRulesRefuseWithTheirErrorAndChangeNothing(t *testing.T) {
	pem := newPEM(t)
	now := time.Now()
	tests := []struct {
		name  string
		certs int // uploaded first; the first is active in proj_a
		call  func(org *store.Organization, ids []string) error
		rule  error
	}{
		{"a PEM that is no certificate", 1, func(org *store.Organization, _ []string) error {
			_, err := org.Add("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", nil, now)
			return err
		}, store.ErrInvalidCertificate},
		{"an upload past the limit", store.MaxCertificates, func(org *store.Organization, _ []string) error {
			_, err := org.Add(pem, nil, now)
			return err
		}, store.ErrCertificateLimit},
		{"get of an unknown id", 1, func(org *store.Organization, _ []string) error {
			_, err := org.Get("cert_unknown")
			return err
		}, store.ErrUnknownCertificate},
		{"rename of an unknown id", 1, func(org *store.Organization, _ []string) error {
			name := "n"
			_, err := org.Rename("cert_unknown", &name)
			return err
		}, store.ErrUnknownCertificate},
		{"delete of an unknown id", 1, func(org *store.Organization, _ []string) error {
			return org.Delete("cert_unknown")
		}, store.ErrUnknownCertificate},
		{"delete while active in a project", 1, func(org *store.Organization, ids []string) error {
			return org.Delete(ids[0])
		}, store.ErrCertificateActive},
		{"a batch with one unknown id", 3, func(org *store.Organization, ids []string) error {
			_, err := org.Toggle(store.Scope{}, []string{ids[1], ids[2], "cert_unknown"}, true)
			return err
		}, store.ErrUnknownCertificate},
		{"a toggle in an unknown project", 2, func(org *store.Organization, ids []string) error {
			_, err := org.Toggle(store.Scope{Project: "proj_unknown"}, ids, true)
			return err
		}, store.ErrUnknownProject},
		{"a list of an unknown project", 1, func(org *store.Organization, _ []string) error {
			_, err := org.List(store.Scope{Project: "proj_unknown"}, store.ListQuery{Limit: 20})
			return err
		}, store.ErrUnknownProject},
		{"a list after an unknown cursor", 1, func(org *store.Organization, _ []string) error {
			_, err := org.List(store.Scope{}, store.ListQuery{After: "cert_unknown", Limit: 20})
			return err
		}, store.ErrUnknownCursor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := store.NewOrganization(projects)
			var ids []string
			for range tt.certs {
				c, err := org.Add(pem, nil, now)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			if _, err := org.Toggle(store.Scope{Project: "proj_a"}, ids[:1], true); err != nil {
				t.Fatal(err)
			}
			before := state(t, org)

			err := tt.call(org, ids)
			if !errors.Is(err, tt.rule) {
				t.Fatalf("error %v, want %v", err, tt.rule)
			}
			var refusal *store.Error
			if !errors.As(err, &refusal) || refusal.Message == "" {
				t.Errorf("error %#v: want a *store.Error with a message for the caller", err)
			}
			if after := state(t, org); !reflect.DeepEqual(after, before) {
				t.Errorf("a refused call changed the organization:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// A rename stores a new Certificate rather than changing the one handed out,
// so what callers cache from a Certificate never goes stale.
func TestRenameLeavesHandedOutCertificatesAlone(t *testing.T) {
	org := store.NewOrganization(projects)
	old := "old"
	c, err := org.Add(newPEM(t), &old, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	name := "new"
	renamed, err := org.Rename(c.ID, &name)
	if err != nil {
		t.Fatal(err)
	}
	if *c.Name != "old" || renamed == c || *renamed.Name != "new" {
		t.Fatalf("before %q, after %q (same value: %v)", *c.Name, *renamed.Name, renamed == c)
	}
	if got, _ := org.Get(c.ID); got != renamed {
		t.Fatalf("Get returns %p, want the renamed %p", got, renamed)
	}
}
