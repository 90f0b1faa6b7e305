// Package httpserver is the HTTP edge: every route of the service is in
// NewServer, with the middleware that every request goes through.
package httpserver

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"tthc/graph"
	"tthc/internal/auth"
	"tthc/internal/cache"
	"tthc/internal/graphiql"
	"tthc/internal/postgres"
	"tthc/internal/pubsub"
	"tthc/internal/telemetry"
	"tthc/internal/trusted"
)

// Config holds the dependencies and limits of the HTTP server.
type Config struct {
	Logger         *slog.Logger
	DB             *postgres.DB
	RequestTimeout time.Duration
	MaxBodyBytes   int64
	// Verifier checks bearer tokens; nil refuses every token (anonymous
	// callers still read the public catalog).
	Verifier *auth.Verifier
	// Broker feeds GraphQL subscriptions; nil disables them.
	Broker *pubsub.Broker
	// MaxInFlight bounds the queries and mutations that run at once; the
	// others wait their turn, in arrival order, within their deadline.
	// 0: no bound.
	MaxInFlight int
	// Metrics are served at /metrics unless MetricsElsewhere (METRICS_ADDR
	// serves them on a listener of their own); nil: fresh ones.
	Metrics          *telemetry.Metrics
	MetricsElsewhere bool
	// RateLimitAnonymous and RateLimitAuthenticated are the cost points
	// a client address, and a token subject, may spend a minute; 0: no
	// limit.
	RateLimitAnonymous, RateLimitAuthenticated int
	// TrustedDocuments, when set, are the only operations that run.
	TrustedDocuments *trusted.Documents
	// DisableIntrospection and DisableGraphiQL switch those off.
	DisableIntrospection, DisableGraphiQL bool
	// CORSAllowedOrigins are the origins whose pages may call the API
	// from a browser ("https://portal.gov.vn", "https://*.gov.vn", "*");
	// empty: the same origin only.
	CORSAllowedOrigins []string
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed.
	TrustedProxies TrustedProxies
	// Versions knows the catalog's newest version; nil: never known, so
	// nothing is served from Cache.
	Versions *cache.Versions
	// Cache serves anonymous queries from memory and sets the HTTP
	// caching headers of every GraphQL response; nil: a cache that
	// stores nothing.
	Cache *cache.Cache
	// Limits bound the documents and subscriptions of GraphQL clients;
	// zero fields take graph.DefaultLimits.
	Limits graph.Limits
	// WriteTimeout is the HTTP server's write deadline. A CSV export,
	// which may stream for longer, gets it anew for each block it writes.
	WriteTimeout time.Duration
}

// NewServer returns the service's handler with all its routes.
func NewServer(cfg Config) http.Handler {
	mux := http.NewServeMux()
	resolver := &graph.Resolver{Store: cfg.DB, Verifier: cfg.Verifier, Logger: cfg.Logger}
	// A typed nil must not become a non-nil interface.
	if cfg.Broker != nil {
		resolver.Events = cfg.Broker
	}
	if cfg.Versions != nil {
		resolver.Versions = cfg.Versions
	}
	if cfg.Cache == nil {
		cfg.Cache, _ = cache.New(cache.Config{}, nil) // stores nothing: cannot fail
	}
	if cfg.Metrics == nil {
		cfg.Metrics = telemetry.NewMetrics()
	}
	registerMetrics(cfg)
	limits := cfg.Limits
	limits.MaxMessageBytes = cfg.MaxBodyBytes
	admit := newGate(cfg.MaxInFlight)
	gql := graph.NewHandler(resolver, cfg.Logger, graph.Options{Introspection: !cfg.DisableIntrospection, Documents: cfg.TrustedDocuments, Limits: limits,
		Socket: graph.SocketOptions{Admission: admission{admit, cfg.Metrics}, RequestTimeout: cfg.RequestTimeout}})
	// Last, so they see the cost the complexity limit computed.
	gql.Use(graph.RateLimit{Anonymous: limiter(cfg.RateLimitAnonymous), Authenticated: limiter(cfg.RateLimitAuthenticated), Metrics: cfg.Metrics})
	gql.Use(graph.Observer{Metrics: cfg.Metrics, Logger: cfg.Logger})
	mux.Handle("/graphql", graphqlMiddleware(cfg, admit, gql))
	if !cfg.MetricsElsewhere {
		mux.Handle("GET /metrics", cfg.Metrics.Handler())
	}
	if !cfg.DisableGraphiQL {
		mux.Handle("GET /{$}", graphiql.Page())
		mux.Handle("GET "+graphiql.AssetPrefix, graphiql.Assets())
	}
	mux.Handle("GET /export/procedures.csv", streaming(cfg.WriteTimeout, exportProcedures(cfg.DB, cfg.Logger)))
	mux.Handle("GET /export/proposals.csv", streaming(cfg.WriteTimeout, exportProposals(cfg)))
	// Probes: /livez for liveness, /readyz for readiness; /healthz is
	// kept for the load balancers that asked it before.
	mux.HandleFunc("GET /livez", livez)
	mux.Handle("GET /readyz", readyz(cfg))
	mux.Handle("GET /healthz", readyz(cfg))
	return withSecurityHeaders(cfg.TrustedProxies,
		withRequestID(observe(cfg, withCORS(cfg.CORSAllowedOrigins, withRecover(cfg.Logger, mux)))))
}

// graphqlMiddleware wraps the GraphQL endpoint in the limits every
// operation runs under.
func graphqlMiddleware(cfg Config, admit gate, next http.Handler) http.Handler {
	run := runOperation(cfg, admit, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Nothing may be stored until the cache says otherwise: the
		// refusals below (405, 413, 415, an unknown documentId) neither.
		w.Header().Set("Cache-Control", cache.NoStore)
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use GET for queries or POST")
			return
		}
		if !jsonBody(w, r) || !limitBody(w, r, cfg.MaxBodyBytes) || !resolveDocumentID(w, r, cfg.TrustedDocuments) {
			return
		}
		// A cached answer skips the queue and the operation.
		cfg.Cache.Serve(w, r, run)
	})
}

// runOperation runs a GraphQL request under the limits every operation
// runs under.
func runOperation(cfg Config, admit gate, next http.Handler) http.Handler {
	cfg.Metrics.GaugeFunc("tthc_inflight_running", "GraphQL operations running under MAX_IN_FLIGHT.",
		func() float64 { return float64(len(admit)) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		// A WebSocket carries subscriptions for hours: no request
		// deadline; its queries and mutations take the gate and the
		// deadline one by one (graph.SocketOptions).
		if r.Header.Get("Upgrade") == "" {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, cfg.RequestTimeout)
			defer cancel()
			if !admit.wait(ctx, cfg.Metrics) {
				writeError(w, http.StatusServiceUnavailable, "TIMEOUT", graph.BusyMessage)
				return
			}
			defer admit.leave()
		}
		ctx = auth.Authenticate(ctx, cfg.Verifier, r.Header.Get("Authorization"))
		ctx = graph.WithLoaders(ctx, cfg.DB)
		next.ServeHTTP(w, r.WithContext(ctx))
		if errors.Is(r.Context().Err(), context.Canceled) {
			cfg.Logger.DebugContext(ctx, "the client went away before its answer")
		}
	})
}
