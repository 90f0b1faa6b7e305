// Package httpserver is the HTTP edge: every route of the service is in
// NewServer, with the middleware that every request goes through.
package httpserver

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"

	"tthc/graph"
	"tthc/internal/auth"
	"tthc/internal/postgres"
	"tthc/internal/pubsub"
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
}

// NewServer returns the service's handler with all its routes.
func NewServer(cfg Config) http.Handler {
	mux := http.NewServeMux()
	resolver := &graph.Resolver{Store: cfg.DB, Logger: cfg.Logger}
	// Typed nils must not become non-nil interfaces.
	if cfg.Verifier != nil {
		resolver.Verifier = cfg.Verifier
	}
	if cfg.Broker != nil {
		resolver.Events = cfg.Broker
	}
	mux.Handle("/graphql", graphqlMiddleware(cfg, graph.NewHandler(resolver, cfg.Logger)))
	mux.Handle("GET /{$}", playground.Handler("tthc — thủ tục hành chính", "/graphql"))
	mux.Handle("GET /export/procedures.csv", exportProcedures(cfg.DB, cfg.Logger))
	mux.Handle("GET /export/proposals.csv", exportProposals(cfg))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := cfg.DB.Ping(ctx); err != nil {
			cfg.Logger.ErrorContext(ctx, "health check failed", "err", err)
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	return withRequestID(withAccessLog(cfg.Logger, withRecover(cfg.Logger, mux)))
}

// graphqlMiddleware wraps the GraphQL endpoint in the limits every
// operation runs under.
func graphqlMiddleware(cfg Config, next http.Handler) http.Handler {
	admit := newGate(cfg.MaxInFlight)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use GET for queries or POST")
			return
		}
		if getNonQuery(r) {
			w.Header().Set("Allow", "POST")
			writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "GET carries queries only: send mutations with POST")
			return
		}
		if !jsonBody(w, r) || !limitBody(w, r, cfg.MaxBodyBytes) {
			return
		}
		ctx := r.Context()
		// A WebSocket carries subscriptions for hours: no request
		// deadline (each statement still has statement_timeout).
		if r.Header.Get("Upgrade") == "" {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, cfg.RequestTimeout)
			defer cancel()
			if !admit.enter(ctx) {
				writeError(w, http.StatusServiceUnavailable, "TIMEOUT", "the server is busy: the request waited its whole deadline for its turn")
				return
			}
			defer admit.leave()
		}
		ctx = graph.Authenticate(ctx, verifier(cfg), r.Header.Get("Authorization"))
		ctx = graph.WithLoaders(ctx, cfg.DB)
		ctx, counter := postgres.WithCounter(ctx)
		next.ServeHTTP(&statementHeader{ResponseWriter: w, count: counter.Load}, r.WithContext(ctx))
	})
}

// verifier returns cfg.Verifier as an interface that is nil when it is.
func verifier(cfg Config) graph.TokenVerifier {
	if cfg.Verifier == nil {
		return nil
	}
	return cfg.Verifier
}
