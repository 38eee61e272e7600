// Command emulator serves the stateful Certificates API emulator on a local
// address, for integration tests of any client:
//
//	go run ./contract/cmd/emulator -addr 127.0.0.1:8080
//
// then point the client at http://127.0.0.1:8080/v1 with any key of the form
// sk-admin-<something> (each key is its own organization). Every setting can
// also come from the environment: -fault-rate is EMULATOR_FAULT_RATE, and
// so on; a flag on the command line wins. GET /healthz answers without a key.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/netutil"

	"github.com/certcontract/certcontract/contract/emulator"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil)
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "emulator:", err)
		os.Exit(2)
	}
}

// options are the command's settings after flags and environment.
type options struct {
	addr           string
	allowRemote    bool
	mtlsAddr       string // "": no mTLS listener
	mtlsCAFile     string
	quiet          bool
	maxConnections int
	fixtures       string // the file cfg.Fixtures came from, for errors
	cfg            emulator.Config

	// Actions instead of serving; never read from the environment, where
	// a variable such as EMULATOR_VERSION may well mean something else.
	showVersion bool
	healthCheck bool
}

// actionFlags are the flags applyEnv leaves alone.
var actionFlags = map[string]bool{"version": true, "health-check": true}

// The server's limits. Every exchange of this API is small: request headers
// under 2 KiB (a key of at most emulator.MaxAdminKeyBytes and the SDKs' own
// headers), a body under emulator.MaxBodyBytes, an answer under 64 KiB; on
// loopback each takes microseconds. So a request that has not arrived within
// seconds never will, and is given up.
const (
	// readHeaderTimeout bounds the request line and headers.
	readHeaderTimeout = 5 * time.Second
	// readTimeout bounds the whole request, body included: a body that
	// never arrives is answered 400 once it passes.
	readTimeout = 10 * time.Second
	// writeTimeout runs from the end of the headers to the end of the
	// answer, so it covers reading the body; -fault-latency adds to it.
	writeTimeout = readTimeout + 10*time.Second
	// idleTimeout closes a kept-alive connection nobody uses, which also
	// frees its place under -max-connections.
	idleTimeout = time.Minute
	// maxHeaderBytes holds every header a client of this API sends several
	// times over; net/http answers 431 past it, before the emulator runs.
	maxHeaderBytes = 16 << 10
	// defaultMaxConnections stays under the usual limit of 1024 open files,
	// so accepting never fails for want of descriptors.
	defaultMaxConnections = 512
)

