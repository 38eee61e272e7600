package fidelity_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/fidelity"
	"github.com/certcontract/certcontract/contract/fidelity/har"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

const runID = "cc0123abcd"

// record runs a short session through every operation against an emulator
// with the given mutations, and returns its recording.
func record(t *testing.T, mutations ...string) *har.File {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Mutations: mutations, Faults: emulator.Faults{Header: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	base := srv.URL + emulator.BasePath
	rec := fidelity.NewRecorder(fidelity.NewRedactor(runID))
	key := "sk-admin-" + runID + "-1-1"
	c := recordingClient(t, base, key, rec)
	ctx := t.Context()
	upload := func(label string) string {
		cert, err := testcert.New(testcert.Options{})
		if err != nil {
			t.Fatal(err)
		}
		name := "contract-" + runID + "-" + label
		res, err := c.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: cert.PEM, Name: &name})
		if err != nil || res.JSON200 == nil {
			t.Fatalf("upload: %v %s", err, res.Body)
		}
		return res.JSON200.Id
	}
	a, b := upload("a"), upload("b")
	one := 1
	page, err := c.ListOrganizationCertificatesWithResponse(ctx, &generated.ListOrganizationCertificatesParams{Limit: &one})
	if err != nil {
		t.Fatal(err)
	}
	if page.JSON200 != nil && page.JSON200.LastId != nil {
		_, _ = c.ListOrganizationCertificatesWithResponse(ctx, &generated.ListOrganizationCertificatesParams{Limit: &one, After: page.JSON200.LastId})
	}
	content := &generated.GetCertificateParams{Include: &[]generated.GetCertificateParamsInclude{generated.GetCertificateParamsIncludeContent}}
	_, _ = c.GetCertificateWithResponse(ctx, a, content)
	renamed := "contract-" + runID + "-renamed"
	_, _ = c.ModifyCertificateWithResponse(ctx, a, generated.ModifyCertificateRequest{Name: &renamed})
	ids := generated.ToggleCertificatesRequest{CertificateIds: []string{a}}
	_, _ = c.ActivateOrganizationCertificatesWithResponse(ctx, ids)
	_, _ = c.ActivateProjectCertificatesWithResponse(ctx, "proj_alpha", ids)
	_, _ = c.ListProjectCertificatesWithResponse(ctx, "proj_alpha", nil)
	_, _ = c.DeleteCertificateWithResponse(ctx, a) // refused: active
	_, _ = c.DeactivateProjectCertificatesWithResponse(ctx, "proj_alpha", ids)
	_, _ = c.DeactivateOrganizationCertificatesWithResponse(ctx, ids)
	_, _ = c.ListOrganizationCertificatesWithResponse(ctx, nil)
	_, _ = c.DeleteCertificateWithResponse(ctx, b)
	_, _ = c.GetCertificateWithResponse(ctx, b, nil)                              // 404
	_, _ = c.GetCertificateWithResponse(ctx, "cert_contract_missing_"+runID, nil) // 404
	_, _ = c.ListOrganizationCertificatesWithResponse(ctx, nil, func(_ context.Context, r *http.Request) error {
		r.Header.Set(emulator.FaultHeader, "503") // forced: replayed too
		return nil
	})
	_, _ = c.DeleteCertificateWithResponse(ctx, a)
	return rec.File(har.RunInfo{ID: runID, BaseURL: base, Projects: emulator.DefaultProjects})
}

