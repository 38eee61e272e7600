package emulator_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// toggleResponse decodes all four toggle responses alike.
type toggleResponse struct {
	Object string                              `json:"object"`
	Data   []generated.OrganizationCertificate `json:"data"`
}

var toggles = []struct {
	path       string
	active     bool
	object     string
	itemObject string
}{
	{"/organization/certificates/activate", true, "organization.certificate.activation", "organization.certificate"},
	{"/organization/certificates/deactivate", false, "organization.certificate.deactivation", "organization.certificate"},
	{"/organization/projects/proj_alpha/certificates/activate", true, "organization.project.certificate.activation", "organization.project.certificate"},
	{"/organization/projects/proj_alpha/certificates/deactivate", false, "organization.project.certificate.deactivation", "organization.project.certificate"},
}

func TestToggleAnswersTheBatchInRequestOrder(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	a, b, d := c.upload(t, "a").Id, c.upload(t, "b").Id, c.upload(t, "d").Id
	for _, tg := range toggles {
		t.Run(tg.path, func(t *testing.T) {
			// Twice: the repeat answers the same, nothing changes (idempotent).
			var first toggleResponse
			for i := range 2 {
				var resp toggleResponse
				c.do(t, http.MethodPost, tg.path, map[string]any{"certificate_ids": []string{d, a, d, b, a}}).decode(t, http.StatusOK, &resp)
				if resp.Object != tg.object {
					t.Fatalf("object %q, want %q", resp.Object, tg.object)
				}
				var ids []string
				for _, it := range resp.Data {
					ids = append(ids, it.Id)
					if string(it.Object) != tg.itemObject || it.Active != tg.active {
						t.Fatalf("item %+v, want object %s active %v", it, tg.itemObject, tg.active)
					}
				}
				if want := []string{d, a, b}; !slices.Equal(ids, want) {
					t.Fatalf("ids %v, want %v (request order, duplicates collapsed)", ids, want)
				}
				if i == 0 {
					first = resp
				} else if !jsonEqual(first, resp) {
					t.Fatalf("repeat answered %+v, first %+v", resp, first)
				}
			}
		})
	}
}

func TestToggleIsAllOrNothing(t *testing.T) {
	for _, tg := range toggles {
		t.Run(tg.path, func(t *testing.T) {
			c := newEmulator(t, emulator.Config{})
			a, b := c.upload(t, "").Id, c.upload(t, "").Id
			// Start from the opposite state, so a partial toggle would show.
			opposite := map[bool]string{true: "deactivate", false: "activate"}[tg.active]
			scope := "/organization/certificates/"
			if tg.itemObject == "organization.project.certificate" {
				scope = "/organization/projects/proj_alpha/certificates/"
			}
			c.do(t, http.MethodPost, scope+opposite, map[string]any{"certificate_ids": []string{a, b}}).decode(t, http.StatusOK, nil)

			c.do(t, http.MethodPost, tg.path, map[string]any{"certificate_ids": []string{a, "cert_unknown", b}}).
				wantError(t, apiErr{status: http.StatusNotFound, param: "certificate_ids", code: generated.ErrorCodeNotFound})
			for _, it := range c.listAll(t, scope[:len(scope)-1], 100, "asc") {
				if it.Active == tg.active {
					t.Fatalf("%s changed although the batch was refused", it.Id)
				}
			}
		})
	}
}

func TestToggleBodyRules(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	id := c.upload(t, "").Id
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = id
	}
	tests := []struct {
		name      string
		body      any
		wantParam string
	}{
		{"reference page body", map[string]any{"data": []string{"cert_abc", "cert_def"}}, "certificate_ids"},
		{"empty object", map[string]any{}, "certificate_ids"},
		{"no ids", map[string]any{"certificate_ids": []string{}}, "certificate_ids"},
		{"eleven ids", map[string]any{"certificate_ids": eleven}, "certificate_ids"},
		{"ids not strings", map[string]any{"certificate_ids": []int{1}}, "certificate_ids"},
		{"ids a string", map[string]any{"certificate_ids": id}, "certificate_ids"},
		{"ids null", map[string]any{"certificate_ids": nil}, "certificate_ids"},
		{"extra field", map[string]any{"certificate_ids": []string{id}, "data": []string{id}}, "data"},
		{"an array", []string{id}, ""},
	}
	for _, tg := range toggles {
		for _, tt := range tests {
			t.Run(tg.path+"/"+tt.name, func(t *testing.T) {
				c.do(t, http.MethodPost, tg.path, tt.body).wantError(t, apiErr{status: http.StatusBadRequest, param: tt.wantParam})
			})
		}
	}
	// Ten is allowed.
	var resp toggleResponse
	c.do(t, http.MethodPost, toggles[0].path, map[string]any{"certificate_ids": eleven[:10]}).decode(t, http.StatusOK, &resp)
	if len(resp.Data) != 1 {
		t.Fatalf("ten copies of one id gave %d items", len(resp.Data))
	}
}

// Organization and project state are independent of each other and between
// projects.
func TestToggleScopesAreIndependent(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	id := c.upload(t, "").Id
	ids := map[string]any{"certificate_ids": []string{id}}
	activeIn := func(path string) bool {
		t.Helper()
		items := c.listAll(t, path, 100, "asc")
		if len(items) != 1 {
			t.Fatalf("%s: %d items", path, len(items))
		}
		return items[0].Active
	}
	steps := []struct {
		toggle                string
		wantOrg, wantA, wantB bool
	}{
		{"/organization/projects/proj_alpha/certificates/activate", false, true, false},
		{"/organization/certificates/activate", true, true, false},
		{"/organization/projects/proj_beta/certificates/activate", true, true, true},
		{"/organization/certificates/deactivate", false, true, true},
		{"/organization/projects/proj_alpha/certificates/deactivate", false, false, true},
	}
	for i, st := range steps {
		c.do(t, http.MethodPost, st.toggle, ids).decode(t, http.StatusOK, nil)
		got := []bool{activeIn("/organization/certificates"), activeIn("/organization/projects/proj_alpha/certificates"), activeIn("/organization/projects/proj_beta/certificates")}
		if want := []bool{st.wantOrg, st.wantA, st.wantB}; !slices.Equal(got, want) {
			t.Fatalf("step %d (%s): org, alpha, beta = %v, want %v", i, st.toggle, got, want)
		}
	}
}

func TestToggleNamesTheUnknownID(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	ids := []string{c.upload(t, "").Id}
	for i := range 3 {
		ids = append(ids, "cert_missing_"+strconv.Itoa(i))
	}
	r := c.do(t, http.MethodPost, "/organization/certificates/activate", map[string]any{"certificate_ids": ids})
	r.wantError(t, apiErr{status: http.StatusNotFound, param: "certificate_ids", code: generated.ErrorCodeNotFound})
	if !strings.Contains(string(r.body), "cert_missing_0") {
		t.Fatalf("the message does not name the first unknown id: %s", r.body)
	}
}
