package generated

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// listServer pages through cert_1..cert_<total> in ascending order. When
// emptyLast is set, a page that ends exactly at the last certificate still
// says has_more, so the walk has to fetch an empty last page, as an API that
// does not look ahead would make it do.
type listServer struct {
	total     int
	emptyLast bool
	failAt    int  // answer 404 to this request (from 1); 0: never
	noCursor  bool // say has_more without last_id
	// ignoreAfter answers every request with the first page, as a server
	// that drops the cursor would.
	ignoreAfter bool
	// deleted are removed by someone else once the first page is out: they
	// are listed no more, and a cursor naming one is refused as unknown.
	deleted []int

	mu      sync.Mutex
	queries []string
}

func (s *listServer) handle(n int, r *http.Request) reply {
	s.mu.Lock()
	s.queries = append(s.queries, r.URL.RawQuery)
	s.mu.Unlock()
	if n == s.failAt {
		return reply{status: 404, body: errorBody("not_found", "project_id", "No such project")}
	}
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit == 0 {
		limit = 20
	}
	gone := func(i int) bool { return n > 1 && slices.Contains(s.deleted, i) }
	start := 0
	if after := q.Get("after"); after != "" && !s.ignoreAfter {
		fmt.Sscanf(after, "cert_%d", &start)
		if gone(start) {
			return reply{status: 400, body: errorBody("", "after", "No certificate "+after+" to continue after")}
		}
	}
	object := "organization.certificate"
	if r.URL.Path != "/organization/certificates" {
		object = "organization.project.certificate"
	}
	page := map[string]any{"object": "list", "data": []any{}, "first_id": nil, "last_id": nil}
	var data []any
	var listed []int
	for i := start + 1; i <= s.total && len(data) < limit; i++ {
		if gone(i) {
			continue
		}
		data = append(data, map[string]any{"object": object, "id": fmt.Sprintf("cert_%d", i), "name": nil, "active": i%2 == 0, "created_at": i, "certificate_details": map[string]any{}})
		listed = append(listed, i)
	}
	end := start
	if len(data) > 0 {
		end = listed[len(listed)-1]
		page["data"], page["first_id"], page["last_id"] = data, fmt.Sprintf("cert_%d", listed[0]), fmt.Sprintf("cert_%d", end)
	}
	page["has_more"] = end < s.total || (s.emptyLast && len(data) > 0)
	if s.noCursor {
		page["last_id"] = nil
	}
	body, _ := json.Marshal(page)
	return reply{status: 200, body: string(body)}
}

func ids[T any](seq iter.Seq2[T, error], id func(T) string) ([]string, error) {
	var got []string
	for item, err := range seq {
		if err != nil {
			return got, err
		}
		got = append(got, id(item))
		// No test serves this many; an iterator that loops forever fails here
		// rather than at the test binary's timeout.
		if len(got) > 100 {
			return got, errors.New("the iterator did not stop after 100 items")
		}
	}
	return got, nil
}

