package emulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/internal/mutation"
	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// Each mutation must really break its rule, or a suite that passes against
// it proves nothing. Every case shows the wrong behaviour through HTTP.
func TestMutationsBreakTheirRule(t *testing.T) {
	tests := []struct {
		mutation string
		broken   func(t *testing.T, c *apiClient) bool
	}{
		{mutation.IgnoreLimit, func(t *testing.T, c *apiClient) bool {
			c.upload(t, "")
			c.upload(t, "")
			var page generated.ListCertificatesResponse
			c.do(t, http.MethodGet, "/organization/certificates?limit=1", nil).decode(t, http.StatusOK, &page)
			return len(page.Data) == 2
		}},
		{mutation.WrongObject, func(t *testing.T, c *apiClient) bool {
			cert := c.upload(t, "")
			var got generated.Certificate
			c.do(t, http.MethodGet, "/organization/certificates/"+cert.Id, nil).decode(t, http.StatusOK, &got)
			return cert.Object == "organization.certificate" && got.Object == "organization.certificate"
		}},
		{mutation.DeleteActive, func(t *testing.T, c *apiClient) bool {
			id := c.upload(t, "").Id
			c.do(t, http.MethodPost, "/organization/certificates/activate", map[string]any{"certificate_ids": []string{id}}).decode(t, http.StatusOK, nil)
			return c.do(t, http.MethodDelete, "/organization/certificates/"+id, nil).status == http.StatusOK
		}},
		{mutation.NonAtomicToggle, func(t *testing.T, c *apiClient) bool {
			id := c.upload(t, "").Id
			c.do(t, http.MethodPost, "/organization/certificates/activate", map[string]any{"certificate_ids": []string{id, "cert_unknown"}}).
				wantError(t, apiErr{status: http.StatusNotFound, param: "certificate_ids", code: generated.ErrorCodeNotFound})
			return c.listAll(t, "/organization/certificates", 10, "asc")[0].Active
		}},
		{mutation.RepeatAcrossPages, func(t *testing.T, c *apiClient) bool {
			first := c.upload(t, "").Id
			c.upload(t, "")
			var page generated.ListCertificatesResponse
			c.do(t, http.MethodGet, "/organization/certificates?order=asc&after="+first, nil).decode(t, http.StatusOK, &page)
			return len(page.Data) == 2 && page.Data[0].Id == first
		}},
		{mutation.FoundUnknownID, func(t *testing.T, c *apiClient) bool {
			return c.do(t, http.MethodGet, "/organization/certificates/cert_made_up", nil).status == http.StatusOK
		}},
		{mutation.ActiveAfterUpload, func(t *testing.T, c *apiClient) bool {
			c.upload(t, "")
			return c.listAll(t, "/organization/certificates", 10, "asc")[0].Active
		}},
		{mutation.AcceptLeaf, acceptsUpload(testcert.Options{NotCA: true})},
		{mutation.AcceptNoSubjectKeyID, acceptsUpload(testcert.Options{NoSubjectKeyID: true})},
		{mutation.AcceptNoAuthorityKeyID, acceptsUpload(testcert.Options{NoAuthorityKeyID: true})},
		{mutation.AcceptNoCertSign, acceptsUpload(testcert.Options{NoCertSign: true})},
		{mutation.GateOpen, func(t *testing.T, c *apiClient) bool {
			ca := newCA(t)
			var up struct{ ID string }
			c.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": ca.PEM}).decode(t, http.StatusOK, &up)
			c.do(t, http.MethodPost, "/organization/projects/proj_default/certificates/activate", map[string]any{"certificate_ids": []string{up.ID}}).decode(t, http.StatusOK, nil)
			// The plain listener presents no client certificate.
			return call(t, http.DefaultClient, http.MethodGet, c.base+"/models", keyDefault, "").status == http.StatusOK
		}},
		{mutation.DeletedStillCounts, func(t *testing.T, c *apiClient) bool {
			var first string
			for i := range emulator.MaxCertificates {
				if id := c.upload(t, "").Id; i == 0 {
					first = id
				}
			}
			c.do(t, http.MethodDelete, "/organization/certificates/"+first, nil).decode(t, http.StatusOK, nil)
			return c.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": newCertPEM(t, testcert.Options{})}).status == http.StatusBadRequest
		}},
		{mutation.ActivationSpreads, func(t *testing.T, c *apiClient) bool {
			id := c.upload(t, "").Id
			toggle := func(project, action string) {
				c.do(t, http.MethodPost, "/organization/projects/"+project+"/certificates/"+action, map[string]any{"certificate_ids": []string{id}}).decode(t, http.StatusOK, nil)
			}
			toggle("proj_alpha", "activate")
			toggle("proj_alpha", "deactivate")
			toggle("proj_beta", "activate")
			return c.listAll(t, "/organization/projects/proj_alpha/certificates", 10, "asc")[0].Active
		}},
		{mutation.PageSkipsAfterDelete, func(t *testing.T, c *apiClient) bool {
			first, gone := c.upload(t, "").Id, c.upload(t, "").Id
			c.upload(t, "")
			c.do(t, http.MethodDelete, "/organization/certificates/"+gone, nil).decode(t, http.StatusOK, nil)
			var page generated.ListCertificatesResponse
			c.do(t, http.MethodGet, "/organization/certificates?order=asc&after="+first, nil).decode(t, http.StatusOK, &page)
			return len(page.Data) == 0
		}},
		{mutation.ReactivationIgnored, func(t *testing.T, c *apiClient) bool {
			id := c.upload(t, "").Id
			for _, action := range []string{"activate", "deactivate", "activate"} {
				c.do(t, http.MethodPost, "/organization/certificates/"+action, map[string]any{"certificate_ids": []string{id}}).decode(t, http.StatusOK, nil)
			}
			return !c.listAll(t, "/organization/certificates", 10, "asc")[0].Active
		}},
		{mutation.ProjectDeactivationReachesOrganization, func(t *testing.T, c *apiClient) bool {
			id := c.upload(t, "").Id
			ids := map[string]any{"certificate_ids": []string{id}}
			c.do(t, http.MethodPost, "/organization/certificates/activate", ids).decode(t, http.StatusOK, nil)
			c.do(t, http.MethodPost, "/organization/projects/proj_default/certificates/deactivate", ids).decode(t, http.StatusOK, nil)
			return !c.listAll(t, "/organization/certificates", 10, "asc")[0].Active
		}},
		{mutation.RenameRestoresActivation, func(t *testing.T, c *apiClient) bool {
			id := c.upload(t, "").Id
			for _, action := range []string{"activate", "deactivate"} {
				c.do(t, http.MethodPost, "/organization/certificates/"+action, map[string]any{"certificate_ids": []string{id}}).decode(t, http.StatusOK, nil)
			}
			c.do(t, http.MethodPost, "/organization/certificates/"+id, map[string]any{"name": "renamed"}).decode(t, http.StatusOK, nil)
			return c.listAll(t, "/organization/certificates", 10, "asc")[0].Active
		}},
		{mutation.OrganizationDeactivationBlocksProjects, func(t *testing.T, c *apiClient) bool {
			id := c.upload(t, "").Id
			ids := map[string]any{"certificate_ids": []string{id}}
			c.do(t, http.MethodPost, "/organization/certificates/deactivate", ids).decode(t, http.StatusOK, nil)
			c.do(t, http.MethodPost, "/organization/projects/proj_default/certificates/activate", ids).decode(t, http.StatusOK, nil)
			return !c.listAll(t, "/organization/projects/proj_default/certificates", 10, "asc")[0].Active
		}},
	}
	covered := map[string]bool{}
	for _, c := range mutation.FieldCells() {
		covered[c.Mutation()] = true // TestFieldMutationsBreakOnlyTheirCell
	}
	for _, tt := range tests {
		covered[tt.mutation] = true
		t.Run(string(tt.mutation), func(t *testing.T) {
			keys := []emulator.ProjectKey{{Key: keyDefault, AdminKey: testKey, Project: "proj_default"}}
			if tt.broken(t, newEmulator(t, emulator.Config{ProjectKeys: keys})) {
				t.Fatal("the rule is broken without the mutation")
			}
			if !tt.broken(t, newEmulator(t, emulator.Config{ProjectKeys: keys, Mutations: []string{tt.mutation}})) {
				t.Fatal("the mutation does not break its rule")
			}
		})
	}
	for _, m := range mutation.Known() {
		if !covered[m] {
			t.Errorf("mutation %s has no case here", m)
		}
	}
}

