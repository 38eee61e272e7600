package emulator

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/certcontract/certcontract/contract/emulator/internal/server"
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
	// Mutations are deliberately wrong behaviours, only for proving that the
	// contract suite notices them.
	Mutations []Mutation
	// Logger gets one line per request (method, path, status, duration and a
	// hash of the organization); never the key. Nil: silent.
	Logger *slog.Logger
}

// DefaultProjects are the projects of every organization when Config.Projects
// is empty.
var DefaultProjects = []string{"proj_default", "proj_alpha", "proj_beta"}

// Server is the emulated API; it implements http.Handler and serves every
// route under /v1.
type Server struct {
	keys      map[string]bool // nil: any well-formed admin key
	projects  []string
	mutations map[Mutation]bool
	faults    *faultInjector
	validator *requestValidator
	routes    http.Handler
	logger    *slog.Logger

	orgs sync.Map // admin key -> *organization
}

// BasePath is the prefix of every route, as in https://api.openai.com/v1.
const BasePath = "/v1"

// New checks cfg and returns a Server with empty organizations.
func New(cfg Config) (*Server, error) {
	s := &Server{
		projects:  DefaultProjects,
		mutations: make(map[Mutation]bool, len(cfg.Mutations)),
		logger:    cfg.Logger,
	}
	var errs []error
	if len(cfg.Keys) > 0 {
		s.keys = make(map[string]bool, len(cfg.Keys))
		for _, k := range cfg.Keys {
			if k == "" {
				errs = append(errs, errors.New("emulator: an empty admin key"))
			}
			s.keys[k] = true
		}
	}
	if len(cfg.Projects) > 0 {
		s.projects = slices.Clone(cfg.Projects)
		for _, p := range cfg.Projects {
			if p == "" {
				errs = append(errs, errors.New("emulator: an empty project id"))
			}
		}
	}
	for _, m := range cfg.Mutations {
		if !m.known() {
			errs = append(errs, fmt.Errorf("emulator: unknown mutation %q (known: %v)", m, KnownMutations()))
		}
		s.mutations[m] = true
	}
	faults, err := newFaultInjector(cfg.Faults, time.Now().UnixNano())
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s.faults = faults
	if s.validator, err = newRequestValidator(); err != nil {
		return nil, err
	}
	// Whatever passes the fragment's router but not net/http's still gets
	// the API's 404 body, never net/http's plain text.
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { invalidURL(r).write(w) })
	s.routes = server.HandlerWithOptions(handlers{s}, server.StdHTTPServerOptions{
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
	requestID := "req_" + strconv.FormatUint(rand.Uint64(), 16)
	w.Header().Set("X-Request-Id", requestID)
	if s.logger == nil {
		s.serve(w, r)
		return
	}
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	org := s.serve(rec, r)
	orgHash := "-"
	if org != nil {
		orgHash = org.hash
	}
	s.logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", rec.status),
		slog.Duration("duration", time.Since(start)),
		slog.String("org", orgHash),
		slog.String("request_id", requestID),
	)
}

// serve answers r and returns the organization it was for, nil when the key
// was refused.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) *organization {
	org, apiErr := s.authenticate(r)
	if apiErr != nil {
		apiErr.write(w)
		return nil
	}
	if apiErr := s.faults.apply(r); apiErr != nil {
		apiErr.write(w)
		return org
	}
	r, apiErr = s.validator.check(r)
	if apiErr != nil {
		apiErr.write(w)
		return org
	}
	s.routes.ServeHTTP(w, withOrganization(r, org))
	return org
}

// statusRecorder keeps the status for the log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (rec *statusRecorder) WriteHeader(status int) {
	rec.status = status
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *statusRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }
