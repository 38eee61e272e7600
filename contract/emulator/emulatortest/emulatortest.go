// Package emulatortest starts the Certificates API emulator inside a Go
// test, in one call, for testing code that uses package generated's client:
// a CA rotation job, a provisioning step, an onboarding tool.
//
//	emu := emulatortest.Start(t,
//		emulatortest.WithCertificates(emulatortest.Certificate{Name: "prod-ca", ActiveForOrganization: true}),
//		emulatortest.WithFailNext("uploadCertificate", 1, emulator.Failure{Status: 503}),
//	)
//	err := rotate(ctx, emu.Client) // or a client your code builds from emu.URL and emu.AdminKey
//	calls := emu.Calls()           // what your code asked, and what it was answered
//
// The emulator listens on 127.0.0.1 (httptest) and stops when the test
// ends. Its one organization starts as the options say; State reads it back
// and Calls lists the requests it received, so a test asserts what its
// code did rather than counting requests on the way. The same state can be
// given to the standalone emulator or the image as a fixture file
// (emulator.Fixtures), for tests in other languages.
package emulatortest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// Emulator is a running in-process emulator and its one organization.
type Emulator struct {
	// URL is the base URL, ending in /v1, as generated.WithBaseURL takes it.
	URL string
	// AdminKey is the organization's admin key, the only one accepted.
	AdminKey string
	// Client is a client of the organization, with the client's default
	// retries.
	Client *generated.AdminClient
	// Server is the emulator itself, for what the kit does not wrap.
	Server *emulator.Server
	// MTLSURL is the base URL of the mutual TLS listener, ending in /v1;
	// "" without WithMTLS.
	MTLSURL string
	// ServerCA is the PEM of the CA that signed the mTLS listener's
	// certificate, for its clients to trust; "" without WithMTLS.
	ServerCA string

	ts, mtls *httptest.Server
}

// Certificate is one certificate the organization starts with, uploaded
// and activated as the fields say.
type Certificate struct {
	// ID is its id; "": a new one, which State shows.
	ID string
	// Name is its name; "": none (null).
	Name string
	// PEM is one PEM CERTIFICATE block, checked as an upload is; "": a
	// self-signed CA made for the test (package testcert).
	PEM string
	// CreatedAt is its upload time, in whole seconds; zero: when the
	// emulator starts.
	CreatedAt time.Time
	// ActiveForOrganization and ActiveInProjects are where it is active.
	ActiveForOrganization bool
	ActiveInProjects      []string
}

// Option sets up the emulator Start starts.
type Option func(*settings)

type settings struct {
	key      string
	mtls     map[string]string // project key -> project; nil: no mTLS listener
	org      emulator.FixtureOrganization
	cfg      emulator.Config
	failures []failure
	client   []generated.Option
}

type failure struct {
	operation string
	n         int
	f         emulator.Failure
}

// WithCertificates adds certificates to the organization's starting state,
// in upload order.
func WithCertificates(certs ...Certificate) Option {
	return func(s *settings) {
		for _, c := range certs {
			fc := emulator.FixtureCertificate{ID: c.ID, PEM: c.PEM,
				Active: emulator.FixtureActivation{Organization: c.ActiveForOrganization, Projects: slices.Clone(c.ActiveInProjects)}}
			if c.Name != "" {
				name := c.Name
				fc.Name = &name
			}
			if !c.CreatedAt.IsZero() {
				fc.CreatedAt = &emulator.Timestamp{Time: c.CreatedAt}
			}
			s.org.Certificates = append(s.org.Certificates, fc)
		}
	}
}

// WithProjects sets the organization's projects (default:
// emulator.DefaultProjects).
func WithProjects(ids ...string) Option {
	return func(s *settings) { s.org.Projects = slices.Clone(ids) }
}

// WithFaults makes the emulator misbehave as f says: a share of requests
// answered with a status or a broken connection, latency on every request.
func WithFaults(f emulator.Faults) Option {
	return func(s *settings) { s.cfg.Faults = f }
}

// WithFailNext answers the next n calls of operation (an operationId such
// as "activateOrganizationCertificates") with f: a status, or a connection
// fault. Emulator.FailNext does the same once the test runs.
func WithFailNext(operation string, n int, f emulator.Failure) Option {
	return func(s *settings) { s.failures = append(s.failures, failure{operation, n, f}) }
}

// WithShared makes the organization a shared one: certificates someone else
// uploaded, and another client at work on its own, as sh says.
func WithShared(sh emulator.Shared) Option {
	return func(s *settings) { s.cfg.Shared = sh }
}

// WithMTLS starts the emulator's mutual TLS listener too, behind the gate
// (docs/mtls.md), with project API keys of the organization, each mapped to
// one of its projects: Emulator.MTLSURL and Emulator.ServerCA say where it
// listens and whom to trust.
func WithMTLS(projectKeys map[string]string) Option {
	return func(s *settings) {
		if s.mtls == nil {
			s.mtls = map[string]string{}
		}
		for k, p := range projectKeys {
			s.mtls[k] = p
		}
	}
}

