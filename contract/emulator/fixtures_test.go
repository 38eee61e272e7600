package emulator_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// indent puts a PEM under a YAML block scalar at the given depth.
func indent(pem string, spaces int) string {
	pad := strings.Repeat(" ", spaces)
	return pad + strings.ReplaceAll(strings.TrimSpace(pem), "\n", "\n"+pad)
}

// roundTripFixture has every kind of entry: named, unnamed and empty-named
// certificates, equal created_at (upload order breaks the tie), a PEM
// inline, one from a file and one made at start, states in the
// organization and in projects, and a second organization.
func roundTripFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), []byte(newCertPEM(t, testcert.Options{})), 0o600); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`# a fixture
organizations:
  - admin_key: sk-admin-one
    projects: [proj_a, proj_b]
    certificates:
      - id: cert_first
        name: prod-ca
        created_at: 2025-01-31T12:00:00Z
        pem: |
%s
        active: {organization: true, projects: [proj_a, proj_b]}
      - name: ""
        created_at: 1738324800
        pem_file: ca.pem
        active: {projects: [proj_b]}
      - created_at: 1738324800
      - id: cert_last
        name: staging
        active:
          organization: true
  - admin_key: sk-admin-two
    certificates:
      - name: other-org
`, indent(newCertPEM(t, testcert.Options{}), 10))
	path := filepath.Join(dir, "fixtures.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// answers reads every list (both orders, the organization and each
// project) and every get with content, as raw bytes, in a fixed order.
func answers(t *testing.T, c *apiClient, projects []string) []string {
	t.Helper()
	var out []string
	lists := []string{"/organization/certificates"}
	for _, p := range projects {
		lists = append(lists, "/organization/projects/"+p+"/certificates")
	}
	var ids []string
	for _, path := range lists {
		for _, order := range []string{"asc", "desc"} {
			r := c.do(t, http.MethodGet, path+"?limit=100&order="+order, nil)
			out = append(out, path+" "+order+" "+strings.TrimSpace(string(r.body)))
			if path == lists[0] && order == "asc" {
				var page generated.ListCertificatesResponse
				r.decode(t, http.StatusOK, &page)
				for _, it := range page.Data {
					ids = append(ids, it.Id)
				}
			}
		}
	}
	for _, id := range ids {
		r := c.do(t, http.MethodGet, "/organization/certificates/"+id+"?include[]=content", nil)
		out = append(out, strings.TrimSpace(string(r.body)))
	}
	return out
}

// control calls an endpoint under ControlPath with key.
func control(t *testing.T, c *apiClient, method, endpoint, key, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(c.base, emulator.BasePath)+emulator.ControlPath+endpoint, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, b := roundTrip(t, c.http, req)
	return resp.StatusCode, string(b)
}

func TestFixturesLoadExportLoadAnswersTheSame(t *testing.T) {
	fx, err := emulator.LoadFixtures(roundTripFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	first := newEmulator(t, emulator.Config{Fixtures: fx}).as("sk-admin-one")
	projects := []string{"proj_a", "proj_b"}
	want := answers(t, first, projects)
	if !strings.Contains(want[0], `"id":"cert_first"`) || !strings.Contains(want[0], `"name":""`) || !strings.Contains(want[0], `"name":null`) {
		t.Fatalf("the fixture did not load as written: %s", want[0])
	}
	status, exported := control(t, first, http.MethodGet, "export", "sk-admin-one", "")
	if status != http.StatusOK {
		t.Fatalf("export: %d %s", status, exported)
	}

	again, err := emulator.ParseFixtures([]byte(exported))
	if err != nil {
		t.Fatalf("the export does not load: %v\n%s", err, exported)
	}
	second := newEmulator(t, emulator.Config{Fixtures: again}).as("sk-admin-one")
	got := answers(t, second, projects)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers after load, export, load differ:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, reexported := control(t, second, http.MethodGet, "export", "sk-admin-one", ""); reexported != exported {
		t.Errorf("the second export differs from the first:\n%s\nwant\n%s", reexported, exported)
	}
}

func TestExportNeverShowsAnotherOrganization(t *testing.T) {
	fx, err := emulator.LoadFixtures(roundTripFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	c := newEmulator(t, emulator.Config{Fixtures: fx})
	c.as("sk-admin-stranger").upload(t, "strangers")
	_, one := control(t, c, http.MethodGet, "export", "sk-admin-one", "")
	for _, key := range []string{"sk-admin-two", "sk-admin-stranger", "sk-admin-nobody"} {
		status, other := control(t, c, http.MethodGet, "export", key, "")
		if status != http.StatusOK {
			t.Fatalf("export of %s: %d %s", key, status, other)
		}
		if strings.Contains(other, "cert_first") || strings.Contains(other, "prod-ca") || strings.Contains(other, "sk-admin-one") {
			t.Errorf("export of %s shows sk-admin-one's organization:\n%s", key, other)
		}
		if strings.Contains(one, key) || key == "sk-admin-two" && strings.Contains(one, "other-org") || strings.Contains(one, "strangers") {
			t.Errorf("export of sk-admin-one shows %s's organization:\n%s", key, one)
		}
	}
	for _, endpoint := range []string{"export", "journal"} {
		if status, body := control(t, c, http.MethodGet, endpoint, "", ""); status != http.StatusUnauthorized {
			t.Errorf("%s without a key: %d %s", endpoint, status, body)
		}
		if status, body := control(t, c, http.MethodGet, endpoint, "not-an-admin-key", ""); status != http.StatusUnauthorized {
			t.Errorf("%s with a bad key: %d %s", endpoint, status, body)
		}
	}
}

func TestResetReturnsToTheFixtureOrToEmpty(t *testing.T) {
	fx, err := emulator.LoadFixtures(roundTripFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	c := newEmulator(t, emulator.Config{Fixtures: fx})
	one := c.as("sk-admin-one")
	projects := []string{"proj_a", "proj_b"}
	want := answers(t, one, projects)
	_, wantExport := control(t, c, http.MethodGet, "export", "sk-admin-one", "")

	// Change everything a run can change.
	one.upload(t, "left over")
	one.do(t, http.MethodPost, "/organization/certificates/cert_last", map[string]any{"name": "renamed"}).decode(t, http.StatusOK, nil)
	one.do(t, http.MethodPost, "/organization/certificates/deactivate", map[string]any{"certificate_ids": []string{"cert_last"}}).decode(t, http.StatusOK, nil)
	one.do(t, http.MethodPost, "/organization/certificates/deactivate", map[string]any{"certificate_ids": []string{"cert_first"}}).decode(t, http.StatusOK, nil)
	for _, p := range projects {
		one.do(t, http.MethodPost, "/organization/projects/"+p+"/certificates/deactivate", map[string]any{"certificate_ids": []string{"cert_first"}}).decode(t, http.StatusOK, nil)
	}
	one.do(t, http.MethodDelete, "/organization/certificates/cert_first", nil).decode(t, http.StatusOK, nil)
	stranger := c.as("sk-admin-stranger")
	stranger.upload(t, "kept until its reset")
	_, twoBefore := control(t, c, http.MethodGet, "export", "sk-admin-two", "")
	if changed := answers(t, one, projects); strings.Join(changed, "\n") == strings.Join(want, "\n") {
		t.Fatal("the changes changed nothing")
	}

	status, body := control(t, c, http.MethodPost, "reset", "sk-admin-one", "")
	if status != http.StatusOK || body != wantExport {
		t.Errorf("reset answered %d:\n%s\nwant the fixture's export:\n%s", status, body, wantExport)
	}
	if got := answers(t, one, projects); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after reset:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, journal := control(t, c, http.MethodGet, "journal", "sk-admin-one", ""); !strings.HasPrefix(journal, `{"object":"list","data":[{"operation":"listOrganizationCertificates"`) {
		t.Errorf("the journal after reset holds more than the reads since: %s", journal)
	}
	if _, two := control(t, c, http.MethodGet, "export", "sk-admin-two", ""); two != twoBefore {
		t.Errorf("resetting sk-admin-one changed sk-admin-two")
	}

	// Without a fixture, reset forgets the organization.
	if status, body := control(t, c, http.MethodPost, "reset", "sk-admin-stranger", ""); status != http.StatusOK || strings.Contains(body, "kept until") {
		t.Errorf("reset without a fixture: %d %s", status, body)
	}
	var page generated.ListCertificatesResponse
	stranger.do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, &page)
	if len(page.Data) != 0 {
		t.Errorf("after reset an organization without a fixture holds %d certificates", len(page.Data))
	}
	if status, _ := control(t, c, http.MethodGet, "reset", "sk-admin-one", ""); status != http.StatusMethodNotAllowed {
		t.Errorf("GET reset: %d, want 405", status)
	}
	if status, _ := control(t, c, http.MethodGet, "nothing", "sk-admin-one", ""); status != http.StatusNotFound {
		t.Errorf("an unknown control endpoint: %d, want 404", status)
	}
}

func TestJournalAndFailNext(t *testing.T) {
	c := newEmulator(t, emulator.Config{Fixtures: &emulator.Fixtures{Organizations: []emulator.FixtureOrganization{{AdminKey: testKey}}}})
	status, body := control(t, c, http.MethodPost, "fail", testKey, `{"operation":"activateProjectCertificates","times":2,"status":503}`)
	if status != http.StatusOK {
		t.Fatalf("fail: %d %s", status, body)
	}
	cert := c.upload(t, "journaled")
	for range 3 {
		c.do(t, http.MethodPost, "/organization/projects/proj_alpha/certificates/activate", map[string]any{"certificate_ids": []string{cert.Id}})
	}
	_, journal := control(t, c, http.MethodGet, "journal", testKey, "")
	want := `{"object":"list","data":[` +
		`{"operation":"uploadCertificate","name":"journaled","status":200},` +
		`{"operation":"activateProjectCertificates","project_id":"proj_alpha","certificate_ids":["` + cert.Id + `"],"status":503,"fault":"503"},` +
		`{"operation":"activateProjectCertificates","project_id":"proj_alpha","certificate_ids":["` + cert.Id + `"],"status":503,"fault":"503"},` +
		`{"operation":"activateProjectCertificates","project_id":"proj_alpha","certificate_ids":["` + cert.Id + `"],"status":200}]}`
	if strings.TrimSpace(journal) != want {
		t.Errorf("journal\n%s\nwant\n%s", journal, want)
	}
	for _, bad := range []string{
		`{"operation":"nope","status":503}`,
		`{"operation":"uploadCertificate","status":404}`,
		`{"operation":"uploadCertificate","connection":"sideways"}`,
		`{"operation":"uploadCertificate","times":-1,"status":503}`,
		`{"operation":"uploadCertificate","stauts":503}`,
	} {
		if status, body := control(t, c, http.MethodPost, "fail", testKey, bad); status != http.StatusBadRequest || !strings.Contains(body, `"invalid_request_error"`) {
			t.Errorf("fail %s: %d %s; want a 400", bad, status, body)
		}
	}
}

// A bad fixture is refused whole, with one line naming the entry and the
// field.
func TestBadFixturesAreRefusedWithOneLine(t *testing.T) {
	good := indent(newCertPEM(t, testcert.Options{}), 10)
	expired := indent(newCertPEM(t, testcert.Options{NotAfter: timeNow().Add(-48 * hour), NotBefore: timeNow().Add(-96 * hour)}), 10)
	many := "organizations:\n  - admin_key: sk-admin-full\n    certificates:\n" + strings.Repeat("      - name: x\n", emulator.MaxCertificates+1)
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown field", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - nmae: typo\n",
			"line 4: organizations[0].certificates[0]: nmae: unknown field (known: id, name, created_at, pem, pem_file, active)"},
		{"unknown top-level field", "organisations: []\n", "line 1: organisations: unknown field (known: organizations)"},
		{"bad PEM", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - pem: not a certificate\n",
			"organizations[0].certificates[0]: pem: The certificate is not PEM-encoded"},
		{"expired PEM", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - name: ok\n        pem: |\n" + good + "\n      - pem: |\n" + expired + "\n",
			"organizations[0].certificates[1]: pem: The certificate has expired or expires within one day."},
		{"activation for an unknown project", "organizations:\n  - admin_key: sk-admin-a\n    projects: [proj_a]\n    certificates:\n      - active: {projects: [proj_b]}\n",
			"organizations[0].certificates[0]: active.projects: No project with id proj_b in this organization."},
		{"over 50 certificates", many, "organizations[0]: certificates: 51 certificates; an organization holds at most 50"},
		{"duplicate id", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - id: cert_x\n      - id: cert_x\n",
			"organizations[0].certificates[1]: id: The organization already holds a certificate with id cert_x."},
		{"duplicate key", "organizations:\n  - admin_key: sk-admin-a\n  - admin_key: sk-admin-a\n", "organizations[1]: admin_key: the same key as an earlier organization"},
		{"no key", "organizations:\n  - projects: [proj_a]\n", "organizations[0]: admin_key: missing"},
		{"bad created_at", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - created_at: yesterday\n",
			"line 4: organizations[0].certificates[0]: created_at: \"yesterday\" is neither RFC 3339"},
		{"fraction of a second", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - created_at: 2025-01-01T00:00:00.5Z\n",
			"created_at: \"2025-01-01T00:00:00.5Z\" has a fraction of a second"},
		{"wrong type", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - active: {organization: maybe}\n",
			"line 4: organizations[0].certificates[0].active: organization: cannot unmarshal !!str `maybe` into bool"},
		{"pem and pem_file", "organizations:\n  - admin_key: sk-admin-a\n    certificates:\n      - pem: x\n        pem_file: y\n",
			"organizations[0].certificates[0]: pem_file: give pem or pem_file, not both"},
		{"not YAML", "organizations: [\n", "not YAML or JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx, err := emulator.ParseFixtures([]byte(tc.yaml))
			if err == nil {
				_, err = emulator.New(emulator.Config{Fixtures: fx})
			}
			var fe *emulator.FixtureError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v; want a *FixtureError", err)
			}
			if line := fe.Error(); !strings.Contains(line, tc.want) || strings.Contains(line, "\n") {
				t.Errorf("error %q; want one line with %q", line, tc.want)
			}
		})
	}
}

