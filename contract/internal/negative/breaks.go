package negative

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// mutation breaks one constraint of a value.
type mutation struct {
	constraint string
	sends      string
	apply      func(valid any) any // the broken value from a valid one
}

func constant(v any) func(any) any { return func(any) any { return v } }

// unsupported names the keywords of s this package has no breaking value
// for, so that adding one to the fragment stops the derivation rather than
// leaving it unchecked.
func unsupported(s *openapi3.Schema) error {
	var found []string
	add := func(set bool, keyword string) {
		if set {
			found = append(found, keyword)
		}
	}
	add(s.Pattern != "", "pattern")
	add(s.MultipleOf != nil, "multipleOf")
	add(s.UniqueItems, "uniqueItems")
	add(s.MinProps > 0 || s.MaxProps != nil, "minProperties/maxProperties")
	add(len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0 || s.Not != nil, "oneOf/anyOf/allOf/not")
	add(s.AdditionalProperties.Schema != nil, "additionalProperties with a schema")
	add(typeOf(s) == "", "a type other than exactly one")
	switch {
	case s.Format == "", s.Format == "int32", s.Format == "int64", s.Format == "float", s.Format == "double":
	default:
		found = append(found, "format "+s.Format)
	}
	if len(s.Enum) > 0 && typeOf(s) != openapi3.TypeString {
		found = append(found, "an enum of "+typeOf(s)+"s")
	}
	if len(found) > 0 {
		return fmt.Errorf("no breaking value for %s: teach package negative to break it", strings.Join(found, ", "))
	}
	return nil
}

