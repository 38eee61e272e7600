package emulator

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Most requests are valid, and kin-openapi costs a valid list more than
// the rest of its answer: it parses the query once per parameter and
// visits each value's schema with fresh settings. So at start, each
// operation whose query parameters all have a plain schema (a string, an
// enum of strings, an integer between bounds) gets a preparedQuery, a check
// that can only accept: a request it accepts is one kin-openapi accepts, and
// any other (an unknown or repeated parameter, an empty value, an integer
// written other than plainly) goes through kin-openapi, which words the
// refusal exactly as before. TestPreparedQueryOnlyAcceptsWhatTheFragmentDoes
// holds the two to that.
type preparedQuery map[string]queryParam

// queryParam is one parameter's plain schema.
type queryParam struct {
	integer  bool
	min, max int64    // of an integer
	enum     []string // of a string; nil: any string
}

// prepareQueries returns the preparedQuery of every operation that can have
// one, without a request body, keyed by the operation the router finds.
func prepareQueries(doc *openapi3.T) map[*openapi3.Operation]preparedQuery {
	out := map[*openapi3.Operation]preparedQuery{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil {
				continue
			}
			if q, ok := prepareQuery(slices.Concat(item.Parameters, op.Parameters)); ok {
				out[op] = q
			}
		}
	}
	return out
}

func prepareQuery(params openapi3.Parameters) (preparedQuery, bool) {
	q := preparedQuery{}
	for _, ref := range params {
		p := ref.Value
		if p == nil {
			return nil, false
		}
		switch p.In {
		case openapi3.ParameterInPath:
			// Routed: a non-empty segment, which a plain string schema takes.
			if !plainString(p.Schema) || len(p.Schema.Value.Enum) > 0 {
				return nil, false
			}
			continue
		case openapi3.ParameterInQuery:
		default:
			return nil, false
		}
		if p.Required || p.AllowEmptyValue || p.Content != nil || p.Schema == nil || p.Schema.Value == nil ||
			(p.Style != "" && p.Style != openapi3.SerializationForm) {
			return nil, false
		}
		s := p.Schema.Value
		switch {
		case plainString(p.Schema):
			param := queryParam{}
			for _, e := range s.Enum {
				v, ok := e.(string)
				if !ok {
					return nil, false
				}
				param.enum = append(param.enum, v)
			}
			q[p.Name] = param
		case s.Type.Is(openapi3.TypeInteger) && s.Format == "" && s.Min != nil && s.Max != nil && !s.ExclusiveMin.IsSet() && !s.ExclusiveMax.IsSet() &&
			s.MultipleOf == nil && s.Const == nil && len(s.Enum) == 0 && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Not == nil && !s.Nullable:
			q[p.Name] = queryParam{integer: true, min: int64(*s.Min), max: int64(*s.Max)}
		default:
			return nil, false
		}
	}
	return q, true
}

// plainString says whether a schema is a string and nothing more, but for
// an enum.
func plainString(ref *openapi3.SchemaRef) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	s := ref.Value
	return s.Type.Is(openapi3.TypeString) && s.Format == "" && s.Pattern == "" && s.MinLength == 0 && s.MaxLength == nil &&
		len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Not == nil && !s.Nullable && s.Const == nil
}

// accepts says whether query is surely valid: every parameter known, given
// once, and its value plainly within its schema.
func (q preparedQuery) accepts(query url.Values) bool {
	for name, values := range query {
		p, ok := q[name]
		if !ok || len(values) != 1 || !p.accepts(values[0]) {
			return false
		}
	}
	return true
}

func (p queryParam) accepts(v string) bool {
	switch {
	case v == "":
		return false
	case p.integer:
		// Digits only, no sign, no leading zero, no exponent.
		if len(v) > 9 || v[0] == '0' {
			return false
		}
		for i := range len(v) {
			if v[i] < '0' || v[i] > '9' {
				return false
			}
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		return p.min <= n && n <= p.max
	case p.enum != nil:
		return slices.Contains(p.enum, v)
	}
	return true
}
