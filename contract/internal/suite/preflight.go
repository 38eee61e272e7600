package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/certcontract/certcontract/contract/emulator"
	"github.com/certcontract/certcontract/generated"
)

// PreflightTimeout bounds the preflight: a target that does not answer in
// this time will not carry a run either.
const PreflightTimeout = 15 * time.Second

// Preflight asks a remote target two cheap questions before any spec runs,
// the organization's list and the project's, so that a wrong base URL, key
// or project stops the run with one line saying what is wrong and what to
// set, rather than with a failure per spec. It answers how many
// certificates the organization holds, for Room.
//
// rt should ride out rate limits (Retry) but not validate: an answer from
// something that is not the API at all is reported as such, in one line.
func Preflight(ctx context.Context, cfg Config, rt http.RoundTripper) (held int, err error) {
	ctx, cancel := context.WithTimeout(ctx, PreflightTimeout)
	defer cancel()
	c, err := generated.NewClientWithResponses(cfg.BaseURL,
		generated.WithHTTPClient(&http.Client{Transport: rt}),
		generated.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+cfg.AdminKey)
			return nil
		}))
	if err != nil {
		return 0, fmt.Errorf("%s=%s: %v", EnvBaseURL, cfg.BaseURL, err)
	}
	redact := func(s string) string { return strings.ReplaceAll(s, cfg.AdminKey, "[REDACTED]") }

	limit := 100
	var after *string
	for range emulator.MaxCertificates + 1 {
		res, err := c.ListOrganizationCertificatesWithResponse(ctx, &generated.ListOrganizationCertificatesParams{Limit: &limit, After: after})
		if err != nil {
			return 0, errors.New(redact(unreachable(cfg, err)))
		}
		switch res.StatusCode() {
		case http.StatusOK:
		case http.StatusUnauthorized, http.StatusForbidden:
			return 0, fmt.Errorf("%s is refused by %s: %s; set %s to an admin key (sk-admin-...) of the organization to check",
				EnvAdminKey, cfg.BaseURL, redact(answer(res.StatusCode(), res.Body)), EnvAdminKey)
		case http.StatusNotFound:
			return 0, fmt.Errorf("%s=%s has no /organization/certificates: %s; set %s to the API's base URL, such as https://api.openai.com/v1",
				EnvBaseURL, cfg.BaseURL, redact(answer(res.StatusCode(), res.Body)), EnvBaseURL)
		default:
			return 0, fmt.Errorf("%s=%s answers GET /organization/certificates with %s; check %s, or try again later",
				EnvBaseURL, cfg.BaseURL, redact(answer(res.StatusCode(), res.Body)), EnvBaseURL)
		}
		if res.JSON200 == nil {
			return 0, fmt.Errorf("%s=%s answers GET /organization/certificates with 200 but no certificate list; set %s to the API's base URL, such as https://api.openai.com/v1",
				EnvBaseURL, cfg.BaseURL, EnvBaseURL)
		}
		held += len(res.JSON200.Data)
		if !res.JSON200.HasMore || res.JSON200.LastId == nil {
			break
		}
		after = res.JSON200.LastId
	}

	one := 1
	res, err := c.ListProjectCertificatesWithResponse(ctx, cfg.ProjectID, &generated.ListProjectCertificatesParams{Limit: &one})
	if err != nil {
		return 0, errors.New(redact(unreachable(cfg, err)))
	}
	switch res.StatusCode() {
	case http.StatusOK:
		return held, nil
	case http.StatusNotFound:
		return 0, fmt.Errorf("%s=%s is not a project of this organization: its certificate list answers %s; set %s to one of the organization's projects (proj_...)",
			EnvProjectID, cfg.ProjectID, redact(answer(res.StatusCode(), res.Body)), EnvProjectID)
	default:
		return 0, fmt.Errorf("%s=%s: its certificate list answers %s; check %s and %s",
			EnvProjectID, cfg.ProjectID, redact(answer(res.StatusCode(), res.Body)), EnvProjectID, EnvAdminKey)
	}
}

// unreachable says why no answer came, in the words a person fixing the
// setting needs: the transport's own error names the whole URL and more.
func unreachable(cfg Config, err error) string {
	var dnsErr *net.DNSError
	var why string
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		why = "the connection is refused (nothing listens there)"
	case errors.As(err, &dnsErr):
		why = "its host " + dnsErr.Name + " is not found"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT):
		why = fmt.Sprintf("it does not answer within %s", PreflightTimeout)
	default:
		why = err.Error()
	}
	return fmt.Sprintf("cannot reach %s=%s: %s; start the API there or set %s to one that answers",
		EnvBaseURL, cfg.BaseURL, why, EnvBaseURL)
}

// answer is a status with the error's code and message, shortened to stay
// on one line.
func answer(status int, body []byte) string {
	s := fmt.Sprintf("%d %s", status, http.StatusText(status))
	var e generated.ErrorResponse
	if json.Unmarshal(body, &e) != nil || e.Error.Message == "" {
		return s
	}
	msg := strings.Join(strings.Fields(e.Error.Message), " ")
	if len(msg) > 160 {
		msg = msg[:160] + "..."
	}
	if e.Error.Code != nil && *e.Error.Code != "" {
		msg = string(*e.Error.Code) + ": " + msg
	}
	return s + " (" + msg + ")"
}

// SlotsPerSpec is the most certificates one spec holds at once outside the
// exclusive ones (a toggle of ten); the ledger refuses an eleventh, so the
// room a run needs follows from the number of parallel processes.
const SlotsPerSpec = 10

// Room checks that an organization holding held certificates leaves the
// room that procs parallel processes need, and otherwise says in one line
// how many slots the run needs and how many are free.
func Room(held, procs int) error {
	free := max(emulator.MaxCertificates-held, 0)
	need := procs * SlotsPerSpec
	if free >= need {
		return nil
	}
	fewer := ""
	if free >= SlotsPerSpec {
		fewer = fmt.Sprintf(", or run fewer parallel processes (--procs=%d: in GINKGO_FLAGS for make contract, a flag of certcontract-contract)", free/SlotsPerSpec)
	}
	return fmt.Errorf("this run needs %d free certificate slots (%d parallel processes × %d) but the organization has %d free (it holds %d of %d); delete %d of its certificates%s",
		need, procs, SlotsPerSpec, free, held, emulator.MaxCertificates, need-free, fewer)
}
