package generated

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// benchPage is one page of 20 certificates as the API answers it.
func benchPage(tb testing.TB) []byte {
	p := ListCertificatesResponse{Object: "list", HasMore: true}
	for i := range 20 {
		name := fmt.Sprintf("partner-ca-%02d", i)
		validAt, expiresAt := int64(1_767_225_600+i), int64(1_830_297_600+i)
		p.Data = append(p.Data, OrganizationCertificate{
			Object: "organization.certificate", Id: fmt.Sprintf("cert_%032x", i), Name: &name, Active: i%3 == 0,
			CreatedAt: 1_767_225_600 + int64(i), CertificateDetails: ScopedCertificateDetails{ValidAt: &validAt, ExpiresAt: &expiresAt},
		})
	}
	p.FirstId, p.LastId = &p.Data[0].Id, &p.Data[19].Id
	body, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkDecodePage is the client's side of one page of 20 without the
// network: request, answer, decoding and the check against the fragment.
// make profile profiles it; make bench compares the whole call with the
// floor and openai-go over loopback.
func BenchmarkDecodePage(b *testing.B) {
	doer := &answerDoer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: benchPage(b)}
	c, err := New(WithBaseURL("https://api.example.test/v1"), WithAdminKey("sk-admin-bench"), WithHTTPClient(doer))
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		page, err := c.ListOrganizationCertificates(ctx, ListOptions{Limit: 20})
		if err != nil || len(page.Data) != 20 {
			b.Fatalf("%d items, %v", len(page.Data), err)
		}
	}
}

// BenchmarkCheckShape is the check against the fragment alone, on a page
// already decoded: the part of BenchmarkDecodePage that the floor does not
// pay.
func BenchmarkCheckShape(b *testing.B) {
	body := benchPage(b)
	var page ListCertificatesResponse
	if err := json.Unmarshal(body, &page); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := checkShape(body, &page); err != nil {
			b.Fatal(err)
		}
	}
}