func replay(t *testing.T, f *har.File) *fidelity.Report {
	t.Helper()
	res, err := fidelity.Replay(t.Context(), f, fidelity.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return fidelity.NewReport("session.har", res, nil)
}

func TestReplayOfTheSameEmulatorMatches(t *testing.T) {
	f := record(t)
	r := replay(t, f)
	if !r.OK() || r.Replayed != len(f.Log.Entries) {
		var b strings.Builder
		_ = r.Write(&b, fidelity.FormatText)
		t.Fatalf("%d of %d replayed:\n%s", r.Replayed, len(f.Log.Entries), b.String())
	}
}

// A mutation that changes only answers diverges at the operations it
// changes and nowhere else; one that changes state diverges first where it
// changed it, and the report says later divergences follow that one.
func TestReplayNamesWhatAMutationChanged(t *testing.T) {
	tests := []struct {
		mutation string
		// divergences are "check field" of every divergence, or for a
		// change of state, of the first.
		divergences []string
		ops         []string // every operation that diverges, or for a change of state the first
		state       bool
	}{
		{mutation.WrongObject, []string{"value object"}, []string{"getCertificate", "modifyCertificate", "uploadCertificate"}, false},
		{mutation.FoundUnknownID, []string{"status "}, []string{"getCertificate"}, false},
		{mutation.IgnoreLimit, []string{"items data", "value has_more", "id last_id"}, []string{"listOrganizationCertificates"}, false},
		{mutation.DeleteActive, []string{"status "}, []string{"deleteCertificate"}, true},
		{mutation.ActiveAfterUpload, []string{"value data[*].active"}, []string{"listOrganizationCertificates"}, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.mutation), func(t *testing.T) {
			r := replay(t, record(t, tt.mutation))
			var b strings.Builder
			_ = r.Write(&b, fidelity.FormatText)
			if r.OK() {
				t.Fatalf("no divergence:\n%s", b.String())
			}
			var ops []string
			var first *fidelity.Exchange
			for _, o := range r.Operations {
				for _, x := range o.Exchanges {
					if !slices.Contains(ops, o.Operation) {
						ops = append(ops, o.Operation)
					}
					if x.Follows == 0 {
						if first != nil {
							t.Fatalf("entries %d and %d both say they come first:\n%s", first.Entry, x.Entry, b.String())
						}
						first = &x
					}
					if tt.state {
						continue
					}
					for _, d := range x.Divergences {
						if !expected(tt.divergences, d) {
							t.Errorf("%s entry %d: %+v, want only %q", o.Operation, x.Entry, d, tt.divergences)
						}
					}
				}
			}
			if tt.state {
				ops = []string{first.Operation}
				if d := first.Divergences[0]; !expected(tt.divergences, d) {
					t.Errorf("first divergence %+v, want %q", d, tt.divergences)
				}
			}
			if !slices.Equal(ops, tt.ops) {
				t.Fatalf("divergences at %v, want %v:\n%s", ops, tt.ops, b.String())
			}
		})
	}
}

// expected reports whether d is one of want, "check field" each, where * in
// a field stands for any text.
func expected(want []string, d fidelity.Divergence) bool {
	return slices.ContainsFunc(want, func(w string) bool {
		check, field, _ := strings.Cut(w, " ")
		if check != string(d.Check) {
			return false
		}
		before, after, found := strings.Cut(field, "*")
		if !found {
			return field == d.Field
		}
		return strings.HasPrefix(d.Field, before) && strings.HasSuffix(d.Field, after) && len(d.Field) >= len(field)-1
	})
}

// entryOf finds the first recorded exchange of method and path prefix.
func entryOf(t *testing.T, f *har.File, method, path string) *har.Entry {
	t.Helper()
	for i := range f.Log.Entries {
		e := &f.Log.Entries[i]
		if e.Request.Method == method && strings.Contains(e.Request.URL, path) {
			return e
		}
	}
	t.Fatalf("no %s %s in the recording", method, path)
	return nil
}

