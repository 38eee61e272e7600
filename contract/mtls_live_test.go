package contract_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/internal/suite"
)

// The mutual TLS gate of a live endpoint (CONTRACT_MTLS_BASE_URL, docs/mtls.md):
// the two cases a live organization can show without the suite changing its
// CAs, given a client certificate of a CA active for the project key's
// project. The other cases of the gate need CAs the suite made and
// activated, and stay with the emulator ("The mutual TLS gate", labelled
// emulator-only).
var _ = Describe("The mutual TLS gate of a live endpoint", func() {
	var m *suite.MTLSTarget
	BeforeEach(func() {
		if m = cfg.MTLS; m == nil {
			Skip("needs an mTLS endpoint: set " + suite.EnvMTLSBaseURL + ", " + suite.EnvMTLSClientCert + ", " + suite.EnvMTLSClientKey + " and " + suite.EnvProjectKey)
		}
	})

	// models asks GET /models with the project key, presenting the client
	// certificate or none.
	models := func(ctx SpecContext, present bool) (*http.Response, []byte, error) {
		tr := &http.Transport{TLSClientConfig: m.TLS(present)}
		defer tr.CloseIdleConnections()
		// As the SDKs' mTLS recipes: redirects off.
		client := &http.Client{Transport: tr, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.BaseURL+"/models", nil)
		Expect(err).NotTo(HaveOccurred())
		req.Header.Set("Authorization", "Bearer "+m.ProjectKey)
		resp, err := client.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}

	It("accepts a request with the client certificate of a CA active for the project", func(ctx SpecContext) {
		resp, body, err := models(ctx, true)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(http.StatusOK), "GET /models with the client certificate: %s", body)
		var list struct {
			Object string `json:"object"`
			Data   []struct {
				ID     string `json:"id"`
				Object string `json:"object"`
			} `json:"data"`
		}
		Expect(json.Unmarshal(body, &list)).To(Succeed(), "%s", body)
		Expect(list.Object).To(Equal("list"))
		Expect(list.Data).NotTo(BeEmpty())
		Expect(list.Data[0].Object).To(Equal("model"))
	})

	// The form of a live refusal is unpublished: the emulator answers 403
	// (docs/mtls.md, decisions); a live endpoint may fail the handshake
	// instead. Either is a refusal; the report says which it was.
	It("refuses a request without a client certificate", func(ctx SpecContext) {
		resp, body, err := models(ctx, false)
		if err != nil {
			Expect(ctx.Err()).NotTo(HaveOccurred(), "interrupted: %v", err)
			AddReportEntry("refusal", fmt.Sprintf("the connection failed: %v", err))
			return
		}
		AddReportEntry("refusal", fmt.Sprintf("%d %s", resp.StatusCode, body))
		Expect(resp.StatusCode).To(BeNumerically(">=", 400), "GET /models without a client certificate was answered: %s", body)
		var e struct {
			Error *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		Expect(json.Unmarshal(body, &e)).To(Succeed(), "an HTTP refusal, not OpenAI-shaped: %s", body)
		Expect(e.Error).NotTo(BeNil(), "an HTTP refusal without an error object: %s", body)
	})
})
