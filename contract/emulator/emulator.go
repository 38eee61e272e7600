package emulator

import (
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/routers"

	"github.com/certcontract/certcontract/contract/emulator/internal/mutant"
	"github.com/certcontract/certcontract/contract/emulator/internal/server"
	"github.com/certcontract/certcontract/contract/emulator/internal/store"
	"github.com/certcontract/certcontract/generated"
)

// Config sets up an emulator. The zero value accepts any admin key, seeds the
// default projects, injects no faults and behaves correctly.
type Config struct {
	// Keys are the accepted admin keys; each is its own organization. Empty:
	// any key of the form sk-admin-<one or more characters>.
	Keys []string
	// Projects are the project ids every organization has. Empty: DefaultProjects.
	Projects []string
	// Faults are off by default.
	Faults Faults
	// Shared seeds others' certificates and sets another client to work in
	// every organization; off by default.
	Shared Shared
	// Mutations name deliberately wrong behaviours, as the -mutations flag
	// takes them (such as "ignore-limit"), only for proving that a contract
	// suite notices them. Empty: none.
	Mutations []string
	// Logger gets one line per request (method, path, status, duration and a
	// hash of the organization); never the key. Nil: silent.
	Logger *slog.Logger
	// ProjectKeys are the project API keys of the data plane (GET
	// /v1/models, POST /v1/chat/completions), each behind the mutual TLS
	// gate; none by default.
	ProjectKeys []ProjectKey
	// MaxOrganizations caps how many organizations the emulator keeps; a
	// request that would start one more is refused. Zero:
	// DefaultMaxOrganizations.
	MaxOrganizations int
	// Fixtures are organizations kept from the start, each with its own
	// key (accepted besides Keys), projects and certificates; Reset
	// returns one to them. Nil: none.
	Fixtures *Fixtures
}

// DefaultMaxOrganizations is the cap on organizations when
// Config.MaxOrganizations is zero. An organization holds at most 50
// certificates under 16 KiB each, under 1 MiB in all, so a full emulator
// stays under 1 GiB; a contract run uses one organization per spec, about
// 150.
const DefaultMaxOrganizations = 1000

// DefaultProjects are the projects of every organization when Config.Projects
// is empty.
var DefaultProjects = []string{"proj_default", "proj_alpha", "proj_beta"}

// Server is the emulated API; it implements http.Handler and serves every
// route under /v1. With Config.Shared's other client at work, Close stops it.
type Server struct {
	keys        map[string]bool // nil: any well-formed admin key
	projectKeys map[string]ProjectKey
	projects    []string
	mutations   mutant.Set
	faults      *faultInjector
	shared      Shared
	actors      actors
	validator   *requestValidator
	api         server.ServerInterface // the handlers, with the mutations' wrappers
	routes      http.Handler
	logger      *slog.Logger

	// direct are, by operationId, the handlers of the operations without
	// parameters, which a request the prepared check accepted reaches
	// without the ServeMux and the generated wrapper: they add nothing to it.
	direct map[string]http.HandlerFunc

	presets map[string]*preset // admin key -> its fixture organization
	started time.Time          // when the fixtures were resolved; Reset checks them as then

	kept             sync.Map   // admin key -> its *organization, read without a lock
	mu               sync.Mutex // held to add to or replace in kept
	organizations    int
	maxOrganizations int
}

// MaxCertificates is how many certificates one organization may hold.
const MaxCertificates = store.MaxCertificates

// BasePath is the prefix of every route, as in https://api.openai.com/v1.
const BasePath = "/v1"

