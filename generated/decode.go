package generated

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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

type responseKey struct{}

// WithResponseInto returns a context under which an [AdminClient] call
// stores its final answer in *dst, as openai-go's option.WithResponseInto
// does: its status and headers, among them the request id
// (dst.Header.Get("X-Request-Id")), on success as on an error answer. The
// body has been read already. *dst is left alone when no answer came.
//
//	var rsp *http.Response
//	cert, err := client.UploadCertificate(generated.WithResponseInto(ctx, &rsp), pem, "ca")
//	if err == nil {
//		log.Printf("uploaded %s (request %s)", cert.Id, rsp.Header.Get("X-Request-Id"))
//	}
func WithResponseInto(ctx context.Context, dst **http.Response) context.Context {
	return context.WithValue(ctx, responseKey{}, dst)
}

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
	if dst, _ := ctx.Value(responseKey{}).(**http.Response); dst != nil && rsp != nil {
		*dst = rsp
	}
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
	// What every generated parser does with a 200 in JSON, on the body the
	// attempt already read: decoded into the type the operation returns.
	if a, read := rsp.Body.(*answerBody); read && rsp.StatusCode == http.StatusOK && strings.Contains(rsp.Header.Get("Content-Type"), "json") {
		v := new(T)
		if err := json.Unmarshal(a.data, v); err != nil {
			return nil, fmt.Errorf("reading the %d answer: %w", rsp.StatusCode, err)
		}
		if err := checkShape(a.data, v); err != nil {
			return nil, fmt.Errorf("the %d answer is not what the fragment documents: %w", rsp.StatusCode, err)
		}
		return v, nil
	}
	res, err := parse(rsp)
	if err != nil {
		return nil, fmt.Errorf("reading the %d answer: %w", rsp.StatusCode, err)
	}
	v := ok(res)
	if v == nil {
		return nil, fmt.Errorf("unexpected %d answer with Content-Type %q", rsp.StatusCode, rsp.Header.Get("Content-Type"))
	}
	if err := checkShape(res.GetBody(), v); err != nil {
		return nil, fmt.Errorf("the %d answer is not what the fragment documents: %w", rsp.StatusCode, err)
	}
	return v, nil
}

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