// What a live organization holds besides the run's certificates, and what
// the live API does on its own, cannot be replayed: it is left out and said
// so, not reported as a divergence.
func TestReplayLeavesOutWhatTheRecordingCouldNotShare(t *testing.T) {
	f := record(t)
	// A certificate the organization held before the run, in the first page.
	first := entryOf(t, f, "GET", "/organization/certificates?limit=1")
	first.Response.Content.Text = strings.Replace(first.Response.Content.Text, `"data":[`,
		`"data":[{"id":"cert_foreign","object":"organization.certificate","active":true,"created_at":1,"certificate_details":{}},`, 1)
	// The next page is asked for after it.
	next := entryOf(t, f, "GET", "after=")
	next.Request.URL = next.Request.URL[:strings.Index(next.Request.URL, "after=")] + "after=cert_foreign"
	// A real rate limit, answered on the live API's own.
	limited := entryOf(t, f, "GET", "/organization/projects/proj_alpha/certificates")
	limited.Response.Status = 429

	r := replay(t, f)
	var b strings.Builder
	_ = r.Write(&b, fidelity.FormatText)
	if !r.OK() || r.Partial != 1 || len(r.Skipped) != 2 {
		t.Fatalf("partial %d, skipped %d:\n%s", r.Partial, len(r.Skipped), b.String())
	}
	for _, want := range []string{"uses cert_foreign, a certificate this recording did not create", "answered 429 on its own", "List answers compared without some of their items: certificates the recording did not create, or that another process changed at the same moment (1)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, b.String())
		}
	}
}

// When the replay could not create a certificate the recording created,
// what used it is not replayed and lists are compared without it: the upload
// is the first divergence, and the report says the rest follow it.
func TestReplaySkipsWhatALostUploadWouldHaveServed(t *testing.T) {
	f := record(t)
	up := entryOf(t, f, "POST", "/organization/certificates")
	up.Request.PostData.Text = strings.Replace(up.Request.PostData.Text, "BEGIN CERTIFICATE", "BEGIN CERTIFICATES", 1)
	r := replay(t, f)
	var b strings.Builder
	_ = r.Write(&b, fidelity.FormatText)
	if r.OK() || len(r.Skipped) == 0 {
		t.Fatalf("diverging %d, skipped %d:\n%s", r.Diverging, len(r.Skipped), b.String())
	}
	for _, o := range r.Operations {
		for _, x := range o.Exchanges {
			if (x.Entry == 1) != (x.Follows == 0) {
				t.Errorf("entry %d follows %d:\n%s", x.Entry, x.Follows, b.String())
			}
		}
	}
	for _, x := range r.Skipped {
		if !strings.Contains(x.Skipped, "which entry 1 created in the recording but not in the replay") {
			t.Errorf("entry %d skipped: %s", x.Entry, x.Skipped)
		}
	}
}

// A recording's projects become the target's, so a live recording made in a
// project of its own replays against any emulator.
func TestReplayMapsProjects(t *testing.T) {
	f := record(t)
	for i := range f.Log.Entries {
		e := &f.Log.Entries[i]
		e.Request.URL = strings.ReplaceAll(e.Request.URL, "proj_alpha", "proj_live")
	}
	res, err := fidelity.Replay(t.Context(), f, fidelity.Options{Projects: map[string]string{"proj_live": "proj_alpha"}})
	if err != nil {
		t.Fatal(err)
	}
	if r := fidelity.NewReport("s.har", res, nil); !r.OK() {
		t.Fatal(r.Summary())
	}
}