// New checks cfg and returns a Server with empty organizations.
func New(cfg Config) (*Server, error) {
	s := &Server{
		projects:         DefaultProjects,
		logger:           cfg.Logger,
		maxOrganizations: cmp.Or(cfg.MaxOrganizations, DefaultMaxOrganizations),
	}
	var errs []error
	if len(cfg.Keys) > 0 {
		s.keys = make(map[string]bool, len(cfg.Keys))
		for _, k := range cfg.Keys {
			switch {
			case k == "":
				errs = append(errs, errors.New("emulator: an empty admin key"))
			case len(k) > MaxAdminKeyBytes:
				errs = append(errs, fmt.Errorf("emulator: an admin key of %d bytes, more than MaxAdminKeyBytes (%d)", len(k), MaxAdminKeyBytes))
			}
			s.keys[k] = true
		}
	}
	if cfg.MaxOrganizations < 0 {
		errs = append(errs, fmt.Errorf("emulator: negative MaxOrganizations %d", cfg.MaxOrganizations))
	}
	if len(cfg.Projects) > 0 {
		s.projects = slices.Clone(cfg.Projects)
		for _, p := range cfg.Projects {
			if p == "" {
				errs = append(errs, errors.New("emulator: an empty project id"))
			}
		}
	}
	mutations, err := mutant.NewSet(cfg.Mutations)
	if err != nil {
		errs = append(errs, err)
	}
	faults, err := newFaultInjector(cfg.Faults, time.Now().UnixNano())
	if err != nil {
		errs = append(errs, err)
	}
	s.shared = cfg.Shared
	if err := s.shared.check(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.faults, s.mutations = faults, mutations
	if s.validator, err = sharedRequestValidator(); err != nil {
		return nil, err
	}
	if err := s.loadFixtures(cfg.Fixtures); err != nil {
		return nil, err
	}
	// Project keys last: a fixture's organization may have projects of its
	// own, and its admin key is accepted only once the fixtures are loaded.
	if err := s.checkProjectKeys(append(slices.Clone(cfg.ProjectKeys), cfg.Fixtures.projectKeys()...)); err != nil {
		return nil, err
	}
	// Whatever passes the fragment's router but not net/http's still gets
	// the API's 404 body, never net/http's plain text.
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { invalidURL(r).write(w) })
	s.api = s.mutations.WrapHandlers(handlers{})
	s.direct = map[string]http.HandlerFunc{
		"uploadCertificate":                  s.api.UploadCertificate,
		"activateOrganizationCertificates":   s.api.ActivateOrganizationCertificates,
		"deactivateOrganizationCertificates": s.api.DeactivateOrganizationCertificates,
	}
	s.routes = server.HandlerWithOptions(s.api, server.StdHTTPServerOptions{
		BaseURL:          BasePath,
		BaseRouter:       mux,
		ErrorHandlerFunc: writeParamError,
	})
	return s, nil
}

// ServeHTTP answers one request: key, then faults, then the request's shape
// against the fragment, and only then the operation itself. Each step can
// answer on its own, and none but the last changes any state.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Like the live API, every answer names itself, so an error a client
	// reports can be matched with this server's log line.
	requestID := newRequestID()
	w.Header()["X-Request-Id"] = []string{requestID} // canonical already: Set would only check it
	// A logger that drops request lines costs nothing more than none.
	if s.logger == nil || !s.logger.Enabled(r.Context(), slog.LevelInfo) {
		s.serve(w, r)
		return
	}
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	k := s.serve(rec, r)
	orgHash := "-"
	if k != nil {
		orgHash = k.hash()
	}
	end := time.Now()
	// The record is made here rather than by Logger.LogAttrs, which looks
	// up its caller's program counter on every request (about 0.25 µs of
	// the line's 1.7, BenchmarkListPageLogged) for a source that would
	// name this function on every line.
	line := slog.NewRecord(end, slog.LevelInfo, "request", 0)
	line.AddAttrs(
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", rec.status),
		slog.Duration("duration", end.Sub(start)),
		slog.String("org", orgHash),
		slog.String("request_id", requestID),
	)
	_ = s.logger.Handler().Handle(r.Context(), line)
}