// acceptsUpload says whether a certificate made with opts is accepted.
func acceptsUpload(opts testcert.Options) func(t *testing.T, c *apiClient) bool {
	return func(t *testing.T, c *apiClient) bool {
		return c.do(t, http.MethodPost, "/organization/certificates", map[string]any{"certificate": newCertPEM(t, opts)}).status == http.StatusOK
	}
}

func TestMutationsMarshalAsTheirNames(t *testing.T) {
	known := mutation.Known()
	const named = 19
	data, err := json.Marshal(known[:named])
	if err != nil {
		t.Fatal(err)
	}
	want := `["ignore-limit","wrong-object","delete-active","non-atomic-toggle","repeat-across-pages","found-unknown-id","active-after-upload","accept-leaf","accept-no-subject-key-id","accept-no-authority-key-id","accept-no-cert-sign","gate-open","deleted-still-counts","activation-spreads","page-skips-after-delete","reactivation-ignored","project-deactivation-reaches-organization","rename-restores-activation","organization-deactivation-blocks-projects"]`
	if string(data) != want {
		t.Fatalf("%s, want %s", data, want)
	}
	cells := mutation.FieldCells()
	if len(known) != named+len(cells) || known[named] != "wrong-id-in-upload" || known[len(known)-1] != cells[len(cells)-1].Mutation() {
		t.Fatalf("after the named mutations, want one per field cell: %v", known[named:])
	}
}