// WithAdminKey sets the organization's admin key (default: a new
// sk-admin-... key).
func WithAdminKey(key string) Option {
	return func(s *settings) { s.key = key }
}

// WithClientOptions adds options to the ready client, Emulator.Client, after
// its base URL and key: backoff, retries, a logger.
func WithClientOptions(opts ...generated.Option) Option {
	return func(s *settings) { s.client = append(s.client, opts...) }
}

// Start starts an emulator for t, with one organization as opts say, and
// stops it when t ends. A wrong option (a certificate the API would refuse,
// an activation in a project the organization lacks) fails t at once.
func Start(t testing.TB, opts ...Option) *Emulator {
	t.Helper()
	e, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// New starts an emulator as Start does, for a TestMain or an example, where
// there is no test to stop it: call Close.
func New(opts ...Option) (*Emulator, error) {
	s := &settings{}
	for _, o := range opts {
		o(s)
	}
	if s.key == "" {
		s.key = newKey()
	}
	s.org.AdminKey = s.key
	s.cfg.Keys = []string{s.key}
	s.cfg.Fixtures = &emulator.Fixtures{Organizations: []emulator.FixtureOrganization{s.org}}
	for key, project := range s.mtls {
		s.cfg.ProjectKeys = append(s.cfg.ProjectKeys, emulator.ProjectKey{Key: key, AdminKey: s.key, Project: project})
	}
	emu, err := emulator.New(s.cfg)
	if err != nil {
		return nil, fmt.Errorf("emulatortest: %w", err)
	}
	for _, f := range s.failures {
		if err := emu.FailNext(s.key, f.operation, f.n, f.f); err != nil {
			emu.Close()
			return nil, fmt.Errorf("emulatortest: %w", err)
		}
	}
	ts := httptest.NewServer(emu)
	e := &Emulator{URL: ts.URL + emulator.BasePath, AdminKey: s.key, Server: emu, ts: ts}
	if s.mtls != nil {
		cfg, serverCA, err := emulator.MTLSConfig("127.0.0.1")
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("emulatortest: %w", err)
		}
		e.mtls = httptest.NewUnstartedServer(emu)
		e.mtls.TLS = cfg
		e.mtls.StartTLS()
		e.MTLSURL, e.ServerCA = e.mtls.URL+emulator.BasePath, serverCA
	}
	e.Client, err = generated.New(append([]generated.Option{
		generated.WithBaseURL(e.URL), generated.WithAdminKey(s.key), generated.WithHTTPClient(ts.Client()),
	}, s.client...)...)
	if err != nil {
		e.Close()
		return nil, fmt.Errorf("emulatortest: %w", err)
	}
	return e, nil
}

// Close stops the emulator and its other client, if WithShared set one.
func (e *Emulator) Close() {
	if e.mtls != nil {
		e.mtls.Close()
	}
	e.ts.Close()
	e.Server.Close()
}

// FailNext answers the next n calls of operation with f; see WithFailNext.
// It fails for an operation the API does not have, or a Failure it cannot
// play.
func (e *Emulator) FailNext(operation string, n int, f emulator.Failure) error {
	return e.Server.FailNext(e.AdminKey, operation, n, f)
}

// State is the organization now: its projects and its certificates in
// upload order, each with its id, name, created_at, PEM and where it is
// active. It is also a fixture: emulator.Fixtures{Organizations:
// []emulator.FixtureOrganization{state}} starts another emulator in it.
func (e *Emulator) State() emulator.FixtureOrganization {
	fx, err := e.Server.Export(e.AdminKey)
	if err != nil {
		panic(err) // the emulator accepts its own key
	}
	return fx.Organizations[0]
}

// Certificate returns the certificate of the organization with this id or,
// failing that, this name, and whether there is one.
func (e *Emulator) Certificate(idOrName string) (emulator.FixtureCertificate, bool) {
	certs := e.State().Certificates
	for _, c := range certs {
		if c.ID == idOrName {
			return c, true
		}
	}
	for _, c := range certs {
		if c.Name != nil && *c.Name == idOrName {
			return c, true
		}
	}
	return emulator.FixtureCertificate{}, false
}

// Calls returns the requests the organization received, oldest first: each
// with its operation, parameters and status, and the fault injected, if
// any.
func (e *Emulator) Calls() []emulator.Call { return e.Server.Journal(e.AdminKey) }

// Reset puts the organization back to its starting state, with an empty
// journal and no failures to come.
func (e *Emulator) Reset() {
	if err := e.Server.Reset(e.AdminKey); err != nil {
		panic(err) // the emulator accepts its own key
	}
}

func newKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return "sk-admin-test-" + hex.EncodeToString(b)
}