// newRequestID returns "req_" and 32 hex digits, the shape of the live API's
// ids: always the same length, so log lines and client errors align.
func newRequestID() string {
	var random [16]byte
	binary.LittleEndian.PutUint64(random[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(random[8:], rand.Uint64())
	var id [len("req_") + 2*len(random)]byte
	copy(id[:], "req_")
	hex.Encode(id[len("req_"):], random[:])
	return string(id[:])
}

// serve answers r and returns the admin key it was for, nil when the key was
// refused. A kept organization's journal gets the call.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) *orgKey {
	if isDataPlane(r.URL.Path) {
		return s.serveData(w, r)
	}
	k, apiErr := s.authenticate(r)
	if apiErr != nil {
		apiErr.write(w)
		return nil
	}
	if strings.HasPrefix(r.URL.Path, ControlPath) {
		s.control(w, r, k)
		return k
	}
	route, params := s.validator.find(r)
	rec := &journaling{ResponseWriter: w, k: k, call: newCall(r, route, params)}
	call := &rec.call
	f, scripted := fault{}, false
	if o := k.organization(); o != nil && route != nil {
		f, scripted = o.script.take(call.Operation)
	}
	if !scripted {
		f = s.faults.apply(r)
	}
	if f != (fault{}) {
		call.Fault = faultName(f)
	}
	if f.answer != nil || f.connection == FaultReset {
		// Not served, but the journal still says what was asked.
		call.withBody(peekBody(r, route))
	}
	switch {
	case f.answer != nil:
		f.answer.write(rec)
	case f.connection == FaultReset:
		rec.enter(0)
		playConnectionFault(rec, f.connection, nil)
	case f.connection != "":
		playConnectionFault(rec, f.connection, func(w http.ResponseWriter) {
			s.route(w, r, k, route, params, call)
			if f.connection == FaultLost {
				rec.enter(0)
			}
		})
	default:
		s.route(rec, r, k, route, params, call)
	}
	rec.enter(http.StatusOK) // a handler that wrote nothing answered 200
	return k
}

// route checks the request's shape, then hands it to its operation. The
// call gets what the body says, once read.
func (s *Server) route(w http.ResponseWriter, r *http.Request, k *orgKey, route *routers.Route, params map[string]string, call *Call) {
	r, body, plain, apiErr := s.validator.check(r, route, params)
	call.withBody(body)
	if apiErr != nil {
		apiErr.write(w)
		return
	}
	if s.keepsOnSight() {
		if _, apiErr := k.keep(); apiErr != nil {
			apiErr.write(w)
			return
		}
	}
	if plain && r.Method == http.MethodGet && r.URL.Path == organizationList {
		// The most frequent request, its query known valid and plain: the
		// generated wrapper would parse it once per parameter.
		s.api.ListOrganizationCertificates(w, withOrgKey(r, k), listParams(plainQuery(r.URL.RawQuery)))
		return
	}
	if handler := s.direct[route.Operation.OperationID]; plain && handler != nil {
		handler(w, withOrgKey(r, k))
		return
	}
	s.routes.ServeHTTP(w, withOrgKey(r, k))
}

// organizationList is the path of the organization's list, which a
// ServeMux routes as it is.
const organizationList = BasePath + "/organization/certificates"

// listParams are the list's parameters from a query the prepared check
// accepted (a value is never empty there): the three values the pointers
// point to share one allocation.
func listParams(query plainQuery) generated.ListOrganizationCertificatesParams {
	var p generated.ListOrganizationCertificatesParams
	values := new(struct {
		limit int
		after string
		order generated.ListOrganizationCertificatesParamsOrder
	})
	if v := query.get("limit"); v != "" {
		values.limit, _ = strconv.Atoi(v)
		p.Limit = &values.limit
	}
	if v := query.get("after"); v != "" {
		values.after = v
		p.After = &values.after
	}
	if v := query.get("order"); v != "" {
		values.order = generated.ListOrganizationCertificatesParamsOrder(v)
		p.Order = &values.order
	}
	return p
}

// statusRecorder keeps the status for the log line: 0 when the connection
// was dropped before any answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (rec *statusRecorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *statusRecorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(p)
}

func (rec *statusRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
