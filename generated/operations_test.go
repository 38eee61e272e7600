package generated

import (
	"errors"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// An operation added to the fragment must not silently leave AdminClient
// behind: it needs a method of the same name and a retry class, and the
// method must call it as that operation.
func TestEveryOperationHasAMethodAndARetryClass(t *testing.T) {
	fragment, err := os.ReadFile("../openapi/certificates.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var inFragment []string
	for _, m := range regexp.MustCompile(`(?m)^\s+operationId:\s*(\w+)\s*$`).FindAllSubmatch(fragment, -1) {
		inFragment = append(inFragment, string(m[1]))
	}
	// The generated client has one method per operation (and a WithBody
	// variant of each that takes a body); make generate-check keeps it in
	// step with the fragment, and this keeps the fragment's list honest.
	var generated []string
	for m := range reflect.TypeFor[ClientInterface]().Methods() {
		if !strings.HasSuffix(m.Name, "WithBody") {
			generated = append(generated, strings.ToLower(m.Name[:1])+m.Name[1:])
		}
	}
	slices.Sort(inFragment)
	slices.Sort(generated)
	if len(inFragment) == 0 || !slices.Equal(inFragment, generated) {
		t.Fatalf("operations in the fragment %v, in the generated client %v; run make generate", inFragment, generated)
	}
	for op := range retryClasses {
		if !slices.Contains(inFragment, op) {
			t.Errorf("retryClasses names %s, which the fragment does not have", op)
		}
	}

	ts, _ := scriptServer(t, func(int, *http.Request) reply { return reply{status: 500, body: errorBody("server_error", "", "down")} })
	c, _ := newTestClient(t, ts)
	admin := reflect.ValueOf(c)
	for _, op := range inFragment {
		t.Run(op, func(t *testing.T) {
			class := retryClasses[op]
			if class == 0 {
				t.Errorf("%s has no retry class in retryClasses", op)
			}
			name := strings.ToUpper(op[:1]) + op[1:]
			method := admin.MethodByName(name)
			if !method.IsValid() {
				t.Fatalf("%s has no AdminClient method %s", op, name)
			}
			// Every argument but the context and the ids is its zero value;
			// the server answers 500 whatever it gets.
			args := []reflect.Value{reflect.ValueOf(t.Context())}
			fixed := method.Type().NumIn()
			if method.Type().IsVariadic() {
				fixed-- // the ids: none
			}
			for i := 1; i < fixed; i++ {
				arg := reflect.New(method.Type().In(i)).Elem()
				if arg.Kind() == reflect.String {
					arg.SetString("id_1") // an id; the upload's PEM and name
				}
				args = append(args, arg)
			}
			out := method.Call(args)
			err, _ := out[len(out)-1].Interface().(error)
			var opErr *OperationError
			if !errors.As(err, &opErr) {
				t.Fatalf("%s returned %v; want an *OperationError", name, err)
			}
			want := map[retryClass]int{idempotent: 3, storesOnce: 1}[class]
			if opErr.Operation != op || opErr.Attempts != want {
				t.Errorf("%s calls itself %q and made %d attempts after 500s; want %q and %d", name, opErr.Operation, opErr.Attempts, op, want)
			}
		})
	}
}

func TestEmptyIDIsRefusedBeforeSending(t *testing.T) {
	ts, count := scriptServer(t, func(int, *http.Request) reply { return reply{status: 200, body: pageBody} })
	c, _ := newTestClient(t, ts)
	for name, err := range map[string]error{
		"get":    func() error { _, err := c.GetCertificate(t.Context(), "", false); return err }(),
		"delete": func() error { _, err := c.DeleteCertificate(t.Context(), ""); return err }(),
		"project list": func() error {
			_, err := c.ListProjectCertificates(t.Context(), "", ListOptions{})
			return err
		}(),
	} {
		var opErr *OperationError
		if !errors.As(err, &opErr) || opErr.Attempts != 0 || !strings.Contains(err.Error(), "failed before it was sent") {
			t.Errorf("%s with an empty id: %v; want an *OperationError before sending", name, err)
		}
	}
	if count.Load() != 0 {
		t.Errorf("requests = %d; want none", count.Load())
	}
}
