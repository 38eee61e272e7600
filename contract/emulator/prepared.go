package emulator

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Most requests are valid, and kin-openapi costs a valid list more than
// the rest of its answer: it parses the query once per parameter, reads a
// body three times and decodes it into maps, and visits each value's schema
// with fresh settings. So at start, each operation whose parameters and
// body have plain schemas gets a prepared check that can only accept: a
// request it accepts is one kin-openapi accepts, and any other (an unknown
// or repeated parameter or field, an empty value, an integer written other
// than plainly, an escaped key) goes through kin-openapi, which words the
// refusal exactly as before. TestPreparedOnlyAcceptsWhatTheFragmentDoes
// holds the two to that.
type prepared struct {
	query preparedQuery
	body  *preparedBody // nil: the operation takes no body
}

// accepts says whether a request is surely valid; rawQuery is the query as
// sent, body nil without one.
func (p *prepared) accepts(rawQuery string, body []byte) bool {
	return p.query.accepts(rawQuery) && (p.body == nil) == (body == nil) && (p.body == nil || p.body.accepts(body))
}

// preparedQuery is an operation's query parameters.
type preparedQuery map[string]queryParam

// queryParam is one parameter's plain schema.
type queryParam struct {
	integer  bool
	min, max int64    // of an integer
	enum     []string // of a string; nil: any string
}

// prepare returns the prepared check of every operation that can have one,
// keyed by the operation the router finds.
func prepare(doc *openapi3.T) map[string]*prepared {
	out := map[string]*prepared{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			q, ok := prepareQuery(slices.Concat(item.Parameters, op.Parameters))
			if !ok {
				continue
			}
			p := &prepared{query: q}
			if op.RequestBody != nil {
				if p.body, ok = prepareBody(op.RequestBody); !ok {
					continue
				}
			}
			out[op.OperationID] = p
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

// accepts says whether a raw query is surely valid, reading it without
// url.ParseQuery's map: plainly written (name=value pairs joined by '&',
// nothing escaped, so each name and value is as sent), every parameter
// known, given once, and its value plainly within its schema. Anything
// else, even what ParseQuery would read the same way (an empty pair, an
// escape), goes to kin-openapi.
func (q preparedQuery) accepts(rawQuery string) bool {
	if strings.ContainsAny(rawQuery, "%+;") {
		return false
	}
	for rest := rawQuery; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		name, value, ok := strings.Cut(pair, "=")
		if !ok {
			return false
		}
		p, ok := q[name]
		// A repeat: the same name in the rest of the query, a pair of its own.
		if !ok || !p.accepts(value) || plainQuery(rest).has(name) {
			return false
		}
	}
	return true
}

// plainQuery is a raw query the prepared check accepted: each value is as
// sent, and each parameter given at most once.
type plainQuery string

// get returns name's value, "" when it is not given.
func (q plainQuery) get(name string) string {
	v, _ := q.lookup(name)
	return v
}

// has says whether name is given, with or without a value.
func (q plainQuery) has(name string) bool {
	_, ok := q.lookup(name)
	return ok
}

// lookup returns name's value and whether name is given.
func (q plainQuery) lookup(name string) (string, bool) {
	for rest := string(q); rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if n, v, _ := strings.Cut(pair, "="); n == name {
			return v, true
		}
	}
	return "", false
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

// preparedBody is a JSON object whose fields are strings or arrays of
// strings.
type preparedBody struct {
	fields   []bodyField
	required uint64 // a bit per field
}

type bodyField struct {
	name               string
	array              bool
	minItems, maxItems int // of an array
}

func prepareBody(ref *openapi3.RequestBodyRef) (*preparedBody, bool) {
	rb := ref.Value
	if rb == nil || !rb.Required || len(rb.Content) != 1 || rb.Content.Get("application/json") == nil {
		return nil, false
	}
	schema := rb.Content.Get("application/json").Schema
	if schema == nil || schema.Value == nil {
		return nil, false
	}
	s := schema.Value
	if !s.Type.Is(openapi3.TypeObject) || len(s.Properties) > 64 || s.MinProps != 0 || s.MaxProps != nil || s.Nullable ||
		len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) != 0 || s.Not != nil || s.Discriminator != nil || len(s.Enum) != 0 || s.Const != nil {
		return nil, false
	}
	b := &preparedBody{}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		prop := s.Properties[name]
		f := bodyField{name: name}
		switch {
		case plainString(prop) && len(prop.Value.Enum) == 0:
		case prop != nil && prop.Value != nil && prop.Value.Type.Is(openapi3.TypeArray) && plainString(prop.Value.Items) && len(prop.Value.Items.Value.Enum) == 0 &&
			!prop.Value.UniqueItems && !prop.Value.Nullable && prop.Value.MaxItems != nil && len(prop.Value.PrefixItems) == 0:
			f.array, f.minItems, f.maxItems = true, int(prop.Value.MinItems), int(*prop.Value.MaxItems)
		default:
			return nil, false
		}
		b.fields = append(b.fields, f)
	}
	for _, name := range s.Required {
		i := slices.IndexFunc(b.fields, func(f bodyField) bool { return f.name == name })
		if i < 0 {
			return nil, false
		}
		b.required |= 1 << i
	}
	return b, true
}

// accepts reads body, JSON that json.Valid accepted, without decoding it:
// an object with each field once, under its exact name, holding a string
// or an array of strings of the right length, and every required field.
func (b *preparedBody) accepts(body []byte) bool {
	i := space(body, 0)
	if body[i] != '{' {
		return false
	}
	var seen uint64
	for i = space(body, i+1); body[i] != '}'; {
		end := stringEnd(body, i)
		name := body[i+1 : end-1]
		f := slices.IndexFunc(b.fields, func(f bodyField) bool { return f.name == string(name) })
		if f < 0 || seen&(1<<f) != 0 {
			return false // unknown, escaped, or given twice
		}
		seen |= 1 << f
		i = space(body, space(body, end)+1) // past the colon
		if b.fields[f].array {
			if body[i] != '[' {
				return false
			}
			n := 0
			for i = space(body, i+1); body[i] != ']'; n++ {
				if body[i] != '"' {
					return false
				}
				i = comma(body, stringEnd(body, i))
			}
			if n < b.fields[f].minItems || n > b.fields[f].maxItems {
				return false
			}
			i++
		} else {
			if body[i] != '"' {
				return false
			}
			i = stringEnd(body, i)
		}
		i = comma(body, i)
	}
	return seen&b.required == b.required
}

// space, comma and stringEnd scan JSON already known to be valid, as
// generated/shape.go's skip helpers do: repeated on purpose, because the
// client's helpers are unexported and exporting them would make JSON
// scanning part of the client's API for the sake of the emulator.
func space(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// comma steps from the end of a value over a comma, if any, to what follows.
func comma(b []byte, i int) int {
	if i = space(b, i); b[i] == ',' {
		i = space(b, i+1)
	}
	return i
}

// stringEnd returns the index just past the string starting at b[i].
func stringEnd(b []byte, i int) int {
	for i++; ; i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}