// run serves until ctx ends or SIGINT/SIGTERM arrives, then shuts down
// gracefully. ready, if not nil, gets the bound address once requests are
// being accepted.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready func(net.Addr)) error {
	opts, err := parseOptions(args, getenv, stderr)
	if err != nil {
		return err
	}
	switch {
	case opts.showVersion:
		_, err := fmt.Fprintln(stdout, versionLine())
		return err
	case opts.healthCheck:
		return checkHealth(ctx, opts.addr)
	}
	sink := newLogSink(stderr)
	defer sink.Close()
	logger := slog.New(slog.NewTextHandler(sink, nil))
	if !opts.quiet {
		opts.cfg.Logger = logger
	}
	emu, err := emulator.New(opts.cfg)
	var fixtureErr *emulator.FixtureError
	if errors.As(err, &fixtureErr) {
		// One line naming the file, the entry and the field.
		fixtureErr.File = opts.fixtures
		return fixtureErr
	}
	if err != nil {
		return err
	}
	defer emu.Close()

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return err
	}
	// Connections past the cap wait in the kernel's accept queue until one
	// closes, rather than each taking a goroutine and its buffers.
	ln = netutil.LimitListener(ln, opts.maxConnections)
	newServer := func() *http.Server {
		return &http.Server{
			Handler:           withHealth(emu),
			ReadHeaderTimeout: readHeaderTimeout,
			ReadTimeout:       readTimeout,
			WriteTimeout:      writeTimeout + opts.cfg.Faults.Latency,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    maxHeaderBytes,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		}
	}
	srv := newServer()
	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	var mtls *http.Server
	if opts.mtlsAddr != "" {
		mln, err := listenMTLS(opts)
		if err != nil {
			srv.Close()
			return err
		}
		mtls = newServer()
		go func() { served <- mtls.Serve(mln) }()
		logger.Info("listening for mutual TLS", "base_url", "https://"+mln.Addr().String()+emulator.BasePath,
			"ca_file", opts.mtlsCAFile, "project_keys", len(opts.cfg.ProjectKeys))
	}
	// The pid is what to kill: a `go run` in the background is another
	// process, whose death leaves this one serving.
	logger.Info("listening", "base_url", "http://"+ln.Addr().String()+emulator.BasePath, "pid", os.Getpid(), "version", buildVersion(),
		"projects", strings.Join(projectsOf(opts.cfg), ","), "faults", opts.cfg.Faults.Rate > 0 || opts.cfg.Faults.Header || opts.cfg.Faults.Latency > 0,
		"mutations", len(opts.cfg.Mutations), "fixtures", fixtureCount(opts.cfg.Fixtures), "foreign", opts.cfg.Shared.Foreign, "actor_rate", opts.cfg.Shared.ActorRate)
	if ready != nil {
		ready(ln.Addr())
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	servers := []*http.Server{srv}
	if mtls != nil {
		servers = append(servers, mtls)
	}
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil {
			return err
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	return nil
}

// listenMTLS opens the mTLS listener: a server certificate for its host made
// now, its CA written to -mtls-ca-file for clients to trust, and a client
// certificate asked for in every handshake (the gate decides per request).
func listenMTLS(opts options) (net.Listener, error) {
	host, _, err := net.SplitHostPort(opts.mtlsAddr)
	if err != nil {
		return nil, fmt.Errorf("-mtls-addr %q: %w", opts.mtlsAddr, err)
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if host != "" && !slices.Contains(hosts, host) {
		hosts = append(hosts, host)
	}
	cfg, caPEM, err := emulator.MTLSConfig(hosts...)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(opts.mtlsCAFile, []byte(caPEM), 0o644); err != nil {
		return nil, fmt.Errorf("-mtls-ca-file: %w", err)
	}
	ln, err := net.Listen("tcp", opts.mtlsAddr)
	if err != nil {
		return nil, err
	}
	return tls.NewListener(netutil.LimitListener(ln, opts.maxConnections), cfg), nil
}

// fixtureCount is how many organizations the fixtures start with.
func fixtureCount(fx *emulator.Fixtures) int {
	if fx == nil {
		return 0
	}
	return len(fx.Organizations)
}

func projectsOf(cfg emulator.Config) []string {
	if len(cfg.Projects) > 0 {
		return cfg.Projects
	}
	return emulator.DefaultProjects
}

func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var (
		opts                      options
		keys, projects, mutations string
		projectKeys               string
		fixtures                  string
		faultStatuses, faultConns string
		fs                        = flag.NewFlagSet("emulator", flag.ContinueOnError)
		faults                    = &opts.cfg.Faults
	)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on; a loopback address unless -allow-remote")
	fs.BoolVar(&opts.allowRemote, "allow-remote", false, "allow listening on an address other than loopback")
	fs.StringVar(&opts.mtlsAddr, "mtls-addr", "", "`host:port` of a second, mutual TLS listener behind the gate (default: none); a loopback address unless -allow-remote")
	fs.StringVar(&opts.mtlsCAFile, "mtls-ca-file", "", "`file` to write the CA certificate of the mTLS listener's server certificate to, for clients to trust; needed with -mtls-addr")
	fs.StringVar(&projectKeys, "project-keys", "", "comma-separated project API keys of the data plane, each `sk-proj-...=<admin key>/<project id>`")
	fs.BoolVar(&opts.quiet, "quiet", false, "no log line per request")
	fs.IntVar(&opts.maxConnections, "max-connections", defaultMaxConnections, "open connections served at once; more wait until one closes")
	fs.IntVar(&opts.cfg.MaxOrganizations, "max-organizations", emulator.DefaultMaxOrganizations, "organizations kept at most; a request that would start one more is refused")
	fs.BoolVar(&opts.showVersion, "version", false, "print the version and exit")
	fs.BoolVar(&opts.healthCheck, "health-check", false, "ask the emulator serving on -addr for "+healthPath+" and exit 0 if it is healthy")
	fs.StringVar(&keys, "keys", "", "comma-separated admin keys to accept, each its own organization (default: any sk-admin-... key)")
	fs.StringVar(&projects, "projects", "", "comma-separated project ids every organization has (default: "+strings.Join(emulator.DefaultProjects, ",")+")")
	fs.Float64Var(&faults.Rate, "fault-rate", 0, "share of requests (0..1) answered with a fault")
	fs.StringVar(&faultStatuses, "fault-statuses", "", "comma-separated fault statuses from 429,500,503 (default all three, unless -fault-connections is given)")
	fs.StringVar(&faultConns, "fault-connections", "", "comma-separated connection faults from reset,truncate,lost, chosen beside the statuses")
	fs.DurationVar(&faults.Latency, "fault-latency", 0, "latency added to every request")
	fs.IntVar(&faults.RetryAfter, "fault-retry-after", 1, "Retry-After seconds on 429 and 503")
	fs.BoolVar(&faults.Header, "fault-header", false, "honour the request header "+emulator.FaultHeader+": 429|500|503|reset|truncate|lost")
	fs.Uint64Var(&faults.Seed, "fault-seed", 0, "seed of the fault dice (default: from the clock)")
	fs.IntVar(&opts.cfg.Shared.Foreign, "foreign", 0, "certificates someone else uploaded, seeded in every new organization (named or not, some active, some expiring soon)")
	fs.Float64Var(&opts.cfg.Shared.ActorRate, "actor-rate", 0, "changes per second another client makes to its own certificates in every organization (0: none)")
	fs.IntVar(&opts.cfg.Shared.ActorSlots, "actor-slots", emulator.DefaultActorSlots, "the most certificates that client holds at once")
	fs.StringVar(&fixtures, "fixtures", "", "YAML or JSON `file` of organizations to start with and return to on POST "+emulator.ControlPath+"reset (admin key, projects, certificates; an example in _examples/fixtures)")
	fs.StringVar(&mutations, "mutations", "", "comma-separated deliberately wrong behaviours, to prove a test suite catches them: "+
		"ignore-limit, delete-active and the others docs/suite.md lists, or <break>-<field>-in-<answer> such as stale-name-in-org-list-asc")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emulator [flags]\n\nServes the Certificates API under /v1, and GET %s without a key. Every setting\nmay come from the environment as EMULATOR_<FLAG>, e.g. EMULATOR_FAULT_RATE=0.1;\nthe command line wins.\n\n", healthPath)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := applyEnv(fs, getenv); err != nil {
		return opts, err
	}

	opts.cfg.Keys = splitList(keys)
	for _, pk := range splitList(projectKeys) {
		key, scope, ok1 := strings.Cut(pk, "=")
		admin, project, ok2 := strings.Cut(scope, "/")
		if !ok1 || !ok2 {
			return opts, fmt.Errorf("-project-keys: %q is not sk-proj-...=<admin key>/<project id>", pk)
		}
		opts.cfg.ProjectKeys = append(opts.cfg.ProjectKeys, emulator.ProjectKey{Key: key, AdminKey: admin, Project: project})
	}
	if opts.mtlsAddr != "" && opts.mtlsCAFile == "" {
		return opts, errors.New("-mtls-addr needs -mtls-ca-file, where clients find the CA to trust")
	}
	opts.cfg.Projects = splitList(projects)
	opts.cfg.Mutations = splitList(mutations)
	for _, s := range splitList(faultStatuses) {
		st, err := strconv.Atoi(s)
		if err != nil {
			return opts, fmt.Errorf("-fault-statuses: %q is not a status", s)
		}
		faults.Statuses = append(faults.Statuses, st)
	}
	for _, c := range splitList(faultConns) {
		faults.Connection = append(faults.Connection, emulator.ConnectionFault(c))
	}
	if fixtures != "" {
		fx, err := emulator.LoadFixtures(fixtures)
		if err != nil {
			return opts, err
		}
		opts.cfg.Fixtures = fx
		opts.fixtures = fixtures
	}
	if opts.maxConnections < 1 {
		return opts, fmt.Errorf("-max-connections %d: need at least 1", opts.maxConnections)
	}
	// The loopback rule is about listening; a health check only connects.
	if !opts.allowRemote && !opts.healthCheck {
		if err := requireLoopback("-addr", opts.addr); err != nil {
			return opts, err
		}
		if opts.mtlsAddr != "" {
			if err := requireLoopback("-mtls-addr", opts.mtlsAddr); err != nil {
				return opts, err
			}
		}
	}
	return opts, nil
}

// applyEnv sets every flag not given on the command line from its variable.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || actionFlags[f.Name] {
			return
		}
		name := envName(f.Name)
		if v := getenv(name); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
		}
	})
	return errors.Join(errs...)
}

func envName(flagName string) string {
	return "EMULATOR_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// requireLoopback refuses an address reachable from other machines: the
// emulator accepts made-up keys and is meant for local tests only.
func requireLoopback(flagName, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: %w", flagName, addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s %q is not a loopback address; pass -allow-remote to listen there anyway", flagName, addr)
}

func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
