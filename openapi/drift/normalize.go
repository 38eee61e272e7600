package drift

import (
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/flatten/commonparams"
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
		commonparams.Move(doc)
	}
	visitSchemas(doc, nullableTo30)
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
	c := newCollector()
	c.visit = fn
	if doc.Paths != nil {
		for _, item := range doc.Paths.Map() {
			c.parameters(item.Parameters)
			for _, op := range item.Operations() {
				c.operation(op)
			}
		}
	}
	if comps := doc.Components; comps != nil {
		for _, s := range comps.Schemas {
			c.schema(s)
		}
		for _, p := range comps.Parameters {
			c.parameters(openapi3.Parameters{p})
		}
		for _, h := range comps.Headers {
			c.header(h)
		}
		for _, rb := range comps.RequestBodies {
			c.requestBody(rb)
		}
		for _, r := range comps.Responses {
			c.response(r)
		}
	}
}
