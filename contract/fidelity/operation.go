package fidelity

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/getkin/kin-openapi/routers"

	"github.com/certcontract/certcontract/generated/spec"
)

// operations names the fragment's operation of a recorded request, so a
// report groups divergences the way the fragment and the suite do.
type operations struct {
	router routers.Router
}

func newOperations(baseURL string) (*operations, error) {
	router, err := spec.Router(baseURL)
	if err != nil {
		return nil, fmt.Errorf("below %s: %w", baseURL, err)
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
