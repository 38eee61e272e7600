package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// A rotation of a project's CA from old to new, step by step, with a fleet of
// clients calling through the gate after every step: in the right order
// (upload new, activate new, switch clients, deactivate old, delete old)
// none is ever refused; in a wrong order the refusals show at the step that
// caused them.
func TestRotationLocksNobodyOut(t *testing.T) {
	const project, fleet = "proj_default", 3
	type step struct {
		name string
		do   func(r *rotation)
	}
	var (
		uploadNew     = step{"upload new", func(r *rotation) { r.newID = r.upload(r.newCA) }}
		activateNew   = step{"activate new", func(r *rotation) { r.must(r.admin.ActivateProjectCertificates(r.ctx, project, r.newID)) }}
		switchClients = step{"switch clients", func(r *rotation) { r.current = r.newCA }}
		deactivateOld = step{"deactivate old", func(r *rotation) { r.must(r.admin.DeactivateProjectCertificates(r.ctx, project, r.oldID)) }}
		deleteOld     = step{"delete old", func(r *rotation) { r.must(r.admin.DeleteCertificate(r.ctx, r.oldID)) }}
	)
	tests := []struct {
		name  string
		steps []step
		want  map[string]int // refusals per step
	}{
		{"the right order", []step{uploadNew, activateNew, switchClients, deactivateOld, deleteOld}, map[string]int{}},
		{"old deactivated before the clients switch", []step{uploadNew, activateNew, deactivateOld, switchClients, deleteOld}, map[string]int{"deactivate old": fleet}},
		{"clients switched before new is active", []step{uploadNew, switchClients, activateNew, deactivateOld, deleteOld}, map[string]int{"switch clients": fleet}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGate(t)
			admin, err := generated.New(generated.WithBaseURL(g.plain), generated.WithAdminKey(testKey))
			if err != nil {
				t.Fatal(err)
			}
			r := &rotation{t: t, ctx: context.Background(), admin: admin, oldCA: newCA(t), newCA: newCA(t)}
			r.oldID = r.upload(r.oldCA)
			r.must(admin.ActivateProjectCertificates(r.ctx, project, r.oldID))
			r.current = r.oldCA
			got := map[string]int{}
			var trace []string
			for _, s := range tt.steps {
				s.do(r)
				// Each client of the fleet holds a certificate of the CA the
				// fleet is on, and calls once after every step.
				refused := 0
				for range fleet {
					if a := g.models(t, g.client(t, clientOf(t, r.current)), keyDefault); a.status != http.StatusOK {
						refused++
					}
				}
				if refused > 0 {
					got[s.name] = refused
				}
				trace = append(trace, fmt.Sprintf("%s: %d refused", s.name, refused))
			}
			t.Logf("%s", strings.Join(trace, "; "))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("refusals by step %v, want %v", got, tt.want)
			}
		})
	}
}

// rotation is the state of one rotation: the two CAs, their ids, and the
// CA the fleet's client certificates are signed by.
type rotation struct {
	t            *testing.T
	ctx          context.Context
	admin        *generated.AdminClient
	oldCA, newCA testcert.Certificate
	oldID, newID string
	current      testcert.Certificate
}

func (r *rotation) upload(ca testcert.Certificate) string {
	r.t.Helper()
	c, err := r.admin.UploadCertificate(r.ctx, ca.PEM, "")
	if err != nil {
		r.t.Fatal(err)
	}
	return c.Id
}

func (r *rotation) must(_ any, err error) {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
}

// Each test package (see also internal/store) that needs one keeps this helper of its own: testcert,
// a library for programs too, returns errors and takes no *testing.T.
func newCA(t *testing.T) testcert.Certificate {
	t.Helper()
	c, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
