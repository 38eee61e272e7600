package contract_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/model"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/internal/suite"
	"github.com/certcontract/certcontract/contract/testcert"
)

// The mutual TLS gate (docs/mtls.md): what the certificates control. No
// public endpoint takes test certificates, so each spec starts an emulator
// of its own with a plain and an mTLS listener and project API keys, drives
// the admin API on the plain one, and follows every admin answer with the
// independent model, which predicts each answer of the gate.

const (
	gateAdminKey   = "sk-admin-gate"
	gateForeignKey = "sk-admin-gate-foreign"
	gateKeyDefault = "sk-proj-gate-default" // proj_default of gateAdminKey
	gateKeyAlpha   = "sk-proj-gate-alpha"   // proj_alpha of gateAdminKey
)

var gateProjects = map[string]string{gateKeyDefault: "proj_default", gateKeyAlpha: "proj_alpha"}

type gateTarget struct {
	plain, mtls string // base URLs
	roots       *x509.CertPool
	model       *model.Model
	ids         map[*testcert.Certificate]string // uploaded CAs, by certificate
}

func startGate() *gateTarget {
	GinkgoHelper()
	emu, err := emulator.New(emulator.Config{
		Keys:      []string{gateAdminKey, gateForeignKey},
		Mutations: cfg.Mutations, // make teeth's, for the gate's
		ProjectKeys: []emulator.ProjectKey{
			{Key: gateKeyDefault, AdminKey: gateAdminKey, Project: "proj_default"},
			{Key: gateKeyAlpha, AdminKey: gateAdminKey, Project: "proj_alpha"},
		},
	})
	Expect(err).NotTo(HaveOccurred())
	plain := httptest.NewServer(emu)
	DeferCleanup(plain.Close)
	cfg, caPEM, err := emulator.MTLSConfig("127.0.0.1")
	Expect(err).NotTo(HaveOccurred())
	mtls := httptest.NewUnstartedServer(emu)
	mtls.TLS = cfg
	mtls.StartTLS()
	DeferCleanup(mtls.Close)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(caPEM))
	return &gateTarget{
		plain: plain.URL + emulator.BasePath, mtls: mtls.URL + emulator.BasePath, roots: roots,
		model: model.New(model.Config{Projects: emulator.DefaultProjects}),
		ids:   map[*testcert.Certificate]string{},
	}
}

// admin sends req with key to the plain listener; for gateAdminKey the
// model follows it and must agree with the answer.
func (g *gateTarget) admin(ctx context.Context, key string, req model.Request) model.Response {
	GinkgoHelper()
	method, path, body := http.MethodPost, "/organization/certificates", any(nil)
	switch req.Op {
	case model.Upload:
		body = map[string]any{"certificate": req.PEM}
	case model.Delete:
		method, path = http.MethodDelete, path+"/"+req.CertificateID
	case model.ActivateOrganization, model.DeactivateOrganization, model.ActivateProject, model.DeactivateProject:
		if req.Project != "" {
			path = "/organization/projects/" + req.Project + "/certificates"
		}
		path += map[bool]string{true: "/activate", false: "/deactivate"}[req.Op == model.ActivateOrganization || req.Op == model.ActivateProject]
		body = map[string]any{"certificate_ids": req.IDs}
	default:
		Fail("the gate's specs send no " + string(req.Op))
	}
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		Expect(err).NotTo(HaveOccurred())
		r = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, method, g.plain+path, r)
	Expect(err).NotTo(HaveOccurred())
	hr.Header.Set("Authorization", "Bearer "+key)
	hr.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(hr)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	got, err := model.Decode(req.Op, resp.StatusCode, b)
	Expect(err).NotTo(HaveOccurred())
	if key == gateAdminKey {
		Expect(g.model.Step(req, got).Diffs).To(BeEmpty(), "the admin answer to %s", req)
	}
	Expect(resp.StatusCode).To(Equal(http.StatusOK), "%s: %s", req, b)
	return got
}

