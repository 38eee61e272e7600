package emulator_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

func TestEmptyList(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	for _, path := range []string{"/organization/certificates", "/organization/projects/proj_alpha/certificates"} {
		var raw map[string]any
		c.do(t, http.MethodGet, path, nil).decode(t, http.StatusOK, &raw)
		want := map[string]any{"object": "list", "data": []any{}, "has_more": false, "first_id": nil, "last_id": nil}
		if !jsonEqual(raw, want) {
			t.Errorf("%s: %v, want %v", path, raw, want)
		}
	}
}

// Uploads within one second tie on created_at; the walk must still give every
// certificate exactly once, in upload order (asc) or its reverse (desc).
func TestListWalksEveryCertificateOnce(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	var uploaded []string
	for i := range 23 {
		uploaded = append(uploaded, c.upload(t, "c"+strconv.Itoa(i)).Id)
	}
	reversed := slices.Clone(uploaded)
	slices.Reverse(reversed)

	for _, path := range []string{"/organization/certificates", "/organization/projects/proj_alpha/certificates"} {
		for _, tt := range []struct {
			order string
			want  []string
		}{{"asc", uploaded}, {"desc", reversed}} {
			for _, limit := range []int{1, 2, 5, 7, 20, 23, 100} {
				t.Run(path+"/"+tt.order+"/"+strconv.Itoa(limit), func(t *testing.T) {
					var got []string
					for _, item := range c.listAll(t, path, limit, tt.order) {
						got = append(got, item.Id)
					}
					if !slices.Equal(got, tt.want) {
						t.Fatalf("walk gave %v, want %v", got, tt.want)
					}
				})
			}
		}
	}
}

func TestListPageFields(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	var ids []string
	for range 25 {
		ids = append(ids, c.upload(t, "").Id)
	}
	// Default: 20, newest first.
	var page generated.ListCertificatesResponse
	c.do(t, http.MethodGet, "/organization/certificates", nil).decode(t, http.StatusOK, &page)
	if len(page.Data) != 20 || !page.HasMore || *page.FirstId != ids[24] || *page.LastId != ids[5] {
		t.Fatalf("default page: %d items, has_more %v, first %v, last %v", len(page.Data), page.HasMore, *page.FirstId, *page.LastId)
	}
	for i, item := range page.Data {
		if item.Object != "organization.certificate" || item.Id != ids[24-i] || item.Active {
			t.Fatalf("item %d: %+v", i, item)
		}
	}
	// The last page: exactly what is left, has_more false.
	var last generated.ListCertificatesResponse
	c.do(t, http.MethodGet, "/organization/certificates?after="+*page.LastId, nil).decode(t, http.StatusOK, &last)
	if len(last.Data) != 5 || last.HasMore || *last.FirstId != ids[4] || *last.LastId != ids[0] {
		t.Fatalf("last page: %d items, has_more %v", len(last.Data), last.HasMore)
	}
	// A page that ends exactly at the end has has_more false.
	var exact generated.ListCertificatesResponse
	c.do(t, http.MethodGet, "/organization/certificates?order=asc&limit=5&after="+ids[19], nil).decode(t, http.StatusOK, &exact)
	if len(exact.Data) != 5 || exact.HasMore {
		t.Fatalf("exact page: %d items, has_more %v", len(exact.Data), exact.HasMore)
	}
	// After the last certificate: an empty page.
	var empty generated.ListCertificatesResponse
	c.do(t, http.MethodGet, "/organization/certificates?order=asc&after="+ids[24], nil).decode(t, http.StatusOK, &empty)
	if len(empty.Data) != 0 || empty.HasMore || empty.FirstId != nil || empty.LastId != nil {
		t.Fatalf("page after the last: %+v", empty)
	}
}

func TestListRefusesBadParameters(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	id := c.upload(t, "").Id
	c.do(t, http.MethodDelete, "/organization/certificates/"+id, nil).decode(t, http.StatusOK, nil)
	tests := []struct {
		name      string
		query     string
		wantParam string
	}{
		{"limit 0", "limit=0", "limit"},
		{"limit 101", "limit=101", "limit"},
		{"limit negative", "limit=-1", "limit"},
		{"limit not a number", "limit=ten", "limit"},
		{"order unknown", "order=newest", "order"},
		{"order upper case", "order=ASC", "order"},
		{"after unknown", "after=cert_nothing", "after"},
		{"after a deleted certificate", "after=" + id, "after"},
	}
	for _, path := range []string{"/organization/certificates", "/organization/projects/proj_alpha/certificates"} {
		for _, tt := range tests {
			t.Run(path+"/"+tt.name, func(t *testing.T) {
				c.do(t, http.MethodGet, path+"?"+tt.query, nil).wantError(t, apiErr{status: http.StatusBadRequest, param: tt.wantParam})
			})
		}
	}
	for _, limit := range []string{"1", "100"} {
		c.do(t, http.MethodGet, "/organization/certificates?limit="+limit, nil).decode(t, http.StatusOK, nil)
	}
}

func TestProjectListShowsTheProjectState(t *testing.T) {
	c := newEmulator(t, emulator.Config{})
	a, b := c.upload(t, "a").Id, c.upload(t, "b").Id
	c.do(t, http.MethodPost, "/organization/projects/proj_alpha/certificates/activate", map[string]any{"certificate_ids": []string{a}}).decode(t, http.StatusOK, nil)
	c.do(t, http.MethodPost, "/organization/certificates/activate", map[string]any{"certificate_ids": []string{b}}).decode(t, http.StatusOK, nil)

	var alpha generated.ListProjectCertificatesResponse
	c.do(t, http.MethodGet, "/organization/projects/proj_alpha/certificates?order=asc", nil).decode(t, http.StatusOK, &alpha)
	state := func(items []generated.OrganizationProjectCertificate) map[string]bool {
		m := map[string]bool{}
		for _, it := range items {
			if it.Object != "organization.project.certificate" {
				t.Fatalf("project list item object %q", it.Object)
			}
			m[it.Id] = it.Active
		}
		return m
	}
	if got := state(alpha.Data); !got[a] || got[b] || len(got) != 2 {
		t.Fatalf("proj_alpha: %v, want %s only active", got, a)
	}
	var beta generated.ListProjectCertificatesResponse
	c.do(t, http.MethodGet, "/organization/projects/proj_beta/certificates", nil).decode(t, http.StatusOK, &beta)
	if got := state(beta.Data); got[a] || got[b] || len(got) != 2 {
		t.Fatalf("proj_beta: %v, want none active", got)
	}
	org := map[string]bool{}
	for _, it := range c.listAll(t, "/organization/certificates", 10, "asc") {
		org[it.Id] = it.Active
	}
	if org[a] || !org[b] {
		t.Fatalf("organization: %v, want %s only active", org, b)
	}
}

func TestUnknownProjectIsNotFound(t *testing.T) {
	c := newEmulator(t, emulator.Config{Projects: []string{"proj_only"}})
	id := c.upload(t, "").Id
	ids := map[string]any{"certificate_ids": []string{id}}
	for _, tt := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/organization/projects/proj_default/certificates", nil},
		{http.MethodPost, "/organization/projects/proj_nope/certificates/activate", ids},
		{http.MethodPost, "/organization/projects/proj_nope/certificates/deactivate", ids},
	} {
		c.do(t, tt.method, tt.path, tt.body).wantError(t, apiErr{status: http.StatusNotFound, param: "project_id", code: generated.ErrorCodeNotFound})
	}
	c.do(t, http.MethodGet, "/organization/projects/proj_only/certificates", nil).decode(t, http.StatusOK, nil)
}
