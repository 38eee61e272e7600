package generated

import (
	"bytes"
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
// Presence is read from body by one pass over its bytes, next to the value
// already decoded: the pass finds each object's keys, steps into the
// objects and arrays of objects the fragment describes, and skips every
// other value; no byte is read twice, nothing is decoded again, nothing is
// allocated. body is valid JSON (it was
// decoded), so the pass needs no error handling of its own; keys match
// fields as encoding/json matches them (exactly, else case-insensitively),
// and of a key given twice the last counts, as in the decoded value.
func checkShape(body []byte, v any) error {
	decoded := reflect.ValueOf(v).Elem()
	p := planFor(decoded.Type())
	// Answers are nearly always right, so the first walk names no paths;
	// only a wrong one is walked again to say where.
	if _, err := p.check(body, skipSpace(body, 0), decoded, "", false); err == nil {
		return nil
	}
	_, err := p.check(body, skipSpace(body, 0), decoded, "", true)
	return err
}

// errShape is what a walk that names no paths reports.
var errShape = errors.New("the answer breaks the fragment")

// problem is one problem a walk found: described when describe is set,
// else errShape, with no text built.
func problem(describe bool, format string, args ...any) error {
	if !describe {
		return errShape
	}
	return fmt.Errorf(format, args...)
}

// presence is what one object says of one field: whether its key was
// there, and whether as null.
type presence uint8

const (
	absent presence = iota
	present
	null
	// broken is an object, or an array of objects, present but whose own
	// walk found a problem.
	broken
)

type enum interface{ Valid() bool }

var enumType = reflect.TypeFor[enum]()

// plan is what the fragment requires of one generated struct type.
type plan struct {
	fields []planField
}

type planField struct {
	key      string
	index    int  // of the field in the generated type
	required bool // no omitempty
	nullable bool // a pointer in the generated type: null is allowed
	enum     bool // an enum, or an array of enums
	// sub is the plan of an object, or of the items of an array of
	// objects.
	sub   *plan
	array bool
}

var plans sync.Map // reflect.Type -> *plan

func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{}
	for i := range t.NumField() {
		f := t.Field(i)
		key, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "" || key == "-" {
			continue
		}
		ft := f.Type
		pf := planField{key: key, index: i, required: !strings.Contains(opts, "omitempty"), nullable: ft.Kind() == reflect.Pointer}
		if pf.nullable {
			ft = ft.Elem()
		}
		pf.enum = ft.Implements(enumType)
		switch {
		case ft.Kind() == reflect.Struct:
			pf.sub = planFor(ft)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			pf.sub, pf.array = planFor(ft.Elem()), true
		case ft.Kind() == reflect.Slice:
			pf.enum = ft.Elem().Implements(enumType)
		}
		p.fields = append(p.fields, pf)
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan)
}

// check walks the value at body[at] (an object, or a null) beside its
// decoded value in one pass, and returns the index just past it. Each key
// that names an object or an array of objects is walked where it stands,
// so no byte is read twice. Missing fields are reported together and
// before anything else: they say best what kind of answer this is not.
// Problems are judged in the fragment's order of fields once the object
// has ended, since of a key given twice the last counts. Unless describe is
// set, a problem is errShape and no text is built.
func (p *plan) check(body []byte, at int, decoded reflect.Value, path string, describe bool) (int, error) {
	var buf [16]presence
	fields := buf[:0]
	if len(p.fields) > len(buf) {
		fields = make([]presence, 0, len(p.fields))
	}
	fields = fields[:len(p.fields)]
	// What the walks of the objects within found, kept only to describe it.
	var found []error
	if describe {
		found = make([]error, len(p.fields))
	}
	key := func(key string) string {
		if !describe {
			return ""
		}
		return join(path, key)
	}

	var end int
	if body[at] != '{' {
		end = skipValue(body, at) // a null: every field absent
	} else {
		i, field := skipSpace(body, at+1), -1
		for body[i] != '}' {
			var keyEnd int
			field, keyEnd = p.key(body, i, field+1)
			i = skipSpace(body, skipSpace(body, keyEnd)+1) // past the colon
			if field < 0 {
				i = next(body, skipValue(body, i))
				continue
			}
			f, s := &p.fields[field], present
			var valueEnd int
			var err error
			switch {
			case body[i] == 'n':
				s, valueEnd = null, i+len("null")
			case f.sub == nil:
				valueEnd = skipValue(body, i)
			case f.array:
				valueEnd, err = f.sub.items(body, i, decoded.Field(f.index), key(f.key), describe)
			default:
				r := decoded.Field(f.index)
				if r.Kind() == reflect.Pointer {
					r = r.Elem()
				}
				valueEnd, err = f.sub.check(body, i, r, key(f.key), describe)
			}
			if err != nil {
				s = broken
			}
			fields[field] = s
			if describe {
				found[field] = err
			}
			i = next(body, valueEnd)
		}
		end = i + 1
	}

	var missing []string
	orNull := false
	var invalid error
	for i, f := range p.fields {
		s := fields[i]
		switch {
		case f.sub == nil && s == absent:
			if f.required {
				missing = append(missing, name(key(f.key)))
			}
		case f.sub == nil && s == null:
			if f.required && !f.nullable {
				invalid = cmpOr(invalid, problem(describe, "%s is null", name(key(f.key))))
			}
		case f.sub == nil:
			if f.enum && !validEnums(decoded.Field(f.index)) {
				invalid = cmpOr(invalid, problem(describe, "%s is %q, a value the fragment does not list", name(key(f.key)), enumText(decoded.Field(f.index))))
			}
		case s == absent || s == null:
			// An object or an array, absent or null.
			if f.required && !f.nullable {
				missing, orNull = append(missing, name(key(f.key))), true
			}
		case s == broken:
			if !describe {
				return end, errShape
			}
			invalid = cmpOr(invalid, found[i])
		}
		if !describe && (invalid != nil || len(missing) > 0) {
			return end, errShape
		}
	}
	what := "missing"
	if orNull {
		what = "missing or null"
	}
	switch len(missing) {
	case 0:
		return end, invalid
	case 1:
		return end, fmt.Errorf("required field %s is %s", missing[0], what)
	}
	return end, fmt.Errorf("required fields %s are %s", strings.Join(missing, ", "), what)
}