// upload uploads ca to gateAdminKey's organization once and returns its id.
func (g *gateTarget) upload(ctx context.Context, ca *testcert.Certificate) string {
	GinkgoHelper()
	if g.ids[ca] == "" {
		g.ids[ca] = g.admin(ctx, gateAdminKey, model.Request{Op: model.Upload, PEM: ca.PEM}).Certificate.ID
	}
	return g.ids[ca]
}

// activate makes ca active for project ("" for the organization).
func (g *gateTarget) activate(ctx context.Context, project string, ca *testcert.Certificate) {
	GinkgoHelper()
	op := model.ActivateProject
	if project == "" {
		op = model.ActivateOrganization
	}
	g.admin(ctx, gateAdminKey, model.Request{Op: op, Project: project, IDs: []string{g.upload(ctx, ca)}})
}

// call asks GET /v1/models through the mTLS listener with key, presenting
// client (nil: no certificate), and returns the status and error code.
func (g *gateTarget) call(ctx context.Context, key string, client *testcert.Certificate) (int, string) {
	GinkgoHelper()
	cfg := &tls.Config{RootCAs: g.roots}
	if client != nil {
		pair, err := client.TLS()
		Expect(err).NotTo(HaveOccurred())
		cfg.Certificates = []tls.Certificate{pair}
	}
	tr := &http.Transport{TLSClientConfig: cfg}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.mtls+"/models", nil)
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	var body struct {
		Error *struct{ Code string } `json:"error"`
	}
	Expect(json.NewDecoder(resp.Body).Decode(&body)).To(Succeed())
	if body.Error != nil {
		return resp.StatusCode, body.Error.Code
	}
	return resp.StatusCode, ""
}

func clientCert(ca *testcert.Certificate, opts testcert.ClientOptions) *testcert.Certificate {
	GinkgoHelper()
	c, err := testcert.NewClient(ca.PEM, ca.KeyPEM, opts)
	Expect(err).NotTo(HaveOccurred())
	return &c
}

func newTestCA() *testcert.Certificate {
	GinkgoHelper()
	c, err := testcert.New(testcert.Options{})
	Expect(err).NotTo(HaveOccurred())
	return &c
}