func TestAllOrganizationCertificates(t *testing.T) {

	tests := []struct {
		name        string
		server      *listServer
		wantIDs     []string
		wantQueries []string
		wantErr     bool
	}{
		{name: "pages end with has_more false", server: &listServer{total: 5},
			wantIDs:     []string{"cert_1", "cert_2", "cert_3", "cert_4", "cert_5"},
			wantQueries: []string{"limit=2&order=asc", "limit=2&after=cert_2&order=asc", "limit=2&after=cert_4&order=asc"}},
		{name: "an empty last page ends the walk", server: &listServer{total: 4, emptyLast: true},
			wantIDs:     []string{"cert_1", "cert_2", "cert_3", "cert_4"},
			wantQueries: []string{"limit=2&order=asc", "limit=2&after=cert_2&order=asc", "limit=2&after=cert_4&order=asc"}},
		{name: "no certificates at all", server: &listServer{total: 0},
			wantQueries: []string{"limit=2&order=asc"}},
		{name: "an error on the second page ends the walk with it", server: &listServer{total: 5, failAt: 2},
			wantIDs:     []string{"cert_1", "cert_2"},
			wantQueries: []string{"limit=2&order=asc", "limit=2&after=cert_2&order=asc"}, wantErr: true},
		{name: "a cursor someone else deleted: the walk steps back one certificate", server: &listServer{total: 5, deleted: []int{2}},
			wantIDs:     []string{"cert_1", "cert_2", "cert_3", "cert_4", "cert_5"},
			wantQueries: []string{"limit=2&order=asc", "limit=2&after=cert_2&order=asc", "limit=2&after=cert_1&order=asc", "limit=2&after=cert_4&order=asc"}},
		{name: "the cursor and the one before it deleted: the walk starts over and repeats nothing", server: &listServer{total: 5, deleted: []int{1, 2}},
			wantIDs:     []string{"cert_1", "cert_2", "cert_3", "cert_4", "cert_5"},
			wantQueries: []string{"limit=2&order=asc", "limit=2&after=cert_2&order=asc", "limit=2&after=cert_1&order=asc", "limit=2&order=asc", "limit=2&after=cert_4&order=asc"}},
		{name: "others' deletions further on are simply not listed", server: &listServer{total: 5, deleted: []int{4}},
			wantIDs:     []string{"cert_1", "cert_2", "cert_3", "cert_5"},
			wantQueries: []string{"limit=2&order=asc", "limit=2&after=cert_2&order=asc"}},
		{name: "has_more without last_id is an error, not an endless loop", server: &listServer{total: 5, noCursor: true},
			wantIDs:     []string{"cert_1", "cert_2"},
			wantQueries: []string{"limit=2&order=asc"}, wantErr: true},
		{name: "has_more with the cursor just asked for is an error, not an endless loop", server: &listServer{total: 5, ignoreAfter: true},
			wantIDs:     []string{"cert_1", "cert_2", "cert_1", "cert_2"},
			wantQueries: []string{"limit=2&order=asc", "limit=2&after=cert_2&order=asc"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, count := scriptServer(t, tt.server.handle)
			c, _ := newTestClient(t, ts)
			got, err := ids(c.AllOrganizationCertificates(t.Context(), ListOptions{Limit: 2, Order: OrderAsc}),
				func(c OrganizationCertificate) string { return c.Id })
			if (err != nil) != tt.wantErr {
				t.Errorf("error = %v; want error: %v", err, tt.wantErr)
			}
			if !slices.Equal(got, tt.wantIDs) {
				t.Errorf("ids = %v; want %v", got, tt.wantIDs)
			}
			if int(count.Load()) != len(tt.wantQueries) || !slices.Equal(tt.server.queries, tt.wantQueries) {
				t.Errorf("%d requests with queries %q; want %q", count.Load(), tt.server.queries, tt.wantQueries)
			}
		})
	}
}

func TestAllProjectCertificates(t *testing.T) {
	server := listServer{total: 3}
	ts, count := scriptServer(t, func(n int, r *http.Request) reply {
		if r.URL.Path != "/organization/projects/proj_1/certificates" {
			return reply{status: 404, body: errorBody("not_found", "", r.URL.Path)}
		}
		return server.handle(n, r)
	})
	c, _ := newTestClient(t, ts)
	got, err := ids(c.AllProjectCertificates(t.Context(), "proj_1", ListOptions{Limit: 1, After: "cert_1"}),
		func(c OrganizationProjectCertificate) string { return c.Id + "/" + string(c.Object) })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"cert_2/organization.project.certificate", "cert_3/organization.project.certificate"}
	if !slices.Equal(got, want) || count.Load() != 2 {
		t.Errorf("ids = %v after %d requests; want %v after 2", got, count.Load(), want)
	}
}

