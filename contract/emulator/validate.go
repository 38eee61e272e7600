package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/certcontract/certcontract/generated"
	"github.com/certcontract/certcontract/generated/spec"
)

// MaxBodyBytes is the largest request body accepted; a larger one gets 413.
const MaxBodyBytes = 64 << 10

// requestValidator checks requests against the fragment. The document is
// loaded and the router built once; both are read-only afterwards, so one
// validator serves every request concurrently.
type requestValidator struct {
	router     routers.Router
	options    *openapi3filter.Options
	operations []string // operationIds, in the fragment's order
	// prepared is keyed by operationId: the router holds a document of its
	// own, so its operations are not the pointers prepare saw.
	prepared map[string]*prepared
	// static holds, by method and path, the route the router finds for
	// each path without parameters, found once at start.
	static map[string]map[string]*routers.Route
}

// sharedRequestValidator loads the fragment once per process: every
// emulator checks against the same document, and a test or fuzz target that
// makes thousands of emulators pays for it once.
var sharedRequestValidator = sync.OnceValues(newRequestValidator)

func newRequestValidator() (*requestValidator, error) {
	// Routes are matched on the path below BasePath, whatever host serves them.
	router, err := spec.Router("")
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	doc, err := spec.Document()
	if err != nil {
		return nil, fmt.Errorf("emulator: loading the fragment: %w", err)
	}
	var operations []string
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			operations = append(operations, op.OperationID)
		}
	}
	slices.Sort(operations)
	static := map[string]map[string]*routers.Route{}
	for path, item := range doc.Paths.Map() {
		if strings.Contains(path, "{") {
			continue
		}
		for method := range item.Operations() {
			route, _, err := router.FindRoute(&http.Request{Method: method, URL: &url.URL{Path: path}})
			if err != nil {
				return nil, fmt.Errorf("emulator: routing the fragment's %s %s: %w", method, path, err)
			}
			if static[method] == nil {
				static[method] = map[string]*routers.Route{}
			}
			static[method][path] = route
		}
	}
	return &requestValidator{
		operations: operations,
		router:     router,
		static:     static,
		prepared:   prepare(doc),
		options: &openapi3filter.Options{
			// The key was checked before validation runs.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			// Handlers apply the defaults; validation must not rewrite the request.
			SkipSettingDefaults: true,
		},
	}, nil
}

// find returns the fragment's route for r and its path parameters; a nil
// route when none matches, which check answers with a 404.
func (v *requestValidator) find(r *http.Request) (*routers.Route, map[string]string) {
	rest, ok := strings.CutPrefix(r.URL.Path, BasePath)
	// The fragment's router ignores a trailing slash; the API does not.
	if !ok || rest == "" || strings.HasSuffix(rest, "/") {
		return nil, nil
	}
	if route := v.static[r.Method][rest]; route != nil {
		return route, nil
	}
	routed := *r
	u := *r.URL
	u.Path, u.RawPath = rest, ""
	routed.URL = &u
	route, pathParams, err := v.router.FindRoute(&routed)
	if err != nil {
		return nil, nil
	}
	return route, pathParams
}

// check refuses a request the fragment does not allow, answering with the
// status and the param a client can act on; route and pathParams are what
// find returned. It returns the request with its body ready to be read
// again by the handler, that body, once read (also when it was refused for
// what it says), and whether the prepared check accepted it: then the raw
// query is a plainQuery.
func (v *requestValidator) check(r *http.Request, route *routers.Route, pathParams map[string]string) (*http.Request, []byte, bool, *apiError) {
	if route == nil {
		return r, nil, false, invalidURL(r)
	}

	p := v.prepared[route.Operation.OperationID]
	var body []byte
	if rb := route.Operation.RequestBody; rb != nil {
		var apiErr *apiError
		if body, apiErr = readJSONBody(r); apiErr != nil {
			return r, nil, false, apiErr
		}
		r.Body = newCheckedBody(body)
	}
	if p != nil && p.accepts(r.URL.RawQuery, body) {
		return r, body, true, nil
	}

	// The query is parsed once, here, for every check that reads it.
	query := r.URL.Query()
	input := &openapi3filter.RequestValidationInput{
		Request:     r,
		PathParams:  pathParams,
		QueryParams: query,
		Route:       route,
		Options:     v.options,
	}
	if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
		return r, body, false, validationError(err)
	}
	if apiErr := refuseUnknownQuery(route, query); apiErr != nil {
		return r, body, false, apiErr
	}
	if body != nil {
		if apiErr := refuseUnknownFields(route, body); apiErr != nil {
			return r, body, false, apiErr
		}
		r.Body = newCheckedBody(body)
	}
	return r, body, false, nil
}

// checkedBody is a request body read and found to be one JSON value, which
// decodeBody decodes from its bytes without reading it again.
type checkedBody struct {
	bytes.Reader
	data []byte
}

func newCheckedBody(data []byte) *checkedBody {
	b := &checkedBody{data: data}
	b.Reset(data)
	return b
}

func (*checkedBody) Close() error { return nil }

