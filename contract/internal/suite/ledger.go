package suite

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"

	"github.com/certcontract/certcontract/generated"
)

// Three layers make sure a run leaves nothing behind on a live organization:
// each spec removes what it uploaded when it ends (DeferCleanup, which also
// runs when a spec fails or the run is interrupted), each process then
// sweeps whatever its Ledger still holds, and the first process finally
// removes every certificate the run's Names own, whichever process uploaded
// it.

// Ledger is what this process uploaded and has not removed yet, each id with
// the way to remove it. It is safe for concurrent use.
type Ledger struct {
	mu   sync.Mutex
	left map[string]func(context.Context) error
}

// Add records id and how to remove it.
func (l *Ledger) Add(id string, remove func(context.Context) error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.left == nil {
		l.left = map[string]func(context.Context) error{}
	}
	l.left[id] = remove
}

// Remove removes id now and forgets it; an id removed already, or never
// added, is no error.
func (l *Ledger) Remove(ctx context.Context, id string) error {
	l.mu.Lock()
	remove := l.left[id]
	l.mu.Unlock()
	if remove == nil {
		return nil
	}
	if err := remove(ctx); err != nil {
		return err
	}
	l.mu.Lock()
	delete(l.left, id)
	l.mu.Unlock()
	return nil
}

// Forget drops id without removing it: something else removed it already.
func (l *Ledger) Forget(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.left, id)
}

// Sweep removes everything still recorded, going on past failures, and
// returns them all.
func (l *Ledger) Sweep(ctx context.Context) error {
	l.mu.Lock()
	ids := slices.Sorted(maps.Keys(l.left))
	l.mu.Unlock()
	var errs []error
	for _, id := range ids {
		errs = append(errs, l.Remove(ctx, id))
	}
	return errors.Join(errs...)
}

// Left lists the ids not removed yet.
func (l *Ledger) Left() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Sorted(maps.Keys(l.left))
}

// RemoveCertificate deletes a certificate, deactivating it for the
// organization and in each of projects first if the API refuses because it
// is active. A certificate already gone is fine. Its traffic is Quiet: a
// cleanup proves nothing about the API.
func RemoveCertificate(ctx context.Context, c *generated.ClientWithResponses, projects []string, id string) error {
	ctx = Quiet(ctx)
	gone := func(status int) bool { return status == http.StatusOK || status == http.StatusNotFound }
	del := func() (int, error) {
		res, err := c.DeleteCertificateWithResponse(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("delete %s: %w", id, err)
		}
		return res.StatusCode(), nil
	}
	status, err := del()
	if err != nil || gone(status) {
		return err
	}
	if status != http.StatusBadRequest {
		return fmt.Errorf("delete %s: status %d", id, status)
	}
	ids := generated.ToggleCertificatesRequest{CertificateIds: []string{id}}
	res, err := c.DeactivateOrganizationCertificatesWithResponse(ctx, ids)
	if err != nil {
		return fmt.Errorf("deactivate %s for the organization: %w", id, err)
	}
	if !gone(res.StatusCode()) {
		return fmt.Errorf("deactivate %s for the organization: status %d", id, res.StatusCode())
	}
	for _, p := range projects {
		res, err := c.DeactivateProjectCertificatesWithResponse(ctx, p, ids)
		if err != nil {
			return fmt.Errorf("deactivate %s in %s: %w", id, p, err)
		}
		if !gone(res.StatusCode()) {
			return fmt.Errorf("deactivate %s in %s: status %d", id, p, res.StatusCode())
		}
	}
	if status, err = del(); err != nil || gone(status) {
		return err
	}
	return fmt.Errorf("delete %s after deactivating it everywhere: status %d", id, status)
}
