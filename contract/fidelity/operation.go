package fidelity

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/certcontract/certcontract/generated/spec"
)

// operations names the fragment's operation of a recorded request, so a
// report groups divergences the way the fragment and the suite do.
type operations struct {
	router routers.Router
}

func newOperations(baseURL string) (*operations, error) {
	doc, err := spec.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("load the fragment: %w", err)
	}
	doc.Servers = openapi3.Servers{{URL: strings.TrimSuffix(baseURL, "/")}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route the fragment below %s: %w", baseURL, err)
	}
	return &operations{router: router}, nil
}

// name is the operationId, or "METHOD /path" for a request no operation
// matches (the suite sends some on purpose).
func (o *operations) name(method, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return method + " " + rawURL
	}
	req := &http.Request{Method: method, URL: u, Host: u.Host}
	if route, _, err := o.router.FindRoute(req); err == nil && route.Operation.OperationID != "" {
		return route.Operation.OperationID
	}
	return method + " " + u.Path
}
