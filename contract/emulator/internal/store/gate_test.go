package store_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/store"
	"github.com/certcontract/certcontract/contract/testcert"
)

// peer is what a TLS client presents: its certificates, leaf first.
func peer(t *testing.T, pems ...string) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for _, p := range pems {
		block, _ := pem.Decode([]byte(p))
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// Each test package that needs one keeps this helper of its own: testcert,
// a library for programs too, returns errors and takes no *testing.T.
func newCA(t *testing.T) testcert.Certificate {
	t.Helper()
	c, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newClient(t *testing.T, ca testcert.Certificate, opts testcert.ClientOptions) string {
	t.Helper()
	c, err := testcert.NewClient(ca.PEM, ca.KeyPEM, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c.PEM
}

// Every answer of the gate, each from an organization set up for it.
func TestAdmit(t *testing.T) {
	now := time.Now()
	const project, other = "proj_a", "proj_b"
	caA, caB, foreign := newCA(t), newCA(t), newCA(t)
	inter, err := testcert.NewIntermediate(caA.PEM, caA.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	chained := newClient(t, inter, testcert.ClientOptions{})
	tests := []struct {
		name  string
		setup func(t *testing.T, org *store.Organization, id func(testcert.Certificate) string)
		peer  []string
		want  error // nil: admitted
	}{
		{"no CA active anywhere, no certificate", func(*testing.T, *store.Organization, func(testcert.Certificate) string) {}, nil, nil},
		{"CAs uploaded but inactive, no certificate", func(t *testing.T, org *store.Organization, id func(testcert.Certificate) string) { id(caA) }, nil, nil},
		{"active for the project, no certificate", activate(project, &caA), nil, store.ErrClientCertificateRequired},
		{"active for the project, its client", activate(project, &caA), []string{newClient(t, caA, testcert.ClientOptions{})}, nil},
		{"active for the organization, inherited", activate("", &caA), []string{newClient(t, caA, testcert.ClientOptions{})}, nil},
		{"any of several active", activate(project, &caA, &caB), []string{newClient(t, caB, testcert.ClientOptions{})}, nil},
		{"signed by an inactive CA", func(t *testing.T, org *store.Organization, id func(testcert.Certificate) string) {
			activate(project, &caA)(t, org, id)
			id(caB)
		}, []string{newClient(t, caB, testcert.ClientOptions{})}, store.ErrClientCertificateRefused},
		{"signed by a deactivated, deleted CA", func(t *testing.T, org *store.Organization, id func(testcert.Certificate) string) {
			activate(project, &caA)(t, org, id)
			b := id(caB)
			toggle(t, org, project, b, true)
			toggle(t, org, project, b, false)
			if err := org.Delete(b); err != nil {
				t.Fatal(err)
			}
		}, []string{newClient(t, caB, testcert.ClientOptions{})}, store.ErrClientCertificateRefused},
		{"signed by another organization's CA", activate(project, &caA), []string{newClient(t, foreign, testcert.ClientOptions{})}, store.ErrClientCertificateRefused},
		{"signed by a CA active only for another project", func(t *testing.T, org *store.Organization, id func(testcert.Certificate) string) {
			activate(project, &caA)(t, org, id)
			toggle(t, org, other, id(caB), true)
		}, []string{newClient(t, caB, testcert.ClientOptions{})}, store.ErrClientCertificateRefused},
		{"a chain of two to an active CA", activate(project, &caA), []string{chained, inter.PEM}, store.ErrClientCertificateRefused},
		{"no Subject Key Identifier", activate(project, &caA), []string{newClient(t, caA, testcert.ClientOptions{NoSubjectKeyID: true})}, store.ErrClientCertificateRefused},
		{"no Authority Key Identifier", activate(project, &caA), []string{newClient(t, caA, testcert.ClientOptions{NoAuthorityKeyID: true})}, store.ErrClientCertificateRefused},
		{"no Key Encipherment", activate(project, &caA), []string{newClient(t, caA, testcert.ClientOptions{NoKeyEncipherment: true})}, store.ErrClientCertificateRefused},
		{"no client authentication", activate(project, &caA), []string{newClient(t, caA, testcert.ClientOptions{NoClientAuth: true})}, store.ErrClientCertificateRefused},
		{"expired", activate(project, &caA), []string{newClient(t, caA, testcert.ClientOptions{NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(-time.Hour)})}, store.ErrClientCertificateRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := store.NewOrganization(projects)
			ids := map[string]string{}
			tt.setup(t, org, func(c testcert.Certificate) string {
				if ids[c.PEM] == "" {
					got, err := org.Add(c.PEM, nil, now)
					if err != nil {
						t.Fatal(err)
					}
					ids[c.PEM] = got.ID
				}
				return ids[c.PEM]
			})
			err := org.Admit(project, peer(t, tt.peer...), now)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Admit = %v, want %v", err, tt.want)
			}
		})
	}
	if err := store.NewOrganization(projects).Admit("proj_missing", nil, now); !errors.Is(err, store.ErrUnknownProject) {
		t.Errorf("an unknown project: %v", err)
	}
}

// activate uploads cas and activates them in scope project ("" for the
// organization).
func activate(project string, cas ...*testcert.Certificate) func(t *testing.T, org *store.Organization, id func(testcert.Certificate) string) {
	return func(t *testing.T, org *store.Organization, id func(testcert.Certificate) string) {
		for _, ca := range cas {
			toggle(t, org, project, id(*ca), true)
		}
	}
}

func toggle(t *testing.T, org *store.Organization, project, id string, active bool) {
	t.Helper()
	if _, err := org.Toggle(store.Scope{Project: project}, []string{id}, active); err != nil {
		t.Fatal(err)
	}
}

// A restored certificate (fixtures, an export) meets the same requirements
// as an upload, and gates as an uploaded one does.
func TestRestoredCertificatesGate(t *testing.T) {
	now := time.Now()
	ca := newCA(t)
	org := store.NewOrganization(projects)
	if _, err := org.Restore(store.Stored{Content: ca.PEM, CreatedAt: now.Unix(), ActiveIn: []string{"proj_a"}}, now); err != nil {
		t.Fatal(err)
	}
	if err := org.Admit("proj_a", nil, now); !errors.Is(err, store.ErrClientCertificateRequired) {
		t.Errorf("no certificate: %v", err)
	}
	if err := org.Admit("proj_a", peer(t, newClient(t, ca, testcert.ClientOptions{})), now); err != nil {
		t.Errorf("its client: %v", err)
	}
	leaf, err := testcert.New(testcert.Options{NotCA: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.Restore(store.Stored{Content: leaf.PEM, CreatedAt: now.Unix()}, now); !errors.Is(err, store.ErrInvalidCertificate) {
		t.Errorf("a leaf restored: %v", err)
	}
}
