package adminclient_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/certcontract/certcontract/generated"
	"github.com/certcontract/certcontract/generated/spec"
)

// upload stores n certificates named name-0, name-1, ... and returns their
// ids in upload order.
func upload(t *testing.T, c *generated.AdminClient, n int, name string) []string {
	t.Helper()
	var ids []string
	for i := range n {
		cert, err := c.UploadCertificate(t.Context(), newPEM(t), name+"-"+strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cert.Id)
	}
	return ids
}

// activeIn walks a project's certificates and returns the ids active there.
func activeIn(t *testing.T, c *generated.AdminClient, project string) []string {
	t.Helper()
	var active []string
	for cert, err := range c.AllProjectCertificates(t.Context(), project, generated.ListOptions{Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		if cert.Active {
			active = append(active, cert.Id)
		}
	}
	return active
}

// activeForOrganization walks the organization's certificates and returns
// the ids active for it.
func activeForOrganization(t *testing.T, c *generated.AdminClient) []string {
	t.Helper()
	var active []string
	for cert, err := range c.AllOrganizationCertificates(t.Context(), generated.ListOptions{Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		if cert.Active {
			active = append(active, cert.Id)
		}
	}
	return active
}

// Every operation of the fragment, called through AdminClient against the
// emulator; a new operation fails this test until it has a row.
func TestEveryOperationAgainstTheEmulator(t *testing.T) {
	rows := map[string]func(t *testing.T, c *generated.AdminClient, w *wire){
		"listOrganizationCertificates": func(t *testing.T, c *generated.AdminClient, w *wire) {
			ids := upload(t, c, 7, "paged")
			// Page by page, each asked for with the previous page's last_id.
			var got []string
			var more []bool
			opts := generated.ListOptions{Limit: 2, Order: generated.OrderAsc}
			for {
				page, err := c.ListOrganizationCertificates(t.Context(), opts)
				if err != nil {
					t.Fatal(err)
				}
				for _, cert := range page.Data {
					got = append(got, cert.Id)
				}
				more = append(more, page.HasMore)
				if !page.HasMore {
					break
				}
				opts.After = *page.LastId
			}
			if !slices.Equal(got, ids) || !slices.Equal(more, []bool{true, true, true, false}) {
				t.Errorf("pages gave %v with has_more %v; want %v over 4 pages", got, more, ids)
			}
			// The iterator follows the same cursors, newest first.
			before := w.requests.Load()
			got = nil
			for cert, err := range c.AllOrganizationCertificates(t.Context(), generated.ListOptions{Limit: 2}) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, cert.Id)
			}
			slices.Reverse(ids)
			if !slices.Equal(got, ids) || w.requests.Load()-before != 4 {
				t.Errorf("the walk gave %v in %d requests; want %v in 4", got, w.requests.Load()-before, ids)
			}
		},
		"listProjectCertificates": func(t *testing.T, c *generated.AdminClient, w *wire) {
			ids := upload(t, c, 5, "project")
			if _, err := c.ActivateProjectCertificates(t.Context(), "proj_alpha", ids[1], ids[3]); err != nil {
				t.Fatal(err)
			}
			page, err := c.ListProjectCertificates(t.Context(), "proj_alpha", generated.ListOptions{Limit: 2, Order: generated.OrderAsc})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Data) != 2 || page.Data[0].Id != ids[0] || page.Data[1].Active != true || !page.HasMore {
				t.Errorf("first page %+v; want %s and an active %s, with more to come", page, ids[0], ids[1])
			}
			before := w.requests.Load()
			if got := activeIn(t, c, "proj_alpha"); !slices.Equal(got, []string{ids[3], ids[1]}) || w.requests.Load()-before != 2 {
				t.Errorf("active in proj_alpha: %v after %d pages of 3; want %v after 2", got, w.requests.Load()-before, []string{ids[3], ids[1]})
			}
		},
		"uploadCertificate": func(t *testing.T, c *generated.AdminClient, w *wire) {
			named, err := c.UploadCertificate(t.Context(), newPEM(t), "partner-ca")
			if err != nil {
				t.Fatal(err)
			}
			unnamed, err := c.UploadCertificate(t.Context(), newPEM(t), "")
			if err != nil {
				t.Fatal(err)
			}
			d := named.CertificateDetails
			if named.Object != generated.CertificateObjectCertificate || named.Name == nil || *named.Name != "partner-ca" ||
				d.ValidAt == nil || d.ExpiresAt == nil || *d.ValidAt >= *d.ExpiresAt || (named.Active != nil && *named.Active) {
				t.Errorf("uploaded %+v; want a named, inactive certificate with its validity", named)
			}
			if unnamed.Name != nil || unnamed.Id == named.Id {
				t.Errorf("uploaded without a name: %+v; want a null name and a new id", unnamed)
			}
		},
		"getCertificate": func(t *testing.T, c *generated.AdminClient, w *wire) {
			pem := newPEM(t)
			up, err := c.UploadCertificate(t.Context(), pem, "with-content")
			if err != nil {
				t.Fatal(err)
			}
			with, err := c.GetCertificate(t.Context(), up.Id, true)
			if err != nil {
				t.Fatal(err)
			}
			without, err := c.GetCertificate(t.Context(), up.Id, false)
			if err != nil {
				t.Fatal(err)
			}
			if with.CertificateDetails.Content == nil || *with.CertificateDetails.Content != pem || without.CertificateDetails.Content != nil {
				t.Errorf("content with %v, without %v; want the PEM as uploaded, then none", with.CertificateDetails.Content, without.CertificateDetails.Content)
			}
		},
		"modifyCertificate": func(t *testing.T, c *generated.AdminClient, w *wire) {
			id := upload(t, c, 1, "before")[0]
			renamed, err := c.ModifyCertificate(t.Context(), id, "after")
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.GetCertificate(t.Context(), id, false)
			if err != nil {
				t.Fatal(err)
			}
			if *renamed.Name != "after" || *got.Name != "after" {
				t.Errorf("renamed to %q, read back %q; want after", *renamed.Name, *got.Name)
			}
		},
		"deleteCertificate": func(t *testing.T, c *generated.AdminClient, w *wire) {
			id := upload(t, c, 1, "doomed")[0]
			deleted, err := c.DeleteCertificate(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if deleted.Id != id {
				t.Errorf("deleted %+v; want %s", deleted, id)
			}
			if _, err := c.GetCertificate(t.Context(), id, false); !generated.IsNotFound(err) || !generated.HasCode(err, generated.ErrorCodeNotFound) {
				t.Errorf("get after delete: %v; want 404 not_found", err)
			}
		},
		"activateOrganizationCertificates": func(t *testing.T, c *generated.AdminClient, w *wire) {
			ids := upload(t, c, 4, "org")
			got, err := c.ActivateOrganizationCertificates(t.Context(), ids[0], ids[2], ids[3])
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Data) != 3 || !got.Data[0].Active {
				t.Errorf("activation answered %+v; want the 3 certificates, active", got)
			}
			if active := activeForOrganization(t, c); !slices.Equal(active, []string{ids[3], ids[2], ids[0]}) {
				t.Errorf("active for the organization: %v", active)
			}
		},
		"deactivateOrganizationCertificates": func(t *testing.T, c *generated.AdminClient, w *wire) {
			ids := upload(t, c, 2, "org")
			if _, err := c.ActivateOrganizationCertificates(t.Context(), ids...); err != nil {
				t.Fatal(err)
			}
			got, err := c.DeactivateOrganizationCertificates(t.Context(), ids[1])
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Data) != 1 || got.Data[0].Active {
				t.Errorf("deactivation answered %+v; want %s, inactive", got, ids[1])
			}
			if active := activeForOrganization(t, c); !slices.Equal(active, ids[:1]) {
				t.Errorf("active for the organization: %v; want %v", active, ids[:1])
			}
		},
		"activateProjectCertificates": func(t *testing.T, c *generated.AdminClient, w *wire) {
			ids := upload(t, c, 2, "project")
			got, err := c.ActivateProjectCertificates(t.Context(), "proj_beta", ids[0])
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Data) != 1 || !got.Data[0].Active {
				t.Errorf("activation answered %+v", got)
			}
			if a, o := activeIn(t, c, "proj_beta"), activeForOrganization(t, c); !slices.Equal(a, ids[:1]) || len(o) != 0 {
				t.Errorf("active in proj_beta %v, for the organization %v; want %v and none", a, o, ids[:1])
			}
		},
		"deactivateProjectCertificates": func(t *testing.T, c *generated.AdminClient, w *wire) {
			ids := upload(t, c, 2, "project")
			if _, err := c.ActivateProjectCertificates(t.Context(), "proj_default", ids...); err != nil {
				t.Fatal(err)
			}
			if _, err := c.DeactivateProjectCertificates(t.Context(), "proj_default", ids...); err != nil {
				t.Fatal(err)
			}
			if a := activeIn(t, c, "proj_default"); len(a) != 0 {
				t.Errorf("active in proj_default after deactivating both: %v", a)
			}
		},
	}

	for _, op := range fragmentOperations(t) {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			row, ok := rows[op]
			if !ok {
				t.Fatalf("operation %s of the fragment has no row here", op)
			}
			w := &wire{}
			c, _ := newClient(t, w)
			row(t, c, w)
		})
	}
}

// fragmentOperations are the operationIds of openapi/certificates.yaml.
func fragmentOperations(t *testing.T) []string {
	t.Helper()
	doc, err := spec.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops = append(ops, op.OperationID)
		}
	}
	slices.Sort(ops)
	return ops
}
