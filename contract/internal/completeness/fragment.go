package completeness

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Property is a property the fragment declares in answers, named by the
// schema that declares it, such as Certificate.fingerprint, and found at
// Places: every operation and status whose answer can carry it.
type Property struct {
	Name   string
	Places []string // "getCertificate 200", ...
	// Enum are the values it may take, when the fragment lists them.
	Enum []string
}

// Input is a query parameter or a top-level request-body property of one
// operation.
type Input struct {
	Op   string
	In   string // "query" or "body"
	Name string
	// Enum are the values it may take (an array's items' values).
	Enum []string
	// Schema is its schema, for the values a probe tries.
	Schema *openapi3.Schema
}

func (in Input) String() string { return fmt.Sprintf("%s %s %s", in.Op, in.In, in.Name) }

// Fragment is what the fragment asks of the emulator and the model.
type Fragment struct {
	Operations []string   // by operationId
	Properties []Property // by name
	Inputs     []Input    // by operation, then as declared
	// responses is each operation's answer schema by status, for reading
	// answers with.
	responses map[string]map[int]*openapi3.SchemaRef
}

// Read takes the properties and inputs from a loaded fragment. A schema
// construct it cannot walk yet (allOf, oneOf, anyOf, additionalProperties)
// is an error, so nothing the fragment declares goes unguarded.
func Read(doc *openapi3.T) (*Fragment, error) {
	f := &Fragment{responses: map[string]map[int]*openapi3.SchemaRef{}}
	props := map[string]*Property{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := op.OperationID
			if name == "" {
				name = method + " " + path
			}
			f.Operations = append(f.Operations, name)
			for code, resp := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					return nil, fmt.Errorf("%s: response %q: the guards read numeric statuses only", name, code)
				}
				media := resp.Value.Content.Get("application/json")
				if media == nil || media.Schema == nil {
					continue
				}
				if f.responses[name] == nil {
					f.responses[name] = map[int]*openapi3.SchemaRef{}
				}
				f.responses[name][status] = media.Schema
				place := fmt.Sprintf("%s %d", name, status)
				err = declared(media.Schema, "", map[*openapi3.Schema]bool{}, func(p string, s *openapi3.Schema) {
					if props[p] == nil {
						props[p] = &Property{Name: p, Enum: enumOf(s)}
					}
					if !slices.Contains(props[p].Places, place) {
						props[p].Places = append(props[p].Places, place)
					}
				})
				if err != nil {
					return nil, fmt.Errorf("%s: %w", place, err)
				}
			}
			inputs, err := inputsOf(name, item, op)
			if err != nil {
				return nil, err
			}
			f.Inputs = append(f.Inputs, inputs...)
		}
	}
	for _, p := range props {
		slices.Sort(p.Places)
		f.Properties = append(f.Properties, *p)
	}
	slices.Sort(f.Operations)
	slices.SortFunc(f.Properties, func(a, b Property) int { return strings.Compare(a.Name, b.Name) })
	slices.SortStableFunc(f.Inputs, func(a, b Input) int { return strings.Compare(a.Op, b.Op) })
	return f, nil
}

func inputsOf(op string, item *openapi3.PathItem, o *openapi3.Operation) ([]Input, error) {
	var out []Input
	for _, p := range slices.Concat(item.Parameters, o.Parameters) {
		if p.Value == nil || p.Value.In != openapi3.ParameterInQuery || p.Value.Schema == nil {
			continue
		}
		out = append(out, Input{Op: op, In: openapi3.ParameterInQuery, Name: p.Value.Name, Enum: enumOf(p.Value.Schema.Value), Schema: p.Value.Schema.Value})
	}
	if o.RequestBody == nil || o.RequestBody.Value == nil {
		return out, nil
	}
	media := o.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return out, nil
	}
	s := media.Schema.Value
	if err := walkable(s); err != nil {
		return nil, fmt.Errorf("%s request body: %w", op, err)
	}
	for _, name := range sortedKeys(s.Properties) {
		v := s.Properties[name].Value
		out = append(out, Input{Op: op, In: "body", Name: name, Enum: enumOf(v), Schema: v})
	}
	return out, nil
}

// enumOf is a schema's enum values, or its items' for an array.
func enumOf(s *openapi3.Schema) []string {
	if s.Type.Is(openapi3.TypeArray) && s.Items != nil {
		s = s.Items.Value
	}
	var out []string
	for _, v := range s.Enum {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// declared calls visit with the name of every property a schema declares,
// at any depth: Schema.property for a property of a named schema, and the
// nearest named schema's name and the path from it for an inline one.
func declared(ref *openapi3.SchemaRef, owner string, seen map[*openapi3.Schema]bool, visit func(string, *openapi3.Schema)) error {
	s := ref.Value
	if seen[s] {
		return nil
	}
	seen[s] = true
	defer delete(seen, s)
	if err := walkable(s); err != nil {
		return err
	}
	if name := componentName(ref); name != "" {
		owner = name
	}
	if s.Items != nil {
		return declared(s.Items, owner, seen, visit)
	}
	for _, key := range sortedKeys(s.Properties) {
		p := s.Properties[key]
		name := owner + "." + key
		visit(name, p.Value)
		if err := declared(p, name, seen, visit); err != nil {
			return err
		}
	}
	return nil
}

// walkable refuses what the guards cannot tell apart property by property.
func walkable(s *openapi3.Schema) error {
	switch {
	case len(s.AllOf) > 0 || len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return fmt.Errorf("a schema with allOf, oneOf or anyOf: teach contract/internal/completeness to walk it")
	case s.AdditionalProperties.Schema != nil:
		return fmt.Errorf("a schema with additionalProperties: teach contract/internal/completeness to walk it")
	}
	return nil
}

func componentName(ref *openapi3.SchemaRef) string {
	name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/")
	if !ok {
		return ""
	}
	return name
}

// produced reads one answer of op with the fragment's schema for its status
// and calls visit with the declaring name of every property it carries and
// its value: what a guard counts as produced.
func (f *Fragment) produced(op string, status int, answer any, visit func(name string, value any)) {
	ref := f.responses[op][status]
	if ref == nil {
		return
	}
	var walk func(ref *openapi3.SchemaRef, owner string, v any)
	walk = func(ref *openapi3.SchemaRef, owner string, v any) {
		if name := componentName(ref); name != "" {
			owner = name
		}
		switch v := v.(type) {
		case []any:
			if ref.Value.Items != nil {
				for _, item := range v {
					walk(ref.Value.Items, owner, item)
				}
			}
		case map[string]any:
			for key, value := range v {
				p := ref.Value.Properties[key]
				if p == nil {
					continue // undeclared: the validator's to refuse
				}
				visit(owner+"."+key, value)
				walk(p, owner+"."+key, value)
			}
		}
	}
	walk(ref, "", answer)
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
