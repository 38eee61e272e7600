package adminclient_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/contract/emulator/emulatortest"
	"github.com/certcontract/certcontract/generated"
)

// calls reach every operation with ids the organization does not have.
var calls = map[string]func(context.Context, *generated.AdminClient) error{
	"listOrganizationCertificates": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.ListOrganizationCertificates(ctx, generated.ListOptions{})
		return err
	},
	"uploadCertificate": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.UploadCertificate(ctx, "not a certificate", "")
		return err
	},
	"activateOrganizationCertificates": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.ActivateOrganizationCertificates(ctx, "cert_missing")
		return err
	},
	"deactivateOrganizationCertificates": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.DeactivateOrganizationCertificates(ctx, "cert_missing")
		return err
	},
	"getCertificate": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.GetCertificate(ctx, "cert_missing", true)
		return err
	},
	"modifyCertificate": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.ModifyCertificate(ctx, "cert_missing", "name")
		return err
	},
	"deleteCertificate": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.DeleteCertificate(ctx, "cert_missing")
		return err
	},
	"listProjectCertificates": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.ListProjectCertificates(ctx, "proj_missing", generated.ListOptions{})
		return err
	},
	"activateProjectCertificates": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.ActivateProjectCertificates(ctx, "proj_default", "cert_missing")
		return err
	},
	"deactivateProjectCertificates": func(ctx context.Context, c *generated.AdminClient) error {
		_, err := c.DeactivateProjectCertificates(ctx, "proj_missing", "cert_missing")
		return err
	},
}

// want is the typed form an error must arrive in.
type want struct {
	status     int
	typ        string
	code       generated.ErrorCode
	param      string
	retryAfter time.Duration
}

// expectTyped fails unless err is an *OperationError for op, after one
// attempt, around an *APIError that is want.
func expectTyped(t *testing.T, op string, err error, w want) {
	t.Helper()
	var opErr *generated.OperationError
	var apiErr *generated.APIError
	if !errors.As(err, &opErr) || !errors.As(err, &apiErr) {
		t.Fatalf("%s: error %v; want an *OperationError around an *APIError", op, err)
	}
	if opErr.Operation != op || opErr.Attempts != 1 {
		t.Errorf("%s: error names %s after %d attempts; want %s after 1", op, opErr.Operation, opErr.Attempts, op)
	}
	got := want{status: apiErr.Status, typ: apiErr.Type, code: apiErr.Code, param: apiErr.Param, retryAfter: apiErr.RetryAfter}
	if w.typ == "" {
		w.typ = "invalid_request_error"
	}
	if got != w || apiErr.Message == "" || !strings.HasPrefix(apiErr.RequestID, "req_") {
		t.Errorf("%s: %+v with message %q, request %q; want %+v, a message and a request id", op, got, apiErr.Message, apiErr.RequestID, w)
	}
	if w.code != "" && !generated.HasCode(err, w.code) {
		t.Errorf("%s: HasCode(%s) is false", op, w.code)
	}
}

