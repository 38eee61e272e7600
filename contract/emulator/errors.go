package emulator

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/certcontract/certcontract/contract/emulator/internal/answer"
	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/contract/emulator/internal/store"
	"github.com/certcontract/certcontract/generated"
)

// Error types as the live API spells them. The codes are the fragment's
// ErrorCode constants, which the client and the suite compare with.
const (
	typeInvalidRequest = "invalid_request_error"
	typeRateLimit      = "requests"
	typeServer         = "server_error"
)

// codeOrganizationLimit is the emulator's own code, beside the fragment's:
// it holds the most organizations it may (Config.MaxOrganizations).
const codeOrganizationLimit generated.ErrorCode = "organization_limit_reached"

// apiError is one error answer: a status and the OpenAI error body.
type apiError struct {
	status     int
	message    string
	typ        string
	param      string              // empty: null
	code       generated.ErrorCode // empty: null
	retryAfter int                 // seconds; 0: no Retry-After header
}

func badRequest(param string, code generated.ErrorCode, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: typeInvalidRequest, param: param, code: code, message: message}
}

// refusals map each rule of the store to the API's answer when it is broken.
// A rule about certificate ids names the operation's own parameter:
// certificate_id in the path, or the certificate_ids of a toggle's body.
var refusals = []struct {
	rule     error
	status   int
	code     generated.ErrorCode
	param    string // "": null
	namesIDs bool   // param is the operation's id parameter
}{
	{rule: store.ErrInvalidCertificate, status: http.StatusBadRequest, param: "certificate"},
	{rule: store.ErrCertificateLimit, status: http.StatusBadRequest, code: generated.ErrorCodeCertificateLimitReached},
	{rule: store.ErrUnknownCertificate, status: http.StatusNotFound, code: generated.ErrorCodeNotFound, namesIDs: true},
	{rule: store.ErrUnknownProject, status: http.StatusNotFound, code: generated.ErrorCodeNotFound, param: "project_id"},
	{rule: store.ErrUnknownCursor, status: http.StatusBadRequest, param: "after"},
	{rule: store.ErrCertificateActive, status: http.StatusBadRequest, code: generated.ErrorCodeCertificateActive, namesIDs: true},
	{rule: store.ErrClientCertificateRequired, status: http.StatusForbidden, code: codeClientCertificateRequired},
	{rule: store.ErrClientCertificateRefused, status: http.StatusForbidden, code: codeClientCertificateRefused},
}

// refusal is the answer to a store error; ids is the operation's parameter
// naming certificate ids. An error that names no rule is the emulator's own
// fault, a 500.
func refusal(err error, ids string) *apiError {
	for _, r := range refusals {
		if errors.Is(err, r.rule) {
			param := r.param
			if r.namesIDs {
				param = ids
			}
			return &apiError{status: r.status, typ: typeInvalidRequest, param: param, code: r.code, message: err.Error()}
		}
	}
	return internalError()
}

// internalError is the answer to the emulator's own failures.
func internalError() *apiError {
	return &apiError{status: http.StatusInternalServerError, typ: typeServer,
		message: "The server had an error while processing your request."}
}

func (e *apiError) Error() string { return e.message }

func (e *apiError) write(w http.ResponseWriter) {
	body := generated.ErrorResponse{Error: generated.Error{Message: e.message, Type: e.typ}}
	if e.param != "" {
		body.Error.Param = &e.param
	}
	if e.code != "" {
		body.Error.Code = &e.code
	}
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	writeJSON(w, e.status, body)
}

// writeParamError answers the generated wrapper's parameter errors. Validation
// runs first and refuses the same inputs, so this is a second line only.
func writeParamError(w http.ResponseWriter, _ *http.Request, err error) {
	var param string
	var format *server.InvalidParamFormatError
	var required *server.RequiredParamError
	switch {
	case errors.As(err, &format):
		param = format.ParamName
	case errors.As(err, &required):
		param = required.ParamName
	}
	badRequest(param, "", err.Error()).write(w)
}

// writeJSON and writeBody are shared with the mutations (package answer).
var (
	writeJSON = answer.WriteJSON
	writeBody = answer.WriteBody
)
