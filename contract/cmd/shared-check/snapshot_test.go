package main

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

const key = "sk-admin-shared"

// busyOrg is an in-process emulator shaped as make contract-shared shapes
// the standalone one, with its other client working fast.
func busyOrg(t *testing.T) *org {
	t.Helper()
	emu, err := emulator.New(emulator.Config{Keys: []string{key}, Shared: emulator.Shared{Foreign: 8, ActorRate: 100}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() { srv.Close(); emu.Close() })
	o, err := newOrg(srv.URL+emulator.BasePath, key, emulator.DefaultProjects)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The other client's work is no difference: two snapshots around it agree.
func TestCompareIgnoresTheOtherClient(t *testing.T) {
	o := busyOrg(t)
	before, err := o.take(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // some ten changes of the other client
	after, err := o.take(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	out := compare(before, after, o.projects)
	if len(before) != 8 || out.unchanged != 8 || len(out.changes) > 0 || len(out.left) > 0 {
		t.Fatalf("%d foreign, %d unchanged, changes %q, left %q", len(before), out.unchanged, out.changes, out.left)
	}
}

// Whatever a run does to others' certificates shows, in the answer where it
// shows, and whatever it leaves is counted, named or not.
func TestCompareFindsWhatARunChangedAndLeft(t *testing.T) {
	o := busyOrg(t)
	ctx := t.Context()
	before, err := o.take(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := sortedIDs(before)
	renamed := ids[0]
	// One that is not active in proj_beta yet, so activating it changes it.
	i := slices.IndexFunc(ids[1:], func(id string) bool { return strings.Contains(before[id].projects["proj_beta"], `"active":false`) })
	if i < 0 {
		t.Fatal("every seeded certificate is active in proj_beta")
	}
	inProject := ids[1+i]
	name := "contract-cc00000000-renamed"
	if res, err := o.c.ModifyCertificateWithResponse(ctx, renamed, generated.ModifyCertificateRequest{Name: &name}); err != nil || res.StatusCode() != http.StatusOK {
		t.Fatalf("rename: %v", err)
	}
	if res, err := o.c.ActivateProjectCertificatesWithResponse(ctx, "proj_beta", generated.ToggleCertificatesRequest{CertificateIds: []string{inProject}}); err != nil || res.StatusCode() != http.StatusOK {
		t.Fatalf("activate: %v", err)
	}
	c, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := o.c.UploadCertificateWithResponse(ctx, generated.UploadCertificateRequest{Certificate: c.PEM}); err != nil || res.StatusCode() != http.StatusOK {
		t.Fatalf("upload: %v", err)
	}
	after, err := o.take(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := compare(before, after, o.projects)
	if out.unchanged != len(before)-2 {
		t.Errorf("%d unchanged, want %d", out.unchanged, len(before)-2)
	}
	// A rename shows in every answer carrying the name; an activation only
	// where it applies.
	renamedTo := "name was " // null or the name it had
	want := []string{renamed + ": get with content: " + renamedTo, renamed + ": organization list item: " + renamedTo,
		renamed + ": item in the list of proj_default: " + renamedTo, renamed + ": item in the list of proj_alpha: " + renamedTo,
		renamed + ": item in the list of proj_beta: " + renamedTo,
		inProject + ": item in the list of proj_beta: active was false, is true"}
	if len(out.changes) != len(want) {
		t.Errorf("changes %q, want one each starting %q", out.changes, want)
	}
	for _, w := range want {
		if !slices.ContainsFunc(out.changes, func(c string) bool { return strings.HasPrefix(c, w) }) {
			t.Errorf("no change %q in %q", w, out.changes)
		}
	}
	if len(out.left) != 1 || !strings.HasSuffix(out.left[0], "without a name") {
		t.Errorf("left %q, want the one unnamed upload", out.left)
	}
}
