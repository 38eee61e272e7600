package generated

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkDecodePage is the client's side of one page of 20 without the
// network: request, answer, decoding and the check against the fragment.
// make profile profiles it; make bench compares the whole call with the
// floor and openai-go over loopback.
func BenchmarkDecodePage(b *testing.B) {
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
		b.Fatal(err)
	}
	doer := &answerDoer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: body}
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
