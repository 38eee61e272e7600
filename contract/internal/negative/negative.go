// Package negative derives bad requests from the fragment: for every
// constraint it declares on a parameter or a request body (type, nullable,
// enum, minimum and maximum, minLength and maxLength, required, minItems and
// maxItems, the int32 format), one request that breaks that constraint and nothing
// else. The API must refuse each with a 400 naming the parameter or body
// field. Derived rather than written, so a constraint added to the fragment
// is checked without a new spec, and one this package cannot break yet stops
// the derivation with an error instead of going unchecked.
package negative

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Case is one request that breaks one constraint.
type Case struct {
	OperationID string
	Method      string
	Path        string // the path template, such as /organization/certificates/{certificate_id}
	In          string // where the broken value goes: "query", "path" or "body"
	// Param is what the refusal must name: the parameter, or the body's
	// top-level field the broken value sits in.
	Param string
	// Constraint is the keyword broken, with its value, such as "maximum 100";
	// inside an array or object it starts with where, such as "items: type string".
	Constraint string
	// Sends says what goes in place of a valid value.
	Sends string

	op       *openapi3.Operation
	params   openapi3.Parameters
	apply    func(any) any // the broken value, from a valid one; nil: leave it out
	queryVal []string      // for query and path cases; nil: leave it out
}

// Name is the case in one line, for a spec's name.
func (c Case) Name() string {
	return fmt.Sprintf("%s %s %s: %s (sends %s)", c.OperationID, c.In, c.Param, c.Constraint, c.Sends)
}

// Fixture holds what the fragment cannot make valid on its own.
type Fixture struct {
	// Path are values of path parameters that exist: a certificate's id, a
	// project's id.
	Path map[string]string
	// Fields are valid values of top-level body fields by name: a certificate
	// the API accepts, ids that exist. They also go into every body that has
	// such a field, so a name a sweep recognizes rides along with any upload
	// a wrong API might accept after all.
	Fields map[string]any
}

// Derive lists one case per constraint of every operation of doc, in path,
// method and declaration order.
func Derive(doc *openapi3.T) ([]Case, error) {
	var cases []Case
	var errs []error
	paths := doc.Paths.Map()
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item := paths[path]
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op := ops[method]
			params := mergeParams(item.Parameters, op.Parameters)
			base := Case{OperationID: op.OperationID, Method: method, Path: path, op: op, params: params}
			for _, p := range params {
				cs, err := paramCases(base, p.Value)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s parameter %s: %w", op.OperationID, p.Value.Name, err))
				}
				cases = append(cases, cs...)
			}
			if s := bodySchema(op); s != nil {
				cs, err := bodyCases(base, s)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s body: %w", op.OperationID, err))
				}
				cases = append(cases, cs...)
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("negative: %w", errors.Join(errs...))
	}
	return cases, nil
}

// mergeParams lets an operation's parameter replace the path item's one of
// the same name and place, as OpenAPI says.
func mergeParams(item, op openapi3.Parameters) openapi3.Parameters {
	out := slices.Clone(op)
	for _, p := range item {
		if op.GetByInAndName(p.Value.In, p.Value.Name) == nil {
			out = append(out, p)
		}
	}
	return out
}

func bodySchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	media := op.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	return media.Schema.Value
}

// Request builds the case's request against baseURL: valid values for
// everything, from f or from the fragment, except the one broken.
func (c Case) Request(ctx context.Context, baseURL string, f Fixture) (*http.Request, error) {
	path := c.Path
	query := url.Values{}
	for _, p := range c.params {
		pv := p.Value
		broken := c.In == pv.In && c.Param == pv.Name
		switch pv.In {
		case openapi3.ParameterInPath:
			v, ok := f.Path[pv.Name]
			if broken {
				v = strings.Join(c.queryVal, ",")
			} else if !ok {
				return nil, fmt.Errorf("negative: the fixture has no value for path parameter %s", pv.Name)
			}
			path = strings.ReplaceAll(path, "{"+pv.Name+"}", url.PathEscape(v))
		case openapi3.ParameterInQuery:
			switch {
			case broken && c.queryVal != nil:
				query[pv.Name] = c.queryVal
			case broken:
			case pv.Required:
				query[pv.Name] = queryStrings(validValue(pv.Schema.Value))
			}
		}
	}
	u := strings.TrimSuffix(baseURL, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	s := bodySchema(c.op)
	if s != nil {
		obj := validBody(s, f.Fields)
		if c.In == "body" {
			if c.apply == nil {
				delete(obj, c.Param)
			} else {
				obj[c.Param] = c.apply(validField(s, c.Param, f.Fields))
			}
		}
		b, err := json.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("negative: %s body: %w", c.OperationID, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.Method, u, body)
	if err != nil {
		return nil, err
	}
	if s != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// validBody is an object with every required field and every field the
// fixture knows.
func validBody(s *openapi3.Schema, fields map[string]any) map[string]any {
	obj := map[string]any{}
	for name := range s.Properties {
		if _, ok := fields[name]; ok || slices.Contains(s.Required, name) {
			obj[name] = validField(s, name, fields)
		}
	}
	return obj
}

func validField(s *openapi3.Schema, name string, fields map[string]any) any {
	if v, ok := fields[name]; ok {
		return asJSON(v)
	}
	return validValue(s.Properties[name].Value)
}

// asJSON is v as encoding/json reads it back ([]any, map[string]any,
// float64), the shapes a mutation takes apart.
func asJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

// validValue is a value the schema accepts: its default, example or first
// enum value, else the smallest one its type and bounds allow.
func validValue(s *openapi3.Schema) any {
	switch {
	case s.Default != nil:
		return s.Default
	case s.Example != nil:
		return s.Example
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	switch typeOf(s) {
	case openapi3.TypeString:
		return strings.Repeat("x", int(max(s.MinLength, 1)))
	case openapi3.TypeInteger, openapi3.TypeNumber:
		switch {
		case s.Min != nil:
			return *s.Min + b2f(s.ExclusiveMin.IsTrue())
		case s.Max != nil:
			return *s.Max - b2f(s.ExclusiveMax.IsTrue())
		}
		return 1
	case openapi3.TypeBoolean:
		return true
	case openapi3.TypeArray:
		return slices.Repeat([]any{validValue(s.Items.Value)}, int(max(s.MinItems, 1)))
	case openapi3.TypeObject:
		return validBody(s, nil)
	}
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func typeOf(s *openapi3.Schema) string {
	if s.Type == nil || len(s.Type.Slice()) != 1 {
		return ""
	}
	return s.Type.Slice()[0]
}

// queryStrings is a valid value as query strings.
func queryStrings(v any) []string {
	if arr, ok := v.([]any); ok {
		out := make([]string, len(arr))
		for i, x := range arr {
			out[i] = scalar(x)
		}
		return out
	}
	return []string{scalar(v)}
}

func scalar(v any) string {
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(v)
}
