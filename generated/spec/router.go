package spec

import (
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Document is the fragment, loaded once per process and shared: it is read,
// never changed. Loading is the costly part (kin-openapi reads the embedded
// JSON as YAML, for its origins), and one run of the suite builds a router
// for its validator, the emulator and the replay, which used to load the
// fragment six times.
var Document = sync.OnceValues(GetSpec)

// Router routes requests to the fragment's operations: the one way the
// validator, the emulator and the replay build a router. baseURL is where the
// API lives (https://api.openai.com/v1, an emulator's http://127.0.0.1:PORT/v1),
// and paths are matched below it; with baseURL empty, a request's path is
// matched as the fragment writes it, whatever host serves it. Building the
// router validates the fragment, so an invalid one fails here.
func Router(baseURL string) (routers.Router, error) {
	shared, err := Document()
	if err != nil {
		return nil, fmt.Errorf("loading the fragment: %w", err)
	}
	// The router's own top level, whose servers are set below; everything
	// under it is the shared document's.
	doc := *shared
	doc.Servers = nil
	if baseURL != "" {
		doc.Servers = openapi3.Servers{{URL: strings.TrimSuffix(baseURL, "/")}}
	}
	router, err := legacy.NewRouter(&doc)
	if err != nil {
		return nil, fmt.Errorf("routing the fragment: %w", err)
	}
	return router, nil
}
