package drift

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Cut returns a document holding only the operations of doc tagged tag, the
// path-level parameters of their paths, every component they reference
// (directly or through other components), the security schemes their
// security requirements name, and doc's own info, servers and document-wide
// security. References keep their names, so a renamed component is visible.
func Cut(doc *openapi3.T, tag string) (*openapi3.T, error) {
	out := &openapi3.T{
		OpenAPI:    doc.OpenAPI,
		Info:       doc.Info,
		Servers:    doc.Servers,
		Security:   doc.Security,
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{},
	}
	for _, t := range doc.Tags {
		if t != nil && t.Name == tag {
			out.Tags = openapi3.Tags{t}
		}
	}
	c := newCollector()
	if doc.Paths != nil {
		for path, item := range doc.Paths.Map() {
			kept := &openapi3.PathItem{Parameters: item.Parameters}
			found := false
			for method, op := range item.Operations() {
				if !slices.Contains(op.Tags, tag) {
					continue
				}
				found = true
				kept.SetOperation(method, op)
				c.operation(op)
			}
			if found {
				c.parameters(item.Parameters)
				out.Paths.Set(path, kept)
			}
		}
	}
	if out.Paths.Len() == 0 {
		return nil, fmt.Errorf("no operation is tagged %q", tag)
	}
	c.securityRequirements(&doc.Security)
	if doc.Components != nil {
		for name := range c.securitySchemes {
			if s, ok := doc.Components.SecuritySchemes[name]; ok {
				if out.Components.SecuritySchemes == nil {
					out.Components.SecuritySchemes = openapi3.SecuritySchemes{}
				}
				out.Components.SecuritySchemes[name] = s
			}
		}
	}
	c.fill(out.Components)
	return out, nil
}

// collector gathers the named components reachable from operations.
type collector struct {
	schemas         map[string]*openapi3.Schema
	params          map[string]*openapi3.Parameter
	headers         map[string]*openapi3.Header
	requestBodies   map[string]*openapi3.RequestBody
	responses       map[string]*openapi3.Response
	securitySchemes map[string]bool
	seen            map[*openapi3.Schema]bool
}

func newCollector() *collector {
	return &collector{
		schemas:         map[string]*openapi3.Schema{},
		params:          map[string]*openapi3.Parameter{},
		headers:         map[string]*openapi3.Header{},
		requestBodies:   map[string]*openapi3.RequestBody{},
		responses:       map[string]*openapi3.Response{},
		securitySchemes: map[string]bool{},
		seen:            map[*openapi3.Schema]bool{},
	}
}

// componentName returns X for a local reference "#/components/<kind>/X".
func componentName(ref, kind string) (string, bool) {
	return strings.CutPrefix(ref, "#/components/"+kind+"/")
}

func (c *collector) operation(op *openapi3.Operation) {
	c.parameters(op.Parameters)
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if name, ok := componentName(rb.Ref, "requestBodies"); ok {
			c.requestBodies[name] = rb.Value
		}
		c.content(rb.Value.Content)
	}
	if op.Responses != nil {
		for _, r := range op.Responses.Map() {
			if r == nil || r.Value == nil {
				continue
			}
			if name, ok := componentName(r.Ref, "responses"); ok {
				c.responses[name] = r.Value
			}
			for _, h := range r.Value.Headers {
				c.header(h)
			}
			c.content(r.Value.Content)
		}
	}
	if op.Security != nil {
		c.securityRequirements(op.Security)
	}
}

func (c *collector) securityRequirements(reqs *openapi3.SecurityRequirements) {
	if reqs == nil {
		return
	}
	for _, req := range *reqs {
		for name := range req {
			c.securitySchemes[name] = true
		}
	}
}

func (c *collector) parameters(params openapi3.Parameters) {
	for _, p := range params {
		if p == nil || p.Value == nil {
			continue
		}
		if name, ok := componentName(p.Ref, "parameters"); ok {
			c.params[name] = p.Value
		}
		c.schema(p.Value.Schema)
		c.content(p.Value.Content)
	}
}

func (c *collector) header(h *openapi3.HeaderRef) {
	if h == nil || h.Value == nil {
		return
	}
	if name, ok := componentName(h.Ref, "headers"); ok {
		c.headers[name] = h.Value
	}
	c.schema(h.Value.Schema)
	c.content(h.Value.Content)
}

func (c *collector) content(content openapi3.Content) {
	for _, mt := range content {
		if mt != nil {
			c.schema(mt.Schema)
		}
	}
}

func (c *collector) schema(s *openapi3.SchemaRef) {
	if s == nil || s.Value == nil {
		return
	}
	if name, ok := componentName(s.Ref, "schemas"); ok {
		c.schemas[name] = s.Value
	}
	v := s.Value
	if c.seen[v] {
		return
	}
	c.seen[v] = true
	for _, p := range v.Properties {
		c.schema(p)
	}
	c.schema(v.Items)
	c.schema(v.Not)
	c.schema(v.AdditionalProperties.Schema)
	for _, list := range []openapi3.SchemaRefs{v.AllOf, v.AnyOf, v.OneOf, v.PrefixItems} {
		for _, sub := range list {
			c.schema(sub)
		}
	}
}

func (c *collector) fill(comps *openapi3.Components) {
	if len(c.schemas) > 0 {
		comps.Schemas = openapi3.Schemas{}
		for name, v := range c.schemas {
			comps.Schemas[name] = &openapi3.SchemaRef{Value: v}
		}
	}
	if len(c.params) > 0 {
		comps.Parameters = openapi3.ParametersMap{}
		for name, v := range c.params {
			comps.Parameters[name] = &openapi3.ParameterRef{Value: v}
		}
	}
	if len(c.headers) > 0 {
		comps.Headers = openapi3.Headers{}
		for name, v := range c.headers {
			comps.Headers[name] = &openapi3.HeaderRef{Value: v}
		}
	}
	if len(c.requestBodies) > 0 {
		comps.RequestBodies = openapi3.RequestBodies{}
		for name, v := range c.requestBodies {
			comps.RequestBodies[name] = &openapi3.RequestBodyRef{Value: v}
		}
	}
	if len(c.responses) > 0 {
		comps.Responses = openapi3.ResponseBodies{}
		for name, v := range c.responses {
			comps.Responses[name] = &openapi3.ResponseRef{Value: v}
		}
	}
}
