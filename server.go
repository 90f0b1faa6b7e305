// Command tthc serves the GraphQL API of the catalog of administrative
// procedures and runs its maintenance tasks: `tthc help` lists them (the
// table is in cli.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"syscall"
	"time"

	"tthc/demo"
	"tthc/graph"
	"tthc/internal/auth"
	"tthc/internal/cache"
	"tthc/internal/generate"
	"tthc/internal/httpserver"
	"tthc/internal/importer"
	"tthc/internal/postgres"
	"tthc/internal/pubsub"
	"tthc/internal/telemetry"
	"tthc/internal/trusted"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tthc:", err)
		status := 1
		var es exitStatus
		if errors.As(err, &es) {
			status = es.code
		}
		os.Exit(status)
	}
}

// exitStatus is an error that asks main for an exit status other than 1.
type exitStatus struct {
	code int
	err  error
}

func (e exitStatus) Error() string { return e.err.Error() }
func (e exitStatus) Unwrap() error { return e.err }

// exitRejected is the exit status of an import that went through but
// rejected some records (README.md, Commands).
const exitRejected = 3

// config is read once from the environment.
type config struct {
	DatabaseURL string
	// DatabaseReadURL, when set, is a streaming replica that serves the
	// public reads (DATABASE_READ_URL).
	DatabaseReadURL  string
	Port             int
	RequestTimeout   time.Duration
	StatementTimeout time.Duration
	MaxConns         int
	MaxBodyBytes     int64
	LogLevel         slog.Level
	JWT              auth.Config // token.go documents its variables
	// PprofAddr, when set, serves net/http/pprof on its own listener
	// (e.g. 127.0.0.1:6060), never on the API's port. Off by default.
	PprofAddr string
	// GCPercent, when positive, is set as the collector's target (GOGC)
	// when serving.
	GCPercent int
	// MaxInFlight bounds the GraphQL operations that run at once
	// (MAX_IN_FLIGHT, default twice DB_MAX_CONNS).
	MaxInFlight int
	// Cache is the response cache and the HTTP caching of anonymous
	// queries (CACHE_MAX_BYTES, CACHE_MAX_AGE,
	// CACHE_STALE_WHILE_REVALIDATE).
	Cache cache.Config
	Ops   opsConfig  // ops.go documents its variables
	Edge  edgeConfig // edge.go documents its variables
	// Limits bound the GraphQL documents and subscriptions of a client
	// (MAX_QUERY_*, see graph.Limits).
	Limits graph.Limits
	// HTTP holds the timeouts and sizes of the HTTP server.
	HTTP httpConfig
}