// jsonMutations breaks each constraint of a schema for a JSON value.
func jsonMutations(s *openapi3.Schema) ([]mutation, error) {
	if err := unsupported(s); err != nil {
		return nil, err
	}
	t := typeOf(s)
	other, otherSends := otherType(t)
	out := []mutation{{"type " + t, otherSends, constant(other)}}
	if !s.Nullable {
		out = append(out, mutation{"nullable false", "null", constant(nil)})
	}
	out = append(out, scalarMutations(s)...)
	switch t {
	case openapi3.TypeArray:
		ms, err := arrayMutations(s)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	case openapi3.TypeObject:
		ms, err := objectMutations(s)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// otherType is a JSON value of another type than t.
func otherType(t string) (any, string) {
	if t == openapi3.TypeString {
		return 1, "1, a number"
	}
	return "1", `"1", a string`
}

// scalarMutations break enum, bounds, lengths and integer formats; they are
// shared by JSON values and query parameters.
func scalarMutations(s *openapi3.Schema) []mutation {
	var out []mutation
	if len(s.Enum) > 0 {
		v := "not_" + fmt.Sprint(s.Enum[0])
		out = append(out, mutation{fmt.Sprintf("enum %v", s.Enum), fmt.Sprintf("%q", v), constant(v)})
	}
	step := 1.0
	if typeOf(s) == openapi3.TypeNumber {
		step = 0.5
	}
	if s.Min != nil {
		v := *s.Min - step
		if s.ExclusiveMin.IsTrue() {
			v = *s.Min
		}
		out = append(out, mutation{fmt.Sprintf("minimum %g", *s.Min), fmt.Sprint(v), constant(v)})
	}
	if s.Max != nil {
		v := *s.Max + step
		if s.ExclusiveMax.IsTrue() {
			v = *s.Max
		}
		out = append(out, mutation{fmt.Sprintf("maximum %g", *s.Max), fmt.Sprint(v), constant(v)})
	}
	// int64, float and double are no constraint a request can break:
	// kin-openapi reads every JSON number as a float64 and checks only the
	// int32 range.
	if typeOf(s) == openapi3.TypeInteger && s.Format == "int32" {
		// A value past the range that no bound refuses first; with both
		// bounds set, the bounds are the stricter constraint.
		top, bottom := json.Number("2147483648"), json.Number("-2147483649")
		switch {
		case s.Max == nil:
			out = append(out, mutation{"format " + s.Format, string(top), constant(top)})
		case s.Min == nil:
			out = append(out, mutation{"format " + s.Format, string(bottom), constant(bottom)})
		}
	}
	if s.MinLength > 0 {
		v := strings.Repeat("x", int(s.MinLength-1))
		out = append(out, mutation{fmt.Sprintf("minLength %d", s.MinLength), fmt.Sprintf("%d characters", len(v)), constant(v)})
	}
	if s.MaxLength != nil && *s.MaxLength < math.MaxInt32 {
		v := strings.Repeat("x", int(*s.MaxLength+1))
		out = append(out, mutation{fmt.Sprintf("maxLength %d", *s.MaxLength), fmt.Sprintf("%d characters", len(v)), constant(v)})
	}
	return out
}

// arrayMutations break minItems, maxItems and each constraint of the items,
// keeping the other items valid and the count within bounds.
func arrayMutations(s *openapi3.Schema) ([]mutation, error) {
	var out []mutation
	items := func(valid any) []any {
		arr, _ := valid.([]any)
		if len(arr) == 0 {
			arr = []any{validValue(s.Items.Value)}
		}
		return arr
	}
	resize := func(valid any, n int) []any {
		arr := items(valid)
		out := make([]any, n)
		for i := range out {
			out[i] = arr[i%len(arr)]
		}
		return out
	}
	if s.MinItems > 0 {
		n := int(s.MinItems - 1)
		out = append(out, mutation{fmt.Sprintf("minItems %d", s.MinItems), fmt.Sprintf("%d items", n), func(v any) any { return resize(v, n) }})
	}
	if s.MaxItems != nil {
		n := int(*s.MaxItems + 1)
		out = append(out, mutation{fmt.Sprintf("maxItems %d", *s.MaxItems), fmt.Sprintf("%d items", n), func(v any) any { return resize(v, n) }})
	}
	ms, err := jsonMutations(s.Items.Value)
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	for _, m := range ms {
		out = append(out, mutation{"items: " + m.constraint, "an item " + m.sends, func(v any) any {
			arr := slices.Clone(items(v))
			arr[0] = m.apply(arr[0])
			return arr
		}})
	}
	return out, nil
}

// objectMutations break a nested object's required fields and its fields'
// own constraints. A body's top-level fields are cases of their own.
func objectMutations(s *openapi3.Schema) ([]mutation, error) {
	var out []mutation
	obj := func(valid any) map[string]any {
		m, ok := valid.(map[string]any)
		if !ok {
			m = validBody(s, nil)
		}
		return maps.Clone(m)
	}
	for _, name := range s.Required {
		out = append(out, mutation{"required " + name, name + " left out", func(v any) any {
			o := obj(v)
			delete(o, name)
			return o
		}})
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		ms, err := jsonMutations(s.Properties[name].Value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, m := range ms {
			out = append(out, mutation{name + ": " + m.constraint, m.sends, func(v any) any {
				o := obj(v)
				o[name] = m.apply(o[name])
				return o
			}})
		}
	}
	return out, nil
}

// bodyCases break the body's own required fields and each constraint of each
// top-level field.
func bodyCases(base Case, s *openapi3.Schema) ([]Case, error) {
	if typeOf(s) != openapi3.TypeObject {
		return nil, fmt.Errorf("a body of type %q: only objects have fields to name", typeOf(s))
	}
	if err := unsupported(s); err != nil {
		return nil, err
	}
	var out []Case
	base.In = "body"
	for _, name := range s.Required {
		c := base
		c.Param, c.Constraint, c.Sends = name, "required", "nothing"
		out = append(out, c)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		ms, err := jsonMutations(s.Properties[name].Value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, m := range ms {
			c := base
			c.Param, c.Constraint, c.Sends, c.apply = name, m.constraint, m.sends, m.apply
			out = append(out, c)
		}
	}
	return out, nil
}

// paramCases break a query or path parameter's constraints, as strings: a
// query has no null, and no string is of the wrong type there.
func paramCases(base Case, p *openapi3.Parameter) ([]Case, error) {
	if p.In != openapi3.ParameterInQuery && p.In != openapi3.ParameterInPath {
		return nil, fmt.Errorf("in %s: only query and path parameters can be broken", p.In)
	}
	s := p.Schema.Value
	if err := unsupported(s); err != nil {
		return nil, err
	}
	base.In, base.Param = p.In, p.Name
	var out []Case
	add := func(constraint, sends string, values []string) {
		c := base
		c.Constraint, c.Sends, c.queryVal = constraint, sends, values
		out = append(out, c)
	}
	if p.Required && p.In == openapi3.ParameterInQuery {
		add("required", "nothing", nil)
	}
	scalarCases := func(s *openapi3.Schema, prefix string, wrap func(string) []string) {
		switch typeOf(s) {
		case openapi3.TypeInteger, openapi3.TypeNumber:
			add(prefix+"type "+typeOf(s), `"abc"`, wrap("abc"))
		case openapi3.TypeBoolean:
			add(prefix+"type boolean", `"maybe"`, wrap("maybe"))
		}
		for _, m := range scalarMutations(s) {
			add(prefix+m.constraint, m.sends, wrap(scalar(m.apply(nil))))
		}
	}
	switch typeOf(s) {
	case openapi3.TypeArray:
		item := s.Items.Value
		if err := unsupported(item); err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		if t := typeOf(item); t == openapi3.TypeArray || t == openapi3.TypeObject {
			return nil, fmt.Errorf("items of type %s in a query", t)
		}
		valid := queryStrings(validValue(item))[0]
		if s.MinItems > 1 {
			n := int(s.MinItems - 1)
			add(fmt.Sprintf("minItems %d", s.MinItems), fmt.Sprintf("%d values", n), slices.Repeat([]string{valid}, n))
		}
		if s.MaxItems != nil {
			n := int(*s.MaxItems + 1)
			add(fmt.Sprintf("maxItems %d", *s.MaxItems), fmt.Sprintf("%d values", n), slices.Repeat([]string{valid}, n))
		}
		// The broken item goes first among enough valid ones.
		scalarCases(item, "items: ", func(v string) []string {
			return append([]string{v}, slices.Repeat([]string{valid}, int(max(s.MinItems, 1))-1)...)
		})
	case openapi3.TypeObject:
		return nil, fmt.Errorf("an object in a query")
	default:
		scalarCases(s, "", func(v string) []string { return []string{v} })
	}
	return out, nil
}
