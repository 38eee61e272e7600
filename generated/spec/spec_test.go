package spec_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/certcontract/certcontract/generated/spec"
)

func TestFragmentValidates(t *testing.T) {
	doc, err := spec.GetSwagger()
	if err != nil {
		t.Fatalf("load embedded fragment: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("fragment does not validate: %v", err)
	}
}

// A default response would let any status pass validation; the suite relies on
// every status being listed.
func TestNoDefaultResponses(t *testing.T) {
	doc, err := spec.GetSwagger()
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Responses.Default() != nil {
				t.Errorf("%s %s declares a default response", method, path)
			}
		}
	}
}

// Routers share one loaded fragment; each has its own servers, and the
// shared document keeps the fragment's.
func TestRoutersShareTheFragmentUnchanged(t *testing.T) {
	doc, err := spec.Document()
	if err != nil {
		t.Fatal(err)
	}
	urls := func() string {
		var out []string
		for _, s := range doc.Servers {
			out = append(out, s.URL)
		}
		return fmt.Sprint(out)
	}
	servers := urls()
	for _, base := range []string{"http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"} {
		router, err := spec.Router(base)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, base+"/organization/certificates", nil)
		if _, _, err := router.FindRoute(req); err != nil {
			t.Errorf("the router for %s does not route %s: %v", base, req.URL, err)
		}
		other := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:3/v1/organization/certificates", nil)
		if _, _, err := router.FindRoute(other); err == nil {
			t.Errorf("the router for %s routes %s", base, other.URL)
		}
	}
	if again, _ := spec.Document(); again != doc || urls() != servers {
		t.Errorf("the shared fragment changed: servers %s, want %s", urls(), servers)
	}
}