var timeNow = time.Now

const hour = time.Hour

// The journal keeps the last JournalSize calls, oldest first.
func TestJournalKeepsTheLastCalls(t *testing.T) {
	emu, c := newServed(t, emulator.Config{Fixtures: &emulator.Fixtures{Organizations: []emulator.FixtureOrganization{{AdminKey: testKey}}}})
	total := emulator.JournalSize + 5
	for i := range total {
		c.do(t, http.MethodGet, "/organization/certificates?limit="+strconv.Itoa(1+i%100), nil)
	}
	calls := emu.Journal(testKey)
	if len(calls) != emulator.JournalSize {
		t.Fatalf("%d calls kept", len(calls))
	}
	for i, call := range calls {
		if want := strconv.Itoa(1 + (i+5)%100); call.Query.Get("limit") != want {
			t.Fatalf("call %d has limit %s, want %s", i, call.Query.Get("limit"), want)
		}
	}
}

// Reset while requests and the other client of a shared organization are
// at work: each reset stops the old organization's client and starts one
// on the new, and what is left is the fixture's state and one client's
// certificates at most.
func TestResetUnderLoadWithTheOtherClient(t *testing.T) {
	fx := &emulator.Fixtures{Organizations: []emulator.FixtureOrganization{{AdminKey: testKey,
		Certificates: []emulator.FixtureCertificate{{ID: "cert_kept", Active: emulator.FixtureActivation{Organization: true}}}}}}
	emu, err := emulator.New(emulator.Config{Fixtures: fx, Shared: emulator.Shared{ActorRate: 100, ActorSlots: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	ts := httptest.NewServer(emu)
	defer ts.Close()
	c := &apiClient{base: ts.URL + emulator.BasePath, key: testKey, http: ts.Client()}
	stop := make(chan struct{})
	done := make(chan error)
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if r, err := c.exchange(http.MethodGet, "/organization/certificates?limit=100", nil, func(*http.Request) {}); err != nil || r.status != http.StatusOK {
				done <- fmt.Errorf("list during resets: %v %d", err, r.status)
				return
			}
		}
	}()
	for range 20 {
		if err := emu.Reset(testKey); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	fxNow, err := emu.Export(testKey)
	if err != nil {
		t.Fatal(err)
	}
	certs := fxNow.Organizations[0].Certificates
	if len(certs) < 1 || len(certs) > 3 || certs[0].ID != "cert_kept" || !certs[0].Active.Organization {
		t.Errorf("after the resets the organization holds %+v; want cert_kept and at most the other client's 2", certs)
	}
}

// A call is in the journal by the time its client has the answer, or the
// broken connection: a test reads the journal right after its code's call
// returns.
func TestJournalHoldsTheCallOnceItsAnswerArrives(t *testing.T) {
	emu, served := newServed(t, emulator.Config{Fixtures: &emulator.Fixtures{Organizations: []emulator.FixtureOrganization{{AdminKey: testKey}}}})
	// A connection per request: net/http's transport would repeat a GET
	// that failed on a reused one.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	faults := []emulator.ConnectionFault{"", emulator.FaultLost, emulator.FaultReset, emulator.FaultTruncate}
	for i := range 200 {
		f := faults[i%len(faults)]
		if f != "" {
			if err := emu.FailNext(testKey, "listOrganizationCertificates", 1, emulator.Failure{Connection: f}); err != nil {
				t.Fatal(err)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, served.base+"/organization/certificates", nil)
		req.Header.Set("Authorization", "Bearer "+testKey)
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if n := len(emu.Journal(testKey)); n != i+1 {
			t.Fatalf("after call %d (fault %q) the journal holds %d calls", i+1, f, n)
		}
	}
}
