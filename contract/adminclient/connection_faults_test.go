package adminclient_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// connectionFaults are the emulator's, played on a real connection:
// nothing served, served with half an answer, served with no answer.
var connectionFaults = []emulator.ConnectionFault{emulator.FaultReset, emulator.FaultTruncate, emulator.FaultLost}

// firstOnly breaks the first attempt the wire sees from now on, with fault.
func firstOnly(w *wire, fault emulator.ConnectionFault) {
	from := w.requests.Load() + 1
	w.fault = func(n int32) string {
		if n == from {
			return string(fault)
		}
		return ""
	}
}

// newFaultyClient is a client of a new organization whose every attempt
// opens a connection of its own: net/http's transport itself repeats a GET
// that failed on a reused connection, and that would hide whether the
// client's own retry did.
func newFaultyClient(t *testing.T) (*generated.AdminClient, *wire) {
	t.Helper()
	w := &wire{next: &http.Transport{DisableKeepAlives: true}}
	c, _ := newClient(t, w, generated.WithBackoff(10*time.Millisecond, 20*time.Millisecond))
	return c, w
}

// What the client promises, proven with the emulator's connection faults end
// to end: an upload whose answer did not come back whole is never sent again
// (the emulator shows whether it was stored), and every idempotent operation
// recovers with one more attempt.
func TestConnectionFaultsEndToEnd(t *testing.T) {
	for _, fault := range connectionFaults {
		t.Run(string(fault)+"/upload", func(t *testing.T) {
			t.Parallel()
			c, w := newFaultyClient(t)
			firstOnly(w, fault)
			_, err := c.UploadCertificate(t.Context(), newPEM(t), "once")
			var opErr *generated.OperationError
			if !errors.As(err, &opErr) || opErr.Attempts != 1 || w.requests.Load() != 1 {
				t.Fatalf("error %v after %d requests; want the upload's failure after its one attempt", err, w.requests.Load())
			}
			// The emulator says what happened to it; the client could not know.
			want := map[emulator.ConnectionFault]int{emulator.FaultReset: 0, emulator.FaultTruncate: 1, emulator.FaultLost: 1}[fault]
			if got := count(t, c); got != want {
				t.Errorf("%d certificates stored; want %d", got, want)
			}
		})

		t.Run(string(fault)+"/idempotent", func(t *testing.T) {
			t.Parallel()
			c, w := newFaultyClient(t)
			ids := upload(t, c, 2, "recover")
			ctx := t.Context()
			calls := []struct {
				name string
				call func() error
				// check runs after the call; the fault hit its first attempt.
				check func() error
			}{
				{"listOrganizationCertificates", func() error {
					page, err := c.ListOrganizationCertificates(ctx, generated.ListOptions{})
					if err == nil && len(page.Data) != 2 {
						err = errors.New("not both certificates")
					}
					return err
				}, nil},
				{"listProjectCertificates", func() error {
					page, err := c.ListProjectCertificates(ctx, "proj_alpha", generated.ListOptions{})
					if err == nil && len(page.Data) != 2 {
						err = errors.New("not both certificates")
					}
					return err
				}, nil},
				{"getCertificate", func() error {
					cert, err := c.GetCertificate(ctx, ids[0], true)
					if err == nil && (cert.CertificateDetails.Content == nil || *cert.CertificateDetails.Content == "") {
						err = errors.New("no content")
					}
					return err
				}, nil},
				{"modifyCertificate", func() error { _, err := c.ModifyCertificate(ctx, ids[0], "renamed"); return err }, func() error {
					if cert, err := c.GetCertificate(ctx, ids[0], false); err != nil || cert.Name == nil || *cert.Name != "renamed" {
						return errors.New("not renamed")
					}
					return nil
				}},
				{"activateOrganizationCertificates", func() error { _, err := c.ActivateOrganizationCertificates(ctx, ids...); return err }, func() error {
					return same(activeForOrganization(t, c), ids)
				}},
				{"activateProjectCertificates", func() error { _, err := c.ActivateProjectCertificates(ctx, "proj_alpha", ids...); return err }, func() error {
					return same(activeIn(t, c, "proj_alpha"), ids)
				}},
				{"deactivateProjectCertificates", func() error { _, err := c.DeactivateProjectCertificates(ctx, "proj_alpha", ids...); return err }, func() error {
					return same(activeIn(t, c, "proj_alpha"), nil)
				}},
				{"deactivateOrganizationCertificates", func() error { _, err := c.DeactivateOrganizationCertificates(ctx, ids...); return err }, func() error {
					return same(activeForOrganization(t, c), nil)
				}},
				// A delete whose answer was lost has deleted: its retry
				// answers 404, which the client documents as done.
				{"deleteCertificate", func() error {
					_, err := c.DeleteCertificate(ctx, ids[1])
					if fault != emulator.FaultReset && generated.IsNotFound(err) {
						return nil
					}
					return err
				}, func() error {
					if _, err := c.GetCertificate(ctx, ids[1], false); !generated.IsNotFound(err) {
						return errors.New("still there")
					}
					return nil
				}},
			}
			for _, tt := range calls {
				firstOnly(w, fault)
				before := w.requests.Load()
				if err := tt.call(); err != nil {
					t.Errorf("%s after %s: %v", tt.name, fault, err)
					continue
				}
				if sent := w.requests.Load() - before; sent != 2 {
					t.Errorf("%s after %s: %d attempts; want 2", tt.name, fault, sent)
				}
				if tt.check != nil {
					if err := tt.check(); err != nil {
						t.Errorf("%s after %s: %v", tt.name, fault, err)
					}
				}
			}
		})
	}
}

func same(got, want []string) error {
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		return fmt.Errorf("active are %v, want %v", got, want)
	}
	return nil
}