// items walks the array at body[at] whose items p describes, beside the
// decoded slice, and returns the index just past it and the first problem.
func (p *plan) items(body []byte, at int, decoded reflect.Value, path string, describe bool) (int, error) {
	var first error
	i, n := skipSpace(body, at+1), 0
	for body[i] != ']' {
		itemAt := ""
		if describe {
			itemAt = fmt.Sprintf("%s[%d]", path, n)
		}
		var end int
		var err error
		switch {
		case body[i] == 'n':
			end, err = i+len("null"), problem(describe, "%s is null", name(itemAt))
		case n >= decoded.Len():
			end, err = skipValue(body, i), problem(describe, "%s is not in the decoded answer", name(itemAt))
		default:
			end, err = p.check(body, i, decoded.Index(n), itemAt, describe)
		}
		first = cmpOr(first, err)
		i, n = next(body, end), n+1
	}
	return i + 1, first
}

// key reads the key at body[i] and returns the index in p.fields of the
// field it names (or -1) and the index just past it. Servers write an
// object's keys in one order, so the field after the last one found,
// guess, is tried first: when the key is exactly that field's name it is
// read by one comparison. (Field names hold no quote or backslash, so a
// match cannot be part of a longer or escaped key.)
func (p *plan) key(body []byte, i, guess int) (int, int) {
	if guess < len(p.fields) {
		k := p.fields[guess].key
		if end := i + 1 + len(k); end < len(body) && body[end] == '"' && string(body[i+1:end]) == k {
			return guess, end + 1
		}
	}
	end := skipString(body, i)
	return p.field(body[i+1 : end-1]), end
}

// field returns the index in p.fields of the field a key names, or -1. As
// encoding/json does, it prefers an exact match and otherwise takes a
// case-insensitive one.
func (p *plan) field(raw []byte) int {
	key := raw
	if bytes.IndexByte(raw, '\\') >= 0 {
		// An escaped key: rare enough to let encoding/json unquote it.
		var s string
		if json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s) != nil {
			return -1
		}
		key = []byte(s)
	}
	for i, f := range p.fields {
		if string(key) == f.key {
			return i
		}
	}
	for i, f := range p.fields {
		if bytes.EqualFold(key, []byte(f.key)) {
			return i
		}
	}
	return -1
}

// The scanning helpers below read JSON already known to be valid.
// contract/emulator/prepared.go keeps its own few (see there why).

// skipSpace returns the index of the first byte at or after b[i] that is
// not space; the first comparison alone says so for every byte that
// follows a compact answer's colons and commas.
func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// next steps from the end of a value over a comma to the next value or key,
// or to the closing bracket.
func next(b []byte, i int) int {
	i = skipSpace(b, i)
	if b[i] == ',' {
		i = skipSpace(b, i+1)
	}
	return i
}

// skipString returns the index just past the string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; ; i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// endsLiteral holds the bytes that can follow a number, true, false or null.
var endsLiteral = [256]bool{',': true, '}': true, ']': true, ' ': true, '\t': true, '\n': true, '\r': true}

// skipValue returns the index just past the value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(b) && !endsLiteral[b[i]] {
		i++
	}
	return i
}

// validEnums says whether v, an enum, a pointer to one or a slice of them,
// holds only values the fragment lists.
func validEnums(v reflect.Value) bool {
	if v.Kind() != reflect.Slice {
		return validEnum(v)
	}
	for i := range v.Len() {
		if !validEnum(v.Index(i)) {
			return false
		}
	}
	return true
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
