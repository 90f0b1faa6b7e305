package httpserver

import (
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"tthc/internal/postgres"
	"tthc/internal/ratelimit"
	"tthc/internal/telemetry"
)

// observe is the outermost layer of every request but the request id: it
// counts the request's SQL statements, records its metrics, and writes its
// log line at info (at debug for probes and scrapes, which come every few
// seconds): method, path, status, duration, SQL statements and their time,
// and for GraphQL the operation's name, type, outcome code, cost and the
// token's subject (never the token itself). The request id comes with
// every line through LogHandler.
func observe(cfg Config, next http.Handler) http.Handler {
	logger, metrics := cfg.Logger, cfg.Metrics
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		client := clientAddr(r, cfg.TrustedProxies)
		ctx := telemetry.WithClient(r.Context(), client)
		ctx, req := telemetry.WithRequest(ctx)
		ctx, counter := postgres.WithCounter(ctx)
		if r.Header.Get("Upgrade") != "" {
			req.WebSocket = true
			metrics.WebSockets.Inc()
			defer metrics.WebSockets.Dec()
		}
		rec := &statusRecorder{ResponseWriter: w}
		r = r.WithContext(ctx)
		next.ServeHTTP(&lateHeaders{ResponseWriter: rec, set: answerHeaders(req, counter.Load)}, r)
		took := time.Since(start)
		if rec.status == 0 && req.WebSocket {
			rec.status = http.StatusSwitchingProtocols // the connection was hijacked
		}

		// The mux has set the pattern of the route it chose on r.
		handler := routeLabel(r.Pattern)
		metrics.ObserveHTTP(handler, rec.status, took)
		if req.Type != "" || req.Code != "" {
			metrics.ObserveSQL(req.Type, counter.Load(), counter.Duration())
		}
		level := slog.LevelInfo
		if quietRoutes[handler] {
			level = slog.LevelDebug
		}
		if !logger.Enabled(ctx, level) {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("client", client.String()),
			slog.Int("status", rec.status), slog.Duration("duration", took),
			slog.Int64("sql_statements", counter.Load()), slog.Duration("sql_time", counter.Duration()),
		}
		if req.Type != "" || req.Code != "" {
			attrs = append(attrs, slog.String("operation", req.Operation), slog.String("type", req.Type),
				slog.String("code", req.Code), slog.Int("cost", req.Cost))
		}
		if req.Subject != "" {
			attrs = append(attrs, slog.String("subject", req.Subject))
		}
		// An answer of the response cache ran no operation: HIT or MISS.
		if c := rec.Header().Get("X-Cache"); c != "" {
			attrs = append(attrs, slog.String("cache", c))
		}
		logger.LogAttrs(ctx, level, "request", attrs...)
	})
}

// quietRoutes are logged at debug: load balancers and Prometheus ask them
// every few seconds.
var quietRoutes = map[string]bool{"livez": true, "readyz": true, "healthz": true, "metrics": true}

// routeLabel names a route for the metrics from the pattern the mux
// matched ("GET /export/procedures.csv" is export/procedures.csv), so the
// label has as many values as there are routes; "" is a request no route
// took (404).
func routeLabel(pattern string) string {
	if pattern == "" {
		return "none"
	}
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '/' {
			pattern = pattern[i+1:]
			break
		}
	}
	switch pattern {
	case "{$}":
		return "graphiql"
	case "":
		return "root"
	}
	return pattern
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// lateHeaders sets, just before the status line goes out, the headers
// that only the handler's work decides, and may change the status: see
// answerHeaders.
type lateHeaders struct {
	http.ResponseWriter
	set     func(h http.Header, status int) int
	written bool
}

func (l *lateHeaders) WriteHeader(code int) {
	if !l.written {
		l.written = true
		code = l.set(l.Header(), code)
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *lateHeaders) Write(b []byte) (int, error) {
	if !l.written {
		l.WriteHeader(http.StatusOK)
	}
	return l.ResponseWriter.Write(b)
}

func (l *lateHeaders) Unwrap() http.ResponseWriter { return l.ResponseWriter }

// answerHeaders completes the headers of a response once the handler has
// run: X-SQL-Statements, the statements the request ran before its answer
// began (for tests and benchmarks; the GraphQL handler answers once every
// resolver is done, so its count is complete); the RateLimit-* headers of
// the operation's budget; and the status its outcome code calls for.
func answerHeaders(req *telemetry.Request, statements func() int64) func(http.Header, int) int {
	return func(h http.Header, status int) int {
		h.Set("X-SQL-Statements", strconv.FormatInt(statements(), 10))
		if d := req.RateLimit; d != nil {
			h.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
			h.Set("RateLimit-Remaining", strconv.Itoa(d.Remaining))
			h.Set("RateLimit-Reset", strconv.Itoa(seconds(d.Reset)))
			h.Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", d.Limit, int(ratelimit.Window.Seconds())))
			if !d.Allowed {
				h.Set("Retry-After", strconv.Itoa(seconds(d.RetryAfter)))
			}
		}
		if req.Code == "UNAVAILABLE" {
			h.Set("Retry-After", strconv.Itoa(seconds(unavailableRetry)))
		}
		if s, ok := statusOfCode[req.Code]; ok {
			return s
		}
		return status
	}
}

// unavailableRetry is when a client should try again after the database
// was unavailable: a restart takes seconds.
const unavailableRetry = 5 * time.Second

// statusOfCode gives the HTTP status of the outcomes that GraphQL over
// HTTP leaves to the server: gqlgen answers them 200, or 422 and 400 as
// it does for any request error.
var statusOfCode = map[string]int{
	"RATE_LIMITED":              http.StatusTooManyRequests,
	"PERSISTED_QUERY_NOT_FOUND": http.StatusBadRequest,
	"OPERATION_NOT_TRUSTED":     http.StatusBadRequest,
	"UNAVAILABLE":               http.StatusServiceUnavailable,
}

// seconds rounds d up to whole seconds, as the headers count them.
func seconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }

// maxRateKeys bounds the callers whose budgets are remembered, per
// budget: about 200 bytes each.
const maxRateKeys = 100_000

// limiter returns a budget of points a minute per caller; nil for 0.
func limiter(points int) *ratelimit.Limiter {
	if points <= 0 {
		return nil
	}
	return ratelimit.New(points, maxRateKeys)
}

// registerMetrics adds to cfg.Metrics what the parts the server is made of
// know: the connection pool, the subscriptions, the response cache and the
// read replica.
func registerMetrics(cfg Config) {
	cfg.Metrics.Register(cfg.DB.PoolCollector())
	if cfg.Broker != nil {
		cfg.Metrics.GaugeFunc("tthc_subscriptions_active", "GraphQL subscriptions listening for proposal events.",
			func() float64 { return float64(cfg.Broker.Subscribers()) })
		cfg.Metrics.CounterFunc("tthc_listener_reconnects_total", "Times the listener of proposal events (LISTEN/NOTIFY) got its database connection back after losing it.",
			func() float64 { return float64(cfg.Broker.Reconnects()) })
	}
	registerCacheMetrics(cfg)
}
