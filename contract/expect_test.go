package contract_test

import (
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/certcontract/certcontract/generated"
)

// must fails the spec on a transport error, which includes every validation
// failure of the exchange.
func must[R any](r R, err error) R {
	GinkgoHelper()
	if err != nil {
		// The message is the validator's report (method, path, status,
		// finding, body), already redacted; printed as is, it reads best.
		Fail(err.Error())
	}
	return r
}

// result is what every generated response has.
type result interface {
	StatusCode() int
	GetBody() []byte
}

func expectStatus(r result, status int) {
	GinkgoHelper()
	Expect(r.StatusCode()).To(Equal(status), "unexpected status; body: %s", excerpt(r.GetBody()))
}

func excerpt(b []byte) string {
	if len(b) > 512 {
		return string(b[:512]) + "..."
	}
	return string(b)
}

// wantError is the part of an error body a spec checks; empty fields are not
// checked.
type wantError struct {
	status int
	typ    string
	param  string
	code   generated.ErrorCode
}

func expectError(r result, want wantError) {
	GinkgoHelper()
	expectStatus(r, want.status)
	var body generated.ErrorResponse
	Expect(json.Unmarshal(r.GetBody(), &body)).To(Succeed())
	Expect(body.Error.Message).NotTo(BeEmpty(), "the error should say what went wrong")
	if want.typ != "" {
		Expect(body.Error.Type).To(Equal(want.typ), "error type; body: %s", r.GetBody())
	}
	if want.param != "" {
		Expect(body.Error.Param).To(HaveValue(Equal(want.param)), "error param; body: %s", r.GetBody())
	}
	if want.code != "" {
		Expect(body.Error.Code).To(HaveValue(Equal(want.code)), "error code; body: %s", r.GetBody())
	}
}

func badRequest(param string) wantError {
	return wantError{status: http.StatusBadRequest, typ: "invalid_request_error", param: param}
}

func notFound(param string) wantError {
	return wantError{status: http.StatusNotFound, param: param, code: generated.ErrorCodeNotFound}
}

var unauthorized = wantError{status: http.StatusUnauthorized, typ: "invalid_request_error", code: generated.ErrorCodeInvalidAPIKey}
