package contract_test

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Three layers make sure a run leaves nothing behind on a live organization:
// each spec removes what it uploaded (DeferCleanup, which also runs when a spec
// fails or the run is interrupted), each process then removes whatever its
// ledger still holds, and the first process finally sweeps every certificate
// whose name carries the run id.

// ledger is what this process uploaded and has not removed yet.
var ledger = struct {
	sync.Mutex
	ids map[string]*org
}{ids: map[string]*org{}}

func (o *org) removeLater(id string) {
	ledger.Lock()
	ledger.ids[id] = o
	ledger.Unlock()
	DeferCleanup(func(ctx SpecContext) {
		o.remove(ctx, id)
	})
}

// remove deletes a certificate, deactivating it everywhere first if the API
// refuses because it is active. A certificate already gone is fine.
func (o *org) remove(ctx context.Context, id string) {
	GinkgoHelper()
	ctx = quiet(ctx)
	del := func() int {
		return must(o.DeleteCertificateWithResponse(ctx, id)).StatusCode()
	}
	status := del()
	if status == http.StatusBadRequest {
		ok := Or(Equal(http.StatusOK), Equal(http.StatusNotFound))
		Expect(must(o.DeactivateOrganizationCertificatesWithResponse(ctx, toggle(id))).StatusCode()).To(ok)
		for _, p := range o.projects {
			Expect(must(o.DeactivateProjectCertificatesWithResponse(ctx, p, toggle(id))).StatusCode()).To(ok)
		}
		status = del()
	}
	Expect(status).To(Or(Equal(http.StatusOK), Equal(http.StatusNotFound)), "could not delete %s", id)
	ledger.Lock()
	delete(ledger.ids, id)
	ledger.Unlock()
}

// sweepLedger removes what this process's specs did not get to remove.
func sweepLedger(ctx context.Context) {
	ledger.Lock()
	left := maps.Clone(ledger.ids)
	ledger.Unlock()
	for id, o := range left {
		o.remove(ctx, id)
	}
}

// sweepRun removes every certificate named for this run, whichever process
// uploaded it.
func sweepRun(ctx context.Context) {
	o := newOrg()
	prefix := certName("")
	for _, c := range o.walkOrg(quiet(ctx)) {
		if c.Name != nil && strings.HasPrefix(*c.Name, prefix) {
			o.remove(ctx, c.Id)
		}
	}
}