var _ = Describe("The mutual TLS gate", Label(suite.LabelEmulatorOnly), func() {
	var (
		g        *gateTarget
		caA, caB *testcert.Certificate
	)
	BeforeEach(func() {
		g = startGate()
		caA, caB = newTestCA(), newTestCA()
	})

	// setup prepares the organization, then client gives the certificate
	// (and chain) the client presents.
	DescribeTable("answers a request through the mTLS listener as the model predicts",
		func(ctx SpecContext, setup func(ctx context.Context), key string, client func() *testcert.Certificate, want int) {
			setup(ctx)
			presented := client()
			status, code := g.call(ctx, key, presented)
			var pemChain string
			if presented != nil {
				pemChain = presented.PEM
			}
			wantStatus, wantCode, why := g.model.Gate(gateProjects[key], pemChain)
			Expect(status).To(Equal(want), "the gate's answer (the model says %d %s: %s)", wantStatus, wantCode, why)
			Expect([]any{status, code}).To(Equal([]any{wantStatus, wantCode}), "the model predicts %d %s: %s", wantStatus, wantCode, why)
		},
		Entry("no CA active: accepted without a certificate",
			func(ctx context.Context) { g.upload(ctx, caA) }, gateKeyDefault, func() *testcert.Certificate { return nil }, http.StatusOK),
		Entry("a CA active for the project: accepted with a certificate it signed",
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA) }, gateKeyDefault, func() *testcert.Certificate { return clientCert(caA, testcert.ClientOptions{}) }, http.StatusOK),
		Entry("refused without a certificate", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA) }, gateKeyDefault, func() *testcert.Certificate { return nil }, http.StatusForbidden),
		Entry("refused with a certificate of an inactive CA", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA); g.upload(ctx, caB) }, gateKeyDefault,
			func() *testcert.Certificate { return clientCert(caB, testcert.ClientOptions{}) }, http.StatusForbidden),
		Entry("refused with a certificate of a deleted CA", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) {
				g.activate(ctx, "proj_default", caA)
				g.activate(ctx, "proj_default", caB)
				g.admin(ctx, gateAdminKey, model.Request{Op: model.DeactivateProject, Project: "proj_default", IDs: []string{g.upload(ctx, caB)}})
				g.admin(ctx, gateAdminKey, model.Request{Op: model.Delete, CertificateID: g.upload(ctx, caB)})
			}, gateKeyDefault, func() *testcert.Certificate { return clientCert(caB, testcert.ClientOptions{}) }, http.StatusForbidden),
		Entry("refused with a certificate of another organization's active CA", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) {
				g.activate(ctx, "proj_default", caA)
				id := g.admin(ctx, gateForeignKey, model.Request{Op: model.Upload, PEM: caB.PEM}).Certificate.ID
				g.admin(ctx, gateForeignKey, model.Request{Op: model.ActivateOrganization, IDs: []string{id}})
			}, gateKeyDefault, func() *testcert.Certificate { return clientCert(caB, testcert.ClientOptions{}) }, http.StatusForbidden),
		Entry("refused with a certificate of a CA active only for another project", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA); g.activate(ctx, "proj_alpha", caB) }, gateKeyDefault,
			func() *testcert.Certificate { return clientCert(caB, testcert.ClientOptions{}) }, http.StatusForbidden),
		Entry("refused with a chain longer than one", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA) }, gateKeyDefault,
			func() *testcert.Certificate {
				inter, err := testcert.NewIntermediate(caA.PEM, caA.KeyPEM)
				Expect(err).NotTo(HaveOccurred())
				leaf := clientCert(&inter, testcert.ClientOptions{})
				leaf.PEM += inter.PEM // leaf first, then the intermediate, as the SDK recipes send a chain
				return leaf
			}, http.StatusForbidden),
		Entry("refused with a client certificate without a Subject Key Identifier", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA) }, gateKeyDefault,
			func() *testcert.Certificate { return clientCert(caA, testcert.ClientOptions{NoSubjectKeyID: true}) }, http.StatusForbidden),
		Entry("refused with a client certificate without an Authority Key Identifier", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA) }, gateKeyDefault,
			func() *testcert.Certificate { return clientCert(caA, testcert.ClientOptions{NoAuthorityKeyID: true}) }, http.StatusForbidden),
		Entry("refused with a client certificate without Key Encipherment", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA) }, gateKeyDefault,
			func() *testcert.Certificate { return clientCert(caA, testcert.ClientOptions{NoKeyEncipherment: true}) }, http.StatusForbidden),
		Entry("refused with a client certificate without client authentication", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA) }, gateKeyDefault,
			func() *testcert.Certificate { return clientCert(caA, testcert.ClientOptions{NoClientAuth: true}) }, http.StatusForbidden),
		Entry("inherited from the organization: refused without a certificate", Label(mutation.CatchesLabel(mutation.GateOpen)),
			func(ctx context.Context) { g.activate(ctx, "", caA) }, gateKeyAlpha, func() *testcert.Certificate { return nil }, http.StatusForbidden),
		Entry("inherited from the organization: accepted with its certificate",
			func(ctx context.Context) { g.activate(ctx, "", caA) }, gateKeyAlpha, func() *testcert.Certificate { return clientCert(caA, testcert.ClientOptions{}) }, http.StatusOK),
		Entry("several active: a certificate of any of them is accepted",
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA); g.activate(ctx, "", caB) }, gateKeyDefault,
			func() *testcert.Certificate { return clientCert(caB, testcert.ClientOptions{}) }, http.StatusOK),
		Entry("a project without an active CA of its own or the organization's: accepted without a certificate",
			func(ctx context.Context) { g.activate(ctx, "proj_default", caA) }, gateKeyAlpha, func() *testcert.Certificate { return nil }, http.StatusOK),
	)
})