// created_at is judged against each side's own exchange: the same emulator
// replays clean however long after the recording, and one answering
// milliseconds diverges at every upload.
func TestReplayJudgesTimestampsByMeaning(t *testing.T) {
	f := record(t)
	emu, err := emulator.New(emulator.Config{Faults: emulator.Faults{Header: true},
		Mutations: []string{"milliseconds-created-at-in-upload"}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	res, err := fidelity.Replay(t.Context(), f, fidelity.Options{Target: srv.URL + emulator.BasePath})
	if err != nil {
		t.Fatal(err)
	}
	r := fidelity.NewReport("session.har", res, nil)
	var b strings.Builder
	_ = r.Write(&b, fidelity.FormatText)
	uploads := 0
	for _, o := range r.Operations {
		for _, x := range o.Exchanges {
			for _, d := range x.Divergences {
				if o.Operation != "uploadCertificate" || d.Check != fidelity.CheckTimestamp || d.Field != "created_at" ||
					!strings.Contains(d.Replayed, "years after the exchange") || !strings.Contains(d.Recorded, "within the exchange") {
					t.Errorf("%s entry %d: %+v, want only created_at in years after the exchange", o.Operation, x.Entry, d)
				}
			}
		}
		if o.Operation == "uploadCertificate" {
			uploads = len(o.Exchanges)
		}
	}
	if uploads != 2 {
		t.Errorf("%d uploads diverge, want 2:\n%s", uploads, b.String())
	}
}

// Regression: two processes share an organization, and process 1's upload of
// a certificate was still under way when process 2 uploaded another, which
// the server stored first. The recording holds the two in the order they
// started, so the replay stores them the other way round; a page after the
// first (its cursor) then holds the second on one side only, and the rest of
// the page one place along. Which side of its cursor the server put it is
// down to timing, not the emulator.
func TestReplayOfAPageAfterACertificateUploadedWhileAnotherWas(t *testing.T) {
	emu, err := emulator.New(emulator.Config{Faults: emulator.Faults{Header: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	base := srv.URL + emulator.BasePath

	// held stops the upload its context marks below the recorder, which has
	// already noted when the exchange started, until release is closed.
	type holdKey struct{}
	held, release := make(chan struct{}), make(chan struct{})
	let := sync.OnceFunc(func() { close(release) })
	t.Cleanup(let) // before the server closes, should the test stop early
	gate := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Context().Value(holdKey{}) != nil {
			close(held)
			<-release
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	key := "sk-admin-" + runID + "-shared"
	process := func(n int) (*generated.ClientWithResponses, *fidelity.Recorder) {
		rec := fidelity.NewRecorder(fidelity.NewRedactor(runID), fidelity.RecordProcess(n), fidelity.RecordThrough(gate))
		return recordingClient(t, base, key, rec), rec
	}
	one, rec1 := process(1)
	two, rec2 := process(2)
	upload := func(ctx context.Context, c *generated.ClientWithResponses) (string, error) {
		cert, err := testcert.New(testcert.Options{})
		if err != nil {
			return "", err
		}
		res, err := c.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: cert.PEM})
		if err != nil {
			return "", err
		}
		if res.JSON200 == nil {
			return "", fmt.Errorf("upload: %d %s", res.StatusCode(), res.Body)
		}
		return res.JSON200.Id, nil
	}

	ctx := t.Context()
	if _, err := upload(ctx, one); err != nil {
		t.Fatal(err)
	}
	cursor := make(chan error, 1)
	var cursorID string
	go func() {
		var err error
		cursorID, err = upload(context.WithValue(ctx, holdKey{}, true), one)
		cursor <- err
	}()
	<-held
	if _, err := upload(ctx, two); err != nil {
		t.Fatal(err)
	}
	let()
	if err := <-cursor; err != nil {
		t.Fatal(err)
	}
	// Newest first (the default), the server's page after the cursor holds
	// process 2's certificate, the replay's does not; oldest first, the
	// other way round.
	two2 := 2
	for _, order := range []generated.ListOrganizationCertificatesParamsOrder{"", generated.ListOrganizationCertificatesParamsOrderAsc} {
		params := &generated.ListOrganizationCertificatesParams{Limit: &two2, After: &cursorID}
		if order != "" {
			params.Order = &order
		}
		if res, err := one.ListOrganizationCertificatesWithResponse(ctx, params); err != nil || res.JSON200 == nil {
			t.Fatalf("list: %v", err)
		}
	}

	run := har.RunInfo{ID: runID, BaseURL: base, Projects: emulator.DefaultProjects}
	f := fidelity.Merge(rec1.File(run), rec2.File(run))
	r := replay(t, f)
	var b strings.Builder
	_ = r.Write(&b, fidelity.FormatText)
	if !r.OK() || r.Replayed != len(f.Log.Entries) || r.Partial != 2 {
		t.Fatalf("%d of %d replayed, %d lists compared without some of their items:\n%s", r.Replayed, len(f.Log.Entries), r.Partial, b.String())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// recordingClient is a client of the emulator at base, with key, whose
// exchanges rec records.
func recordingClient(t *testing.T, base, key string, rec *fidelity.Recorder) *generated.ClientWithResponses {
	t.Helper()
	c, err := generated.NewClientWithResponses(base,
		generated.WithHTTPClient(&http.Client{Transport: rec}),
		generated.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+key)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
