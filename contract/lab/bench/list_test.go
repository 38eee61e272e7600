// Package bench compares the cost of one call, listing a page of 20
// certificates from a local server, through three clients: plain net/http
// with encoding/json (the floor), this project's client, and the official
// openai-go client.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/certcontract/certcontract/generated"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

const (
	adminKey = "sk-admin-bench"
	pageSize = 20
)

// page is one page of pageSize certificates, encoded once so that the server
// costs every client the same.
var page = func() []byte {
	p := generated.ListCertificatesResponse{Object: "list", HasMore: true}
	for i := range pageSize {
		name := fmt.Sprintf("partner-ca-%02d", i)
		validAt, expiresAt := int64(1_767_225_600+i), int64(1_830_297_600+i)
		p.Data = append(p.Data, generated.OrganizationCertificate{
			Object: "organization.certificate", Id: fmt.Sprintf("cert_%032x", i), Name: &name, Active: i%3 == 0,
			CreatedAt: 1_767_225_600 + int64(i), CertificateDetails: generated.ScopedCertificateDetails{ValidAt: &validAt, ExpiresAt: &expiresAt},
		})
	}
	p.FirstId, p.LastId = &p.Data[0].Id, &p.Data[pageSize-1].Id
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}()

// server answers the list under /v1 on 127.0.0.1, as the API would.
func server(tb testing.TB) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/organization/certificates", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+adminKey || r.URL.Query().Get("limit") != "20" {
			http.Error(w, `{"error":{"message":"bad request","type":"invalid_request_error","param":null,"code":null}}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page)
	})
	ts := httptest.NewServer(mux)
	tb.Cleanup(ts.Close)
	return ts
}

// lister lists one page through one client and returns the ids it decoded.
type lister func(ctx context.Context) ([]string, error)

// ids is the same last step for every client, so that it costs them all the
// same.
func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, item := range items {
		out[i] = id(item)
	}
	return out
}

// Each client gets its own transport, so none reuses another's connections.
func httpClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

func floor(base string) lister {
	c := httpClient()
	url := base + "/organization/certificates?limit=20"
	return func(ctx context.Context) ([]string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+adminKey)
		rsp, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		defer rsp.Body.Close()
		if rsp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("status %d", rsp.StatusCode)
		}
		var p generated.ListCertificatesResponse
		if err := json.NewDecoder(rsp.Body).Decode(&p); err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, rsp.Body)
		return ids(p.Data, func(c generated.OrganizationCertificate) string { return c.Id }), nil
	}
}

func ours(tb testing.TB, base string) lister {
	c, err := generated.New(generated.WithBaseURL(base), generated.WithAdminKey(adminKey), generated.WithHTTPClient(httpClient()))
	if err != nil {
		tb.Fatal(err)
	}
	return func(ctx context.Context) ([]string, error) {
		p, err := c.ListOrganizationCertificates(ctx, generated.ListOptions{Limit: pageSize})
		if err != nil {
			return nil, err
		}
		return ids(p.Data, func(c generated.OrganizationCertificate) string { return c.Id }), nil
	}
}

func official(base string) lister {
	c := openai.NewClient(option.WithBaseURL(base+"/"), option.WithAdminAPIKey(adminKey), option.WithHTTPClient(httpClient()))
	params := openai.AdminOrganizationCertificateListParams{Limit: openai.Int(pageSize)}
	return func(ctx context.Context) ([]string, error) {
		p, err := c.Admin.Organization.Certificates.List(ctx, params)
		if err != nil {
			return nil, err
		}
		return ids(p.Data, func(c openai.AdminOrganizationCertificateListResponse) string { return c.ID }), nil
	}
}

type impl struct {
	name string
	list lister
}

func listers(tb testing.TB) []impl {
	base := server(tb).URL + "/v1"
	return []impl{
		{name: "floor", list: floor(base)},
		{name: "certcontract", list: ours(tb, base)},
		{name: "openai-go", list: official(base)},
	}
}

// The three clients must do the same work for the comparison to mean
// anything: send the same request and decode the same page.
func TestSamePage(t *testing.T) {
	var want []string
	for _, l := range listers(t) {
		got, err := l.list(t.Context())
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		if len(got) != pageSize || (want != nil && !slices.Equal(got, want)) {
			t.Errorf("%s: ids %v; want %d ids equal to the floor's", l.name, got, pageSize)
		}
		if want == nil {
			want = got
		}
	}
}

func BenchmarkListPage(b *testing.B) {
	for _, l := range listers(b) {
		b.Run("impl="+l.name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.list(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