func TestAllStopsEarly(t *testing.T) {
	params := ListOptions{Limit: 2}
	t.Run("break", func(t *testing.T) {
		server := listServer{total: 10}
		ts, count := scriptServer(t, server.handle)
		c, _ := newTestClient(t, ts)
		for cert, err := range c.AllOrganizationCertificates(t.Context(), params) {
			if err != nil || cert.Id == "cert_2" {
				break
			}
		}
		if count.Load() != 1 {
			t.Errorf("requests = %d; want 1", count.Load())
		}
	})
	t.Run("context cancelled inside the loop", func(t *testing.T) {
		server := listServer{total: 10}
		ts, count := scriptServer(t, server.handle)
		c, _ := newTestClient(t, ts)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var seen []string
		var last error
		for cert, err := range c.AllOrganizationCertificates(ctx, params) {
			if err != nil {
				last = err
				continue
			}
			seen = append(seen, cert.Id)
			cancel()
		}
		if !errors.Is(last, context.Canceled) || len(seen) != 1 || count.Load() != 1 {
			t.Errorf("seen %v, error %v after %d requests; want one certificate, context.Canceled, 1 request", seen, last, count.Load())
		}
	})
	t.Run("context already done", func(t *testing.T) {
		server := listServer{total: 10}
		ts, count := scriptServer(t, server.handle)
		c, _ := newTestClient(t, ts)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := ids(c.AllOrganizationCertificates(ctx, params), func(c OrganizationCertificate) string { return c.Id }); !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v; want context.Canceled", err)
		}
		if count.Load() != 0 {
			t.Errorf("requests = %d; want 0", count.Load())
		}
	})
}

// A server that refuses every cursor ends the walk with its error after a
// bounded number of steps back, rather than going round forever.
func TestAllGivesUpOnAServerRefusingEveryCursor(t *testing.T) {
	server := listServer{total: 5}
	ts, count := scriptServer(t, func(n int, r *http.Request) reply {
		if r.URL.Query().Get("after") != "" {
			return reply{status: 400, body: errorBody("", "after", "No such certificate to continue after")}
		}
		return server.handle(n, r)
	})
	c, _ := newTestClient(t, ts)
	_, err := ids(c.AllOrganizationCertificates(t.Context(), ListOptions{Limit: 2}),
		func(c OrganizationCertificate) string { return c.Id })
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Param != "after" {
		t.Fatalf("error = %v; want the refusal of the cursor", err)
	}
	if n := count.Load(); n > 3*(maxStepBacks+1) {
		t.Errorf("%d requests before giving up", n)
	}
}

// A server whose cursors cycled between two ids kept the iterator going
// forever: only a repeat of the cursor just asked with was caught.
func TestCursorCycleEndsTheWalk(t *testing.T) {
	tests := []struct {
		name  string
		start string
		// next maps the cursor asked with to the page's last_id.
		next         map[string]string
		wantRequests int32
	}{
		{name: "two ids taking turns", next: map[string]string{"": "cert_a", "cert_a": "cert_b", "cert_b": "cert_a"}, wantRequests: 3},
		{name: "back to the first page's cursor", next: map[string]string{"": "cert_a", "cert_a": "cert_b", "cert_b": "cert_c", "cert_c": "cert_a"}, wantRequests: 4},
		{name: "back to where the walk started", start: "cert_s", next: map[string]string{"cert_s": "cert_a", "cert_a": "cert_s"}, wantRequests: 2},
		{name: "the cursor just asked with", next: map[string]string{"": "cert_a", "cert_a": "cert_a"}, wantRequests: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, count := scriptServer(t, func(_ int, r *http.Request) reply {
				last := tt.next[r.URL.Query().Get("after")]
				item := fmt.Sprintf(`{"object":"organization.certificate","id":%q,"name":null,"active":true,"created_at":1,"certificate_details":{}}`, last)
				return reply{status: 200, body: fmt.Sprintf(`{"object":"list","data":[%s],"has_more":true,"first_id":%q,"last_id":%q}`, item, last, last)}
			})
			c, _ := newTestClient(t, ts)
			_, err := ids(c.AllOrganizationCertificates(t.Context(), ListOptions{After: tt.start}), func(c OrganizationCertificate) string { return c.Id })
			if err == nil || !strings.Contains(err.Error(), "a cursor this walk has already used") {
				t.Errorf("error = %v; want the walk ended on a used cursor", err)
			}
			if count.Load() != tt.wantRequests {
				t.Errorf("requests = %d; want %d", count.Load(), tt.wantRequests)
			}
		})
	}
}