// httpConfig bounds how long and how much a client may send or keep a
// connection, so a slow or stalled client cannot hold one for long.
type httpConfig struct {
	ReadHeaderTimeout time.Duration // READ_HEADER_TIMEOUT: the request line and headers
	ReadTimeout       time.Duration // READ_TIMEOUT: the whole request, body included
	WriteTimeout      time.Duration // WRITE_TIMEOUT: from the end of the headers to the end of the response
	IdleTimeout       time.Duration // IDLE_TIMEOUT: a kept-alive connection between requests
	MaxHeaderBytes    int           // MAX_HEADER_BYTES: the request line and headers
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		DatabaseURL:      getenv("DATABASE_URL"),
		DatabaseReadURL:  getenv("DATABASE_READ_URL"),
		Port:             8080,
		RequestTimeout:   15 * time.Second,
		StatementTimeout: 10 * time.Second,
		MaxConns:         20,
		MaxBodyBytes:     1 << 20,
		Cache:            cache.Config{MaxBytes: 64 << 20, MaxAge: time.Minute, StaleWhileRevalidate: time.Minute},
		Limits:           graph.DefaultLimits,
		HTTP: httpConfig{
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       20 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
		},
	}
	if c.DatabaseURL == "" {
		return c, errors.New("DATABASE_URL is not set (make run sets it for you)")
	}
	var errs []error
	intVar := func(name string, dst *int) {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				errs = append(errs, fmt.Errorf("%s must be a positive integer, got %q", name, v))
			}
			*dst = n
		}
	}
	durVar := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s must be a duration such as 10s, got %q", name, v))
			}
			*dst = d
		}
	}
	// The cache's settings may be 0: no cache, or revalidate every time.
	if v := getenv("CACHE_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("CACHE_MAX_BYTES must be a number of bytes, 0 for no cache, got %q", v))
		}
		c.Cache.MaxBytes = n
	}
	for name, dst := range map[string]*time.Duration{"CACHE_MAX_AGE": &c.Cache.MaxAge, "CACHE_STALE_WHILE_REVALIDATE": &c.Cache.StaleWhileRevalidate} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 || d%time.Second != 0 {
				errs = append(errs, fmt.Errorf("%s must be a whole number of seconds such as 60s or 0s, got %q", name, v))
			}
			*dst = d
		}
	}
	intVar("PORT", &c.Port)
	intVar("DB_MAX_CONNS", &c.MaxConns)
	c.MaxInFlight = 2 * c.MaxConns
	intVar("MAX_IN_FLIGHT", &c.MaxInFlight)
	durVar("REQUEST_TIMEOUT", &c.RequestTimeout)
	durVar("STATEMENT_TIMEOUT", &c.StatementTimeout)
	body := int(c.MaxBodyBytes)
	intVar("MAX_BODY_BYTES", &body)
	c.MaxBodyBytes = int64(body)
	intVar("MAX_QUERY_TOKENS", &c.Limits.MaxTokens)
	intVar("MAX_QUERY_FIELDS", &c.Limits.MaxFields)
	intVar("MAX_QUERY_ALIASES", &c.Limits.MaxAliases)
	intVar("MAX_QUERY_DIRECTIVES", &c.Limits.MaxDirectives)
	intVar("MAX_SUBSCRIPTIONS_PER_CONNECTION", &c.Limits.MaxSubscriptionsPerConnection)
	intVar("MAX_SUBSCRIPTIONS_PER_SUBJECT", &c.Limits.MaxSubscriptionsPerSubject)
	durVar("READ_HEADER_TIMEOUT", &c.HTTP.ReadHeaderTimeout)
	durVar("READ_TIMEOUT", &c.HTTP.ReadTimeout)
	durVar("IDLE_TIMEOUT", &c.HTTP.IdleTimeout)
	intVar("MAX_HEADER_BYTES", &c.HTTP.MaxHeaderBytes)
	// A response is written after its request is read and run: the
	// default leaves 30 s to write it.
	c.HTTP.WriteTimeout = c.HTTP.ReadTimeout + c.RequestTimeout + 30*time.Second
	durVar("WRITE_TIMEOUT", &c.HTTP.WriteTimeout)
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, got %q", v))
		}
	}
	ops, err := loadOpsConfig(getenv)
	c.Ops = ops
	errs = append(errs, err)
	edge, err := loadEdgeConfig(getenv)
	c.Edge = edge
	errs = append(errs, err)
	jwt, err := jwtConfig(getenv)
	c.JWT = jwt
	c.PprofAddr = getenv("PPROF_ADDR")
	// The Go runtime reads GOGC itself; without it the server collects at
	// 400 % heap growth instead of 100 %. Its live heap is a few MiB and
	// every request allocates; at 100 % the collector and the stack scans
	// of its goroutines took a third of the CPU under load (bench/
	// OPTIMIZATIONS.md), for a heap that still stays under ~150 MiB.
	if getenv("GOGC") == "" {
		c.GCPercent = 400
	}
	errs = append(errs, err)
	return c, errors.Join(errs...)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	// Help needs no configuration, so it comes before any is read.
	if cmd == "help" || isHelp(cmd) {
		return help(args, stdout, stderr)
	}
	c, ok := lookupCommand(cmd)
	if !ok {
		printUsage(stderr)
		return usageError(fmt.Errorf("unknown command %q", cmd))
	}
	if slices.ContainsFunc(args, isHelp) {
		printCommandHelp(stdout, c)
		return nil
	}
	if cmd == "token" {
		// Needs no database.
		return runToken(args, getenv, stdout, stderr)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.Ops.LogFormat, cfg.LogLevel, stderr)

	dbCfg := postgres.Config{URL: cfg.DatabaseURL, StatementTimeout: cfg.StatementTimeout, MaxOpenConns: cfg.MaxConns}
	if cmd == "serve" {
		// Only the server reads for the public; the tools write.
		dbCfg.ReadURL, dbCfg.Logger = cfg.DatabaseReadURL, logger
	}
	db, err := postgres.Open(ctx, dbCfg)
	if err != nil {
		return err
	}
	defer db.Close()

	switch cmd {
	case "migrate":
		if err := db.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		fmt.Fprintln(stdout, "migrations applied")
		return nil
	case "import":
		return runImport(ctx, args, db, stdin, stdout, stderr)
	case "import-dossiers":
		return runImportDossiers(ctx, args, db, stdin, stdout, stderr)
	case "seed-demo":
		return runSeedDemo(ctx, db, stdout, stderr)
	case "generate":
		return runGenerate(ctx, args, cfg.DatabaseURL, db, stdout, stderr)
	case "refresh-rollups":
		// Triggers keep the rollups exact; this rebuilds them after a bulk
		// load that bypassed them, or to check them.
		start := time.Now()
		if err := db.RefreshRollups(ctx); err != nil {
			return fmt.Errorf("refresh-rollups: %w", err)
		}
		fmt.Fprintf(stdout, "refresh-rollups: rollups rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	return serve(ctx, cfg, db, logger, stdout)
}

// inputFile opens the one FILE argument of an import command; "-" is
// standard input.
func inputFile(cmd string, args []string, stdin io.Reader) (io.Reader, func(), error) {
	if len(args) != 1 {
		return nil, nil, fmt.Errorf("usage: tthc %s FILE (use - for standard input)", cmd)
	}
	if args[0] == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(args[0])
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// importFlags are the flags of tthc import.
type importFlags struct{ warnings string }

func (f *importFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.warnings, "warnings", "", "write every parse warning to this CSV file (line, code, field, category, fragment)")
}

func runImport(ctx context.Context, args []string, db *postgres.DB, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f importFlags
	f.define(fs)
	if err := parseFlagsThenArgs(fs, args); err != nil {
		return err
	}
	in, done, err := inputFile("import", fs.Args(), stdin)
	if err != nil {
		return err
	}
	defer done()
	// Created first, so a path that cannot be written fails the run
	// before the import rather than after it.
	var warningsOut *os.File
	if f.warnings != "" {
		if warningsOut, err = os.Create(f.warnings); err != nil {
			return fmt.Errorf("warnings file: %w", err)
		}
		defer warningsOut.Close()
	}
	start := time.Now()
	sum, err := importer.Load(ctx, in, db, stderr)
	for _, r := range sum.Rejects {
		fmt.Fprintln(stderr, r)
	}
	if err != nil {
		return fmt.Errorf("import stopped after %d records: %w", sum.Read, err)
	}
	fmt.Fprintf(stdout, "import: %s in %s\n", sum, time.Since(start).Round(time.Millisecond))
	if len(sum.Warnings) > 0 {
		fmt.Fprintln(stdout, "import: parse warnings by category (README.md explains them):")
		for _, c := range importer.WarningsByCategory(sum.Warnings) {
			fmt.Fprintf(stdout, "  %6d %s\n", c.Count, c.Category)
		}
	}
	if warningsOut != nil {
		if err := importer.WriteWarningsCSV(warningsOut, sum.Warnings); err != nil {
			return fmt.Errorf("warnings file %s: %w", f.warnings, err)
		}
		if err := warningsOut.Close(); err != nil {
			return fmt.Errorf("warnings file %s: %w", f.warnings, err)
		}
		fmt.Fprintf(stdout, "import: %d warnings written to %s\n", len(sum.Warnings), f.warnings)
	}
	if sum.Inserted+sum.Updated == 0 {
		fmt.Fprintln(stdout, "import: nothing changed")
	}
	if sum.Rejected > 0 {
		return exitStatus{exitRejected, fmt.Errorf("import: %d of %d records rejected", sum.Rejected, sum.Read)}
	}
	return nil
}

func runImportDossiers(ctx context.Context, args []string, db *postgres.DB, stdin io.Reader, stdout, stderr io.Writer) error {
	in, done, err := inputFile("import-dossiers", args, stdin)
	if err != nil {
		return err
	}
	defer done()
	sum, err := importer.LoadDossiers(ctx, in, db)
	for _, r := range sum.Rejects {
		fmt.Fprintln(stderr, r)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "import-dossiers: %s\n", sum)
	return nil
}

// generateFlags are the flags of tthc generate.
type generateFlags struct {
	scale string
	seed  int64
}

func (f *generateFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.scale, "scale", "national", "data set size: national or small")
	fs.Int64Var(&f.seed, "seed", 1, "the same seed gives the same data")
}

