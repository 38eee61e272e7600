package generated

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// checkShape reports how body, a 2xx answer already decoded into v (a
// pointer to a generated type), departs from the fragment: a required field
// absent, a null where the fragment allows none, or an enum value (such as
// object) it does not list. Decoding alone cannot tell: {} decodes into an
// empty list. The generated type says what the fragment requires:
// oapi-codegen gives every optional field omitempty, every nullable one a
// pointer, and every enum a Valid method.
//
// Presence is read by decoding body a second time into a shadow of the
// type (built once per type) whose leaves only note whether their key was
// there and whether it held null, so the check costs one more pass over the
// body and a few allocations per object, not a copy of every value.
func checkShape(body []byte, v any) error {
	decoded := reflect.ValueOf(v).Elem()
	p := planFor(decoded.Type())
	shadow := reflect.New(p.shadow)
	if err := json.Unmarshal(body, shadow.Interface()); err != nil {
		return err
	}
	// Answers are nearly always right, so the first walk names no paths;
	// only a wrong one is walked again to say where.
	if p.check(shadow.Elem(), decoded, "", false) == nil {
		return nil
	}
	return p.check(shadow.Elem(), decoded, "", true)
}

// errShape is what a walk that names no paths reports.
var errShape = errors.New("the answer breaks the fragment")

// presence is a shadow leaf: whether its key was there, and whether as null.
type presence uint8

const (
	absent presence = iota
	present
	null
)

func (s *presence) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = null
	} else {
		*s = present
	}
	return nil
}

var presenceType = reflect.TypeFor[presence]()

type enum interface{ Valid() bool }

var enumType = reflect.TypeFor[enum]()

// plan is what the fragment requires of one generated struct type, and the
// shadow type that finds it out.
type plan struct {
	shadow reflect.Type
	fields []planField
}

type planField struct {
	key      string
	index    int  // of the field, in the generated type and in the shadow
	required bool // no omitempty
	nullable bool // a pointer in the generated type: null is allowed
	enum     bool
	// sub is the plan of an object, or of the items of an array of
	// objects; the shadow holds a pointer (an object) or a slice of
	// pointers (an array), nil for both absent and null.
	sub   *plan
	array bool
}

var plans sync.Map // reflect.Type -> *plan

func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{}
	var shadowFields []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		key, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		shadow := reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: presenceType}
		if key != "" && key != "-" {
			shadow.Tag = reflect.StructTag(fmt.Sprintf(`json:%q`, key))
			ft := f.Type
			pf := planField{key: key, index: i, required: !strings.Contains(opts, "omitempty"), nullable: ft.Kind() == reflect.Pointer}
			if pf.nullable {
				ft = ft.Elem()
			}
			pf.enum = ft.Implements(enumType)
			switch {
			case ft.Kind() == reflect.Struct:
				pf.sub = planFor(ft)
				shadow.Type = reflect.PointerTo(pf.sub.shadow)
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				pf.sub, pf.array = planFor(ft.Elem()), true
				shadow.Type = reflect.SliceOf(reflect.PointerTo(pf.sub.shadow))
			case ft.Kind() == reflect.Slice:
				pf.enum = ft.Elem().Implements(enumType)
			}
			p.fields = append(p.fields, pf)
		}
		shadowFields = append(shadowFields, shadow)
	}
	p.shadow = reflect.StructOf(shadowFields)
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan)
}

// check walks the shadow and the decoded value side by side. Missing
// fields are reported together and before anything else: they say best
// what kind of answer this is not. Unless describe is set, it stops at the
// first problem with errShape and builds no text.
func (p *plan) check(shadow, decoded reflect.Value, path string, describe bool) error {
	var missing []string
	orNull := false
	var invalid error
	at := func(key string) string {
		if !describe {
			return ""
		}
		return join(path, key)
	}
	fail := func(format string, args ...any) error {
		if !describe {
			return errShape
		}
		return fmt.Errorf(format, args...)
	}
	for _, f := range p.fields {
		s := shadow.Field(f.index)
		switch {
		case f.sub == nil && presence(s.Uint()) == absent:
			if f.required {
				missing = append(missing, name(at(f.key)))
			}
		case f.sub == nil && presence(s.Uint()) == null:
			if f.required && !f.nullable {
				invalid = cmpOr(invalid, fail("%s is null", name(at(f.key))))
			}
		case f.sub == nil:
			if f.enum && !validEnum(decoded.Field(f.index)) {
				invalid = cmpOr(invalid, fail("%s is %q, a value the fragment does not list", name(at(f.key)), enumText(decoded.Field(f.index))))
			}
		case s.IsNil():
			if f.required && !f.nullable {
				missing, orNull = append(missing, name(at(f.key))), true
			}
		case f.array:
			items := decoded.Field(f.index)
			for i := range s.Len() {
				itemAt := ""
				if describe {
					itemAt = fmt.Sprintf("%s[%d]", at(f.key), i)
				}
				if s.Index(i).IsNil() {
					invalid = cmpOr(invalid, fail("%s is null", name(itemAt)))
					continue
				}
				invalid = cmpOr(invalid, f.sub.check(s.Index(i).Elem(), items.Index(i), itemAt, describe))
			}
		default:
			r := decoded.Field(f.index)
			if r.Kind() == reflect.Pointer {
				r = r.Elem()
			}
			invalid = cmpOr(invalid, f.sub.check(s.Elem(), r, at(f.key), describe))
		}
		if !describe && (invalid != nil || len(missing) > 0) {
			return errShape
		}
	}
	what := "missing"
	if orNull {
		what = "missing or null"
	}
	switch len(missing) {
	case 0:
		return invalid
	case 1:
		return fmt.Errorf("required field %s is %s", missing[0], what)
	}
	return fmt.Errorf("required fields %s are %s", strings.Join(missing, ", "), what)
}

// validEnum says whether v, an enum or a pointer to one, holds a value the
// fragment lists (or nothing). Valid values are few and remembered, so a
// page of items does not box each one to call Valid.
func validEnum(v reflect.Value) bool {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return true
		}
		v = v.Elem()
	}
	key := enumValue{v.Type(), v.String()}
	knownMu.RLock()
	ok := known[key]
	knownMu.RUnlock()
	if ok {
		return true
	}
	if !v.Interface().(enum).Valid() {
		return false // never remembered: a server could send endless new ones
	}
	knownMu.Lock()
	known[key] = true
	knownMu.Unlock()
	return true
}

type enumValue struct {
	t reflect.Type
	v string
}

var (
	knownMu sync.RWMutex
	known   = map[enumValue]bool{}
)

func enumText(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	return v.String()
}

func cmpOr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func name(path string) string {
	if path == "" {
		return "the body"
	}
	return fmt.Sprintf("%q", path)
}
