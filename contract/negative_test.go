package contract_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/negative"
	"github.com/certcontract/certcontract/generated"
	"github.com/certcontract/certcontract/generated/spec"
)

// rawResult is an answer read off the wire, for requests the typed client
// cannot make.
type rawResult struct {
	status int
	body   []byte
}

func (r rawResult) StatusCode() int { return r.status }
func (r rawResult) GetBody() []byte { return r.body }

// negativeEntries is one table entry per constraint of the fragment.
func negativeEntries() ([]TableEntry, error) {
	doc, err := spec.Document()
	if err != nil {
		return nil, err
	}
	cases, err := negative.Derive(doc)
	if err != nil {
		return nil, err
	}
	entries := make([]TableEntry, len(cases))
	for i, c := range cases {
		entries[i] = Entry(c.Name(), c)
	}
	return entries, nil
}

var _ = Describe("Every constraint of the fragment", func() {
	entries, err := negativeEntries()
	if err != nil {
		It("can be derived from the fragment", func() { Fail(err.Error()) })
		return
	}
	DescribeTable("broken alone gets a 400 naming the parameter or body field",
		func(ctx SpecContext, c negative.Case) {
			o := newOrg()
			up, _ := o.upload(ctx, "negative")
			f := negative.Fixture{
				Path: map[string]string{"certificate_id": up.Id, "project_id": o.project()},
				Fields: map[string]any{
					"certificate":     validCert().pem,
					"certificate_ids": []string{up.Id},
					"name":            certName("negative"),
				},
			}
			req, err := c.Request(invalid(ctx), target.baseURL, f)
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Authorization", "Bearer "+o.key)
			res := must(target.http.Do(req))
			body, err := io.ReadAll(res.Body)
			_ = res.Body.Close()
			Expect(err).NotTo(HaveOccurred())
			if c.OperationID == "uploadCertificate" && res.StatusCode == http.StatusOK {
				var stored generated.Certificate
				Expect(json.Unmarshal(body, &stored)).To(Succeed())
				o.removeLater(stored.Id)
			}
			expectError(rawResult{res.StatusCode, body}, badRequest(""))
			var e generated.ErrorResponse
			Expect(json.Unmarshal(body, &e)).To(Succeed())
			// include[] is the wire name; clients know it as include.
			Expect(e.Error.Param).To(HaveValue(Or(Equal(c.Param), Equal(strings.TrimSuffix(c.Param, "[]")))),
				"the param the refusal names; body: %s", body)
		},
		entries,
	)
})
