package drift

import (
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// Normalize rewrites doc in place so that constructs which mean the same in
// OpenAPI 3.0 and 3.1, or at path and operation level, are written the same
// way and only real differences remain:
//
//   - `anyOf`/`oneOf` of a schema and `{type: "null"}`, and a type list such as
//     `[string, "null"]` (3.1), become the schema with `nullable: true` (3.0);
//     a nullable reference becomes `allOf: [$ref]` with `nullable: true`;
//   - path-level parameters are copied into every operation of the path that
//     does not declare a parameter of the same name and location.
//
// Normalize is idempotent, so a document can be compared more than once.
func Normalize(doc *openapi3.T) {
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			pushDownParameters(item)
		}
	}
	visitSchemas(doc, nullableTo30)
}

func pushDownParameters(item *openapi3.PathItem) {
	for _, op := range item.Operations() {
		for _, p := range item.Parameters {
			if p == nil || p.Value == nil {
				continue
			}
			if op.Parameters.GetByInAndName(p.Value.In, p.Value.Name) == nil {
				op.Parameters = append(op.Parameters, p)
			}
		}
	}
	item.Parameters = nil
}

// nullableTo30 rewrites one schema's 3.1 nullability into the 3.0 form.
func nullableTo30(s *openapi3.Schema) {
	if s.Type != nil && len(*s.Type) == 2 && s.Type.Includes(openapi3.TypeNull) {
		t := s.Type.Clone()
		t.Without(openapi3.TypeNull)
		s.Type = &t
		s.Nullable = true
	}
	if !isPureWrapper(s) {
		return
	}
	for _, branches := range []*openapi3.SchemaRefs{&s.AnyOf, &s.OneOf} {
		other, ok := nonNullBranch(*branches)
		if !ok {
			continue
		}
		if other.Ref != "" {
			*branches = nil
			s.AllOf = openapi3.SchemaRefs{other}
			s.Nullable = true
			return
		}
		merged := *other.Value
		merged.Nullable = true
		if merged.Description == "" {
			merged.Description = s.Description
		}
		if merged.Title == "" {
			merged.Title = s.Title
		}
		if merged.Default == nil {
			merged.Default = s.Default
		}
		merged.Deprecated = merged.Deprecated || s.Deprecated
		merged.ReadOnly = merged.ReadOnly || s.ReadOnly
		merged.WriteOnly = merged.WriteOnly || s.WriteOnly
		*s = merged
		return
	}
}

// isPureWrapper tells whether s says nothing but its anyOf/oneOf and
// annotations, so that folding a branch into it loses nothing.
func isPureWrapper(s *openapi3.Schema) bool {
	return (s.Type == nil || len(*s.Type) == 0) &&
		len(s.Properties) == 0 && s.Items == nil && len(s.Enum) == 0 &&
		len(s.AllOf) == 0 && (len(s.AnyOf) == 0) != (len(s.OneOf) == 0) &&
		s.Not == nil && s.AdditionalProperties.Schema == nil
}

// nonNullBranch returns the other branch of a two-branch list whose one
// branch is exactly `{type: "null"}`.
func nonNullBranch(branches openapi3.SchemaRefs) (*openapi3.SchemaRef, bool) {
	if len(branches) != 2 {
		return nil, false
	}
	i := slices.IndexFunc(branches, isNullOnly)
	if i < 0 || branches[1-i] == nil || branches[1-i].Value == nil || isNullOnly(branches[1-i]) {
		return nil, false
	}
	return branches[1-i], true
}

func isNullOnly(s *openapi3.SchemaRef) bool {
	if s == nil || s.Value == nil || s.Ref != "" {
		return false
	}
	v := s.Value
	return v.Type != nil && v.Type.Is(openapi3.TypeNull) &&
		len(v.Properties) == 0 && len(v.Enum) == 0 && v.Items == nil &&
		len(v.AllOf)+len(v.AnyOf)+len(v.OneOf) == 0
}

// visitSchemas calls fn once for every schema reachable from doc's paths and
// components, parent before children, and reads the children after fn ran.
func visitSchemas(doc *openapi3.T, fn func(*openapi3.Schema)) {
	seen := map[*openapi3.Schema]bool{}
	var visit func(*openapi3.SchemaRef)
	visit = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		seen[ref.Value] = true
		fn(ref.Value)
		v := ref.Value
		for _, p := range v.Properties {
			visit(p)
		}
		visit(v.Items)
		visit(v.Not)
		visit(v.AdditionalProperties.Schema)
		for _, list := range []openapi3.SchemaRefs{v.AllOf, v.AnyOf, v.OneOf, v.PrefixItems} {
			for _, sub := range list {
				visit(sub)
			}
		}
	}
	content := func(c openapi3.Content) {
		for _, mt := range c {
			if mt != nil {
				visit(mt.Schema)
			}
		}
	}
	params := func(ps openapi3.Parameters) {
		for _, p := range ps {
			if p != nil && p.Value != nil {
				visit(p.Value.Schema)
				content(p.Value.Content)
			}
		}
	}
	response := func(r *openapi3.Response) {
		for _, h := range r.Headers {
			if h != nil && h.Value != nil {
				visit(h.Value.Schema)
			}
		}
		content(r.Content)
	}
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			params(item.Parameters)
			for _, op := range item.Operations() {
				params(op.Parameters)
				if op.RequestBody != nil && op.RequestBody.Value != nil {
					content(op.RequestBody.Value.Content)
				}
				if op.Responses != nil {
					for _, r := range op.Responses.Map() {
						if r != nil && r.Value != nil {
							response(r.Value)
						}
					}
				}
			}
		}
	}
	if c := doc.Components; c != nil {
		for _, s := range c.Schemas {
			visit(s)
		}
		for _, p := range c.Parameters {
			params(openapi3.Parameters{p})
		}
		for _, h := range c.Headers {
			if h != nil && h.Value != nil {
				visit(h.Value.Schema)
			}
		}
		for _, rb := range c.RequestBodies {
			if rb != nil && rb.Value != nil {
				content(rb.Value.Content)
			}
		}
		for _, r := range c.Responses {
			if r != nil && r.Value != nil {
				response(r.Value)
			}
		}
	}
}