// Every error status the fragment documents, provoked through AdminClient
// and decoded into its typed form.
func TestEveryDocumentedErrorIsTyped(t *testing.T) {
	base := emulatortest.Start(t).URL
	ctx := t.Context()

	t.Run("the statuses every operation can answer", func(t *testing.T) {
		for _, op := range fragmentOperations(t) {
			call := calls[op]
			if call == nil {
				t.Fatalf("operation %s of the fragment has no call here", op)
			}
			// 401: a key the API does not know.
			stranger, err := generated.New(generated.WithBaseURL(base), generated.WithAdminKey("sk-proj-not-an-admin-key"))
			if err != nil {
				t.Fatal(err)
			}
			expectTyped(t, op, call(ctx, stranger), want{status: 401, code: generated.ErrorCodeInvalidAPIKey})
			// 429, 500 and 503, forced, and not retried so that the first
			// answer is the one reported.
			for status, w := range map[string]want{
				"429": {status: 429, typ: "requests", code: generated.ErrorCodeRateLimitExceeded, retryAfter: time.Second},
				"500": {status: 500, typ: "server_error"},
				"503": {status: 503, typ: "server_error", retryAfter: time.Second},
			} {
				c, _ := newClient(t, &wire{fault: func(int32) string { return status }}, generated.WithMaxRetries(0))
				expectTyped(t, op, call(ctx, c), w)
			}
		}
	})

	t.Run("415 for every body that is not JSON", func(t *testing.T) {
		plain := generated.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Content-Type", "text/plain")
			return nil
		})
		for _, op := range []string{"uploadCertificate", "modifyCertificate", "activateOrganizationCertificates",
			"deactivateOrganizationCertificates", "activateProjectCertificates", "deactivateProjectCertificates"} {
			c, _ := newClient(t, &wire{}, plain)
			expectTyped(t, op, calls[op](ctx, c), want{status: 415, code: generated.ErrorCodeUnsupportedMediaType})
		}
	})

	t.Run("404 for ids the organization does not have", func(t *testing.T) {
		c, _ := newClient(t, &wire{})
		for op, param := range map[string]string{
			"activateOrganizationCertificates": "certificate_ids", "deactivateOrganizationCertificates": "certificate_ids",
			"getCertificate": "certificate_id", "modifyCertificate": "certificate_id", "deleteCertificate": "certificate_id",
			"listProjectCertificates": "project_id", "activateProjectCertificates": "certificate_ids", "deactivateProjectCertificates": "project_id",
		} {
			err := calls[op](ctx, c)
			expectTyped(t, op, err, want{status: 404, code: generated.ErrorCodeNotFound, param: param})
			if !generated.IsNotFound(err) {
				t.Errorf("%s: IsNotFound is false", op)
			}
		}
	})

	t.Run("413 for a body larger than the API takes", func(t *testing.T) {
		c, _ := newClient(t, &wire{})
		huge := strings.Repeat("A", 70<<10)
		_, err := c.UploadCertificate(ctx, huge, "")
		expectTyped(t, "uploadCertificate", err, want{status: 413, code: generated.ErrorCodeRequestTooLarge})
		_, err = c.ModifyCertificate(ctx, "cert_x", huge)
		expectTyped(t, "modifyCertificate", err, want{status: 413, code: generated.ErrorCodeRequestTooLarge})
	})

	t.Run("400 for requests that break a rule", func(t *testing.T) {
		c, _ := newClient(t, &wire{})
		ids := upload(t, c, 1, "active")
		if _, err := c.ActivateProjectCertificates(ctx, "proj_alpha", ids[0]); err != nil {
			t.Fatal(err)
		}
		_, err := c.DeleteCertificate(ctx, ids[0])
		expectTyped(t, "deleteCertificate", err, want{status: 400, code: generated.ErrorCodeCertificateActive, param: "certificate_id"})
		_, err = c.ListOrganizationCertificates(ctx, generated.ListOptions{Limit: 101})
		expectTyped(t, "listOrganizationCertificates", err, want{status: 400, param: "limit"})
		_, err = c.ListProjectCertificates(ctx, "proj_alpha", generated.ListOptions{After: "cert_never_issued"})
		expectTyped(t, "listProjectCertificates", err, want{status: 400, param: "after"})
		expectTyped(t, "uploadCertificate", calls["uploadCertificate"](ctx, c), want{status: 400, param: "certificate"})
		_, err = c.ActivateOrganizationCertificates(ctx)
		expectTyped(t, "activateOrganizationCertificates", err, want{status: 400, param: "certificate_ids"})
	})

	t.Run("400 certificate_limit_reached at the 51st certificate", func(t *testing.T) {
		c, _ := newClient(t, &wire{})
		upload(t, c, emulator.MaxCertificates, "full")
		_, err := c.UploadCertificate(ctx, newPEM(t), "one-too-many")
		expectTyped(t, "uploadCertificate", err, want{status: 400, code: generated.ErrorCodeCertificateLimitReached})
	})
}
