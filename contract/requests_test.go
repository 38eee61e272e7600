package contract_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/validator"
	"github.com/certcontract/certcontract/generated"
)

// What requests are made of: names and ids, parameters, bodies, and the ways
// a spec marks a request.

// certName carries the run id so a sweep can find whatever this run created.
func certName(label string) string { return names.Cert(label) }

// unknownProject is a project id no organization has.
func unknownProject() string { return "proj_contract_missing_" + names.Run }

// unknownCertificate is a certificate id no organization has.
func unknownCertificate() string { return "cert_contract_missing_" + names.Run }

// withContent asks get for the PEM as uploaded.
var withContent = &generated.GetCertificateParams{Include: &[]generated.GetCertificateParamsInclude{generated.GetCertificateParamsIncludeContent}}

func toggle(ids ...string) generated.ToggleCertificatesRequest {
	return generated.ToggleCertificatesRequest{CertificateIds: ids}
}

func ids(certs []generated.Certificate) []string {
	out := make([]string, len(certs))
	for i, c := range certs {
		out[i] = c.Id
	}
	return out
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

func jsonString(s string) string {
	b, err := json.Marshal(s)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// invalid marks a request as deliberately breaking the fragment: it is sent,
// and only its response is validated.
func invalid(ctx context.Context) context.Context { return validator.ExpectInvalidRequest(ctx) }

// withFault asks the emulator to answer this request with a fault (with
// Faults.Header on, or -fault-header on the command).
func withFault(status int) generated.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set(emulator.FaultHeader, strconv.Itoa(status))
		return nil
	}
}
