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
	if t := doc.Tags.Get(tag); t != nil {
		out.Tags = openapi3.Tags{t}
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
	out.Components.Schemas = orNil(c.schemas)
	out.Components.Parameters = orNil(c.params)
	out.Components.Headers = orNil(c.headers)
	out.Components.RequestBodies = orNil(c.requestBodies)
	out.Components.Responses = orNil(c.responses)
	return out, nil
}

// orNil leaves a kind of component that nothing reaches undeclared, as in a
// document that never had one.
func orNil[M ~map[string]V, V any](m M) M {
	if len(m) == 0 {
		return nil
	}
	return m
}

// collector walks everything an operation references. It keeps each named
// component it reaches, as a component of the cut document, and the security
// schemes named; Normalize uses the same walk so that both agree on where
// schemas can be.
type collector struct {
	schemas         openapi3.Schemas
	params          openapi3.ParametersMap
	headers         openapi3.Headers
	requestBodies   openapi3.RequestBodies
	responses       openapi3.ResponseBodies
	securitySchemes map[string]bool
	seen            map[*openapi3.Schema]bool

	// visit, when set, sees every schema once, before its children are read,
	// so that it may rewrite the schema in place.
	visit func(*openapi3.Schema)
}

func newCollector() *collector {
	return &collector{
		schemas:         openapi3.Schemas{},
		params:          openapi3.ParametersMap{},
		headers:         openapi3.Headers{},
		requestBodies:   openapi3.RequestBodies{},
		responses:       openapi3.ResponseBodies{},
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
	c.requestBody(op.RequestBody)
	if op.Responses != nil {
		for _, r := range op.Responses.Map() {
			c.response(r)
		}
	}
	c.securityRequirements(op.Security)
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
			c.params[name] = &openapi3.ParameterRef{Value: p.Value}
		}
		c.schema(p.Value.Schema)
		c.content(p.Value.Content)
	}
}

func (c *collector) requestBody(rb *openapi3.RequestBodyRef) {
	if rb == nil || rb.Value == nil {
		return
	}
	if name, ok := componentName(rb.Ref, "requestBodies"); ok {
		c.requestBodies[name] = &openapi3.RequestBodyRef{Value: rb.Value}
	}
	c.content(rb.Value.Content)
}

func (c *collector) response(r *openapi3.ResponseRef) {
	if r == nil || r.Value == nil {
		return
	}
	if name, ok := componentName(r.Ref, "responses"); ok {
		c.responses[name] = &openapi3.ResponseRef{Value: r.Value}
	}
	for _, h := range r.Value.Headers {
		c.header(h)
	}
	c.content(r.Value.Content)
}

func (c *collector) header(h *openapi3.HeaderRef) {
	if h == nil || h.Value == nil {
		return
	}
	if name, ok := componentName(h.Ref, "headers"); ok {
		c.headers[name] = &openapi3.HeaderRef{Value: h.Value}
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
		c.schemas[name] = &openapi3.SchemaRef{Value: s.Value}
	}
	v := s.Value
	if c.seen[v] {
		return
	}
	c.seen[v] = true
	if c.visit != nil {
		c.visit(v)
	}
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
