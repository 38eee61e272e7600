package generated

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
)

// call is one AdminClient call on its way through the retrying doer, which
// finds it in the request's context.
type call struct {
	operation string
	class     retryClass
	attempts  int
}

type callKey struct{}

func callOf(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// result is what every generated ParseXxxResult returns.
type result interface{ GetBody() []byte }

// do sends one operation through the generated client and returns its 200
// body, or an *OperationError.
func do[R result, T any](ctx context.Context, c *AdminClient, operation string, send func(context.Context) (*http.Response, error), parse func(*http.Response) (R, error), ok func(R) *T) (*T, error) {
	cl := &call{operation: operation, class: retryClasses[operation]}
	rsp, err := send(context.WithValue(ctx, callKey{}, cl))
	v, err := decode(c, rsp, err, parse, ok)
	if err != nil {
		return nil, &OperationError{Operation: operation, Attempts: cl.attempts, Err: c.clean(err)}
	}
	return v, nil
}

// decode turns what a generated call returned into the 200 body or an error.
// Error answers never reach the generated parser: it fails outright on an
// error body that claims JSON but is not, or on a Retry-After given as an
// HTTP date, and the status would be lost with it.
func decode[R result, T any](c *AdminClient, rsp *http.Response, err error, parse func(*http.Response) (R, error), ok func(R) *T) (*T, error) {
	if err != nil {
		return nil, err
	}
	if rsp.StatusCode < 200 || rsp.StatusCode > 299 {
		return nil, c.apiError(rsp)
	}
	res, err := parse(rsp)
	if err != nil {
		return nil, fmt.Errorf("reading the %d answer: %w", rsp.StatusCode, err)
	}
	v := ok(res)
	if v == nil {
		return nil, fmt.Errorf("unexpected %d answer with Content-Type %q", rsp.StatusCode, rsp.Header.Get("Content-Type"))
	}
	if err := checkShape(res.GetBody(), reflect.TypeFor[T]()); err != nil {
		return nil, fmt.Errorf("the %d answer is not what the fragment documents: %w", rsp.StatusCode, err)
	}
	return v, nil
}

// checkShape reports how body, a 2xx answer that decoded into t, departs
// from the fragment: a required field absent, a null where the fragment
// allows none, or an enum value (such as object) it does not list. Decoding
// alone cannot tell: {} decodes into an empty list. The generated type says
// what the fragment requires: oapi-codegen gives every optional field
// omitempty, every nullable one a pointer, and every enum a Valid method.
func checkShape(body []byte, t reflect.Type) error {
	return walk(body, t, "")
}

type enum interface{ Valid() bool }

var enumType = reflect.TypeFor[enum]()

func walk(raw json.RawMessage, t reflect.Type, path string) error {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(enumType) {
		v := reflect.New(t)
		if err := json.Unmarshal(raw, v.Interface()); err != nil {
			return fmt.Errorf("%s: %w", name(path), err)
		}
		if !v.Elem().Interface().(enum).Valid() {
			return fmt.Errorf("%s is %s, a value the fragment does not list", name(path), raw)
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return fmt.Errorf("%s: %w", name(path), err)
		}
		// Missing fields are reported together and before anything else:
		// they say best what kind of answer this is not.
		var missing []string
		var invalid error
		for i := range t.NumField() {
			f := t.Field(i)
			key, tagOpts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if key == "" || key == "-" {
				continue
			}
			optional := strings.Contains(tagOpts, "omitempty")
			at := join(path, key)
			v, present := fields[key]
			switch {
			case !present && optional:
			case !present:
				missing = append(missing, name(at))
			case isNull(v) && (optional || f.Type.Kind() == reflect.Pointer):
			case invalid != nil:
			case isNull(v):
				invalid = fmt.Errorf("%s is null", name(at))
			default:
				invalid = walk(v, f.Type, at)
			}
		}
		switch len(missing) {
		case 0:
			return invalid
		case 1:
			return fmt.Errorf("required field %s is missing", missing[0])
		default:
			return fmt.Errorf("required fields %s are missing", strings.Join(missing, ", "))
		}
	case reflect.Slice:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return fmt.Errorf("%s: %w", name(path), err)
		}
		for i, item := range items {
			at := fmt.Sprintf("%s[%d]", path, i)
			if isNull(item) {
				return fmt.Errorf("%s is null", name(at))
			}
			if err := walk(item, t.Elem(), at); err != nil {
				return err
			}
		}
	}
	return nil
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

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// ErrResponseTooLarge is the cause of a call whose answer was larger than
// [WithMaxResponseBytes] allows.
var ErrResponseTooLarge = errors.New("response body larger than the client's limit")

// boundedBody reads at most limit bytes of a body, and one more to tell
// whether the body goes on; a body that does fails with ErrResponseTooLarge.
// Closing it releases the attempt's timeout.
type boundedBody struct {
	rc     io.ReadCloser
	left   int64
	limit  int64
	cancel context.CancelFunc
}

func (b *boundedBody) tooLarge() error {
	return fmt.Errorf("%w (%d bytes, see WithMaxResponseBytes)", ErrResponseTooLarge, b.limit)
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var probe [1]byte
		n, err := b.rc.Read(probe[:])
		if n > 0 {
			return 0, b.tooLarge()
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