func runGenerate(ctx context.Context, args []string, url string, db *postgres.DB, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f generateFlags
	f.define(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	scale, ok := generate.Scales[f.scale]
	if !ok {
		return flagMistake(fs, fmt.Errorf("unknown scale %q: use national or small", f.scale))
	}
	start := time.Now()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := generate.Fill(ctx, url, scale, f.seed, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generate: %s data set (seed %d) in %s\n", scale.Name, f.seed, time.Since(start).Round(time.Second))
	return nil
}

func runSeedDemo(ctx context.Context, db *postgres.DB, stdout, stderr io.Writer) error {
	sum, err := demo.Seed(ctx, db, stderr)
	if err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	fmt.Fprintf(stdout, "demo catalog: %s\n", sum)
	return nil
}

func serve(ctx context.Context, cfg config, db *postgres.DB, logger *slog.Logger, stdout io.Writer) error {
	logger.Info("starting", configAttrs(cfg)...)
	if cfg.GCPercent > 0 {
		debug.SetGCPercent(cfg.GCPercent)
	}
	var verifier *auth.Verifier
	if jwtConfigured(cfg.JWT) {
		var err error
		if verifier, err = auth.NewVerifier(cfg.JWT); err != nil {
			return err
		}
		logger.Info("bearer tokens accepted", "alg", verifier.Alg(), "issuer", cfg.JWT.Issuer, "audience", cfg.JWT.Audience)
	} else {
		logger.Warn("no JWT_HS256_SECRET or JWT_PUBLIC_KEY_FILE: every token is refused; only the public catalog is served")
	}
	// Subscriptions hear of every proposal event, whichever instance
	// wrote it, through PostgreSQL's LISTEN/NOTIFY.
	broker, err := pubsub.NewBroker(ctx, db, pubsub.Config{URL: cfg.DatabaseURL}, logger)
	if err != nil {
		return fmt.Errorf("listen for proposal events: %w", err)
	}
	go broker.Run(ctx)
	// The response cache hears of every change of the catalog, whichever
	// instance or tool made it, through LISTEN/NOTIFY on the primary.
	versions, err := cache.NewVersions(ctx, db, cache.VersionsConfig{URL: cfg.DatabaseURL, Channel: postgres.CatalogVersionChannel}, logger)
	if err != nil {
		return fmt.Errorf("listen for catalog versions: %w", err)
	}
	go versions.Run(ctx)
	responses, err := cache.New(cfg.Cache, versions)
	if err != nil {
		return err
	}
	defer responses.Close()
	if cfg.Ops.OTLPEndpoint != "" {
		shutdown, err := telemetry.StartTracing(ctx)
		if err != nil {
			return fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
		}
		defer func() {
			// The last spans, before the process ends.
			flush, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := shutdown(flush); err != nil {
				logger.Warn("flushing traces", "err", err)
			}
		}()
		logger.Info("tracing", "endpoint", cfg.Ops.OTLPEndpoint)
	}
	var documents *trusted.Documents
	if path := cfg.Ops.TrustedDocumentsFile; path != "" {
		var err error
		if documents, err = trusted.Load(path); err != nil {
			return fmt.Errorf("TRUSTED_DOCUMENTS: %w", err)
		}
		logger.Info("trusted mode: only the documents of the manifest run", "file", path, "documents", documents.Len())
	}
	metrics := telemetry.NewMetrics()
	if cfg.Ops.MetricsAddr != "" {
		_, stop, err := httpserver.ServeMetrics(cfg.Ops.MetricsAddr, metrics, logger)
		if err != nil {
			return fmt.Errorf("METRICS_ADDR: %w", err)
		}
		defer stop()
	}
	handler := httpserver.NewServer(httpserver.Config{
		Logger:         logger,
		DB:             db,
		RequestTimeout: cfg.RequestTimeout,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		MaxInFlight:    cfg.MaxInFlight,
		Limits:         cfg.Limits,
		WriteTimeout:   cfg.HTTP.WriteTimeout,
		Verifier:       verifier,
		Broker:         broker,
		Versions:       versions,
		Cache:          responses,

		Metrics:          metrics,
		MetricsElsewhere: cfg.Ops.MetricsAddr != "",

		RateLimitAnonymous:     cfg.Ops.RateLimitAnonymous,
		RateLimitAuthenticated: cfg.Ops.RateLimitAuthenticated,
		TrustedDocuments:       documents,
		DisableIntrospection:   !cfg.Ops.Introspection,
		DisableGraphiQL:        !cfg.Ops.GraphiQL,

		CORSAllowedOrigins: cfg.Edge.CORSAllowedOrigins,
		TrustedProxies:     cfg.Edge.TrustedProxies,
	})
	if cfg.PprofAddr != "" {
		_, stop, err := httpserver.ServePprof(cfg.PprofAddr, logger)
		if err != nil {
			return fmt.Errorf("PPROF_ADDR: %w", err)
		}
		defer stop()
	}
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(cfg.Port))
	if err != nil {
		return err
	}
	srv := newHTTPServer(cfg.HTTP, handler)
	scheme := "http"
	if cfg.Edge.TLSCertFile != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "tthc: GraphiQL on %s://localhost:%d/ , API at %[1]s://localhost:%[2]d/graphql\n", scheme, cfg.Port)
	logger.Info("serving", "port", cfg.Port, "request_timeout", cfg.RequestTimeout,
		"read_timeout", cfg.HTTP.ReadTimeout, "write_timeout", cfg.HTTP.WriteTimeout,
		"statement_timeout", cfg.StatementTimeout, "db_max_conns", cfg.MaxConns)

	errc := make(chan error, 1)
	go func() {
		if cfg.Edge.TLSCertFile != "" {
			errc <- srv.ServeTLS(ln, cfg.Edge.TLSCertFile, cfg.Edge.TLSKeyFile)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// SIGTERM or SIGINT: stop taking connections, let the requests in
	// flight finish (10 s at most), then close.
	logger.Info("shutting down: finishing the requests in flight", "cause", context.Cause(ctx))
	start := time.Now()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		logger.Error("shutdown cut short", "err", err, "after", time.Since(start))
		return err
	}
	logger.Info("stopped", "after", time.Since(start).Round(time.Millisecond))
	return nil
}

// newHTTPServer serves handler within the timeouts and sizes of c.
func newHTTPServer(c httpConfig, handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		ReadTimeout:       c.ReadTimeout,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    c.MaxHeaderBytes,
	}
}