func invalidURL(r *http.Request) *apiError {
	return &apiError{status: http.StatusNotFound, typ: typeInvalidRequest,
		message: fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)}
}

// readJSONBody enforces the media type, the size cap and JSON syntax, so the
// schema check only ever sees a well-formed document.
func readJSONBody(r *http.Request) ([]byte, *apiError) {
	contentType := r.Header.Get("Content-Type")
	mediaType, err := contentType, error(nil)
	if contentType != "application/json" { // the usual one needs no parsing
		mediaType, _, err = mime.ParseMediaType(contentType)
	}
	if err != nil || mediaType != "application/json" {
		return nil, &apiError{status: http.StatusUnsupportedMediaType, typ: typeInvalidRequest, code: generated.ErrorCodeUnsupportedMediaType,
			message: "The request body must be JSON, sent with Content-Type: application/json."}
	}
	if r.ContentLength > MaxBodyBytes {
		return nil, tooLarge()
	}
	body, err := readBody(r)
	if err != nil {
		return nil, badRequest("", "", "The request body could not be read.")
	}
	if len(body) > MaxBodyBytes {
		return nil, tooLarge()
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("", "", "A JSON request body is required.")
	}
	// RFC 8259 JSON is UTF-8; encoding/json alone would replace bad bytes.
	if !utf8.Valid(body) || !json.Valid(body) {
		return nil, badRequest("", "", "We could not parse the JSON body of your request. Send valid JSON.")
	}
	return body, nil
}

func tooLarge() *apiError {
	return &apiError{status: http.StatusRequestEntityTooLarge, typ: typeInvalidRequest, code: generated.ErrorCodeRequestTooLarge,
		message: fmt.Sprintf("The request body is larger than %d bytes.", MaxBodyBytes)}
}

// readBody reads at most MaxBodyBytes+1 bytes of r's body, as io.ReadAll
// of an io.LimitReader would, but into one buffer of the announced length
// when there is one, where ReadAll starts at 512 bytes and grows. A
// bytes.Buffer grown to that length and read from a LimitReader measured
// one allocation and 536 bytes more an activate (the buffer escapes, and it
// reads only into 512 free bytes or more).
func readBody(r *http.Request) ([]byte, error) {
	const limit = MaxBodyBytes + 1
	size := 512
	if r.ContentLength > 0 {
		size = int(r.ContentLength) + 1 // room to read the end without growing
	}
	b := make([]byte, 0, size)
	for len(b) < limit {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Body.Read(b[len(b):min(cap(b), limit)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// validationError turns kin-openapi's verdict into the error body, naming the
// query parameter or the top-level body field at fault.
func validationError(err error) *apiError {
	var reqErr *openapi3filter.RequestError
	if !errors.As(err, &reqErr) {
		return badRequest("", "", err.Error())
	}
	param := ""
	if reqErr.Parameter != nil {
		// include[] is the wire name of include; clients know it as include.
		param = strings.TrimSuffix(reqErr.Parameter.Name, "[]")
	}
	reason := reqErr.Reason
	var schemaErr *openapi3.SchemaError
	if errors.As(reqErr.Err, &schemaErr) {
		if p := schemaErr.JSONPointer(); reqErr.RequestBody != nil && len(p) > 0 {
			param = p[0]
		}
		if schemaErr.SchemaField == "required" {
			return badRequest(param, "", fmt.Sprintf("Missing required parameter: '%s'.", param))
		}
		reason = schemaErr.Reason
	} else if reqErr.Err != nil {
		reason = reqErr.Err.Error()
	}
	if param == "" {
		return badRequest("", "", fmt.Sprintf("Invalid request: %s.", reason))
	}
	return badRequest(param, "", fmt.Sprintf("Invalid '%s': %s.", param, reason))
}

// refuseUnknownQuery refuses a query parameter the operation does not
// define, as refuseUnknownFields does for the body: limt=5 must not quietly
// give a page of 20. An array parameter such as include[] may also come
// unbracketed, as a plain form serializer sends it.
func refuseUnknownQuery(route *routers.Route, query url.Values) *apiError {
	defined := slices.Concat(route.PathItem.Parameters, route.Operation.Parameters)
	var unknown []string
	for name := range query {
		if !slices.ContainsFunc(defined, func(p *openapi3.ParameterRef) bool {
			return p.Value != nil && p.Value.In == openapi3.ParameterInQuery && (p.Value.Name == name || p.Value.Name == name+"[]")
		}) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return badRequest(unknown[0], "", fmt.Sprintf("Unrecognized query parameter supplied: %s", unknown[0]))
}

// refuseUnknownFields refuses a body field the operation does not define: a
// typo such as "nmae" must not be silently ignored.
func refuseUnknownFields(route *routers.Route, body []byte) *apiError {
	media := route.Operation.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		// Not an object: the schema check has refused it already.
		return nil
	}
	var unknown []string
	for name := range fields {
		if _, ok := media.Schema.Value.Properties[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return badRequest(unknown[0], "", fmt.Sprintf("Unrecognized request argument supplied: %s", unknown[0]))
}
