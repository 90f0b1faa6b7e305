package telemetry

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the server's Prometheus metrics, all named tthc_*, beside the
// Go runtime's and the process's (go_*, process_*). Each server has its
// own registry, so tests can run several.
type Metrics struct {
	registry *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec

	operations        *prometheus.CounterVec
	operationDuration *prometheus.HistogramVec
	sqlStatements     *prometheus.HistogramVec
	sqlDuration       *prometheus.HistogramVec
	names             operationNames

	GateWaiting prometheus.Gauge
	GateRefused prometheus.Counter
	WebSockets  prometheus.Gauge

	rateLimited *prometheus.CounterVec
	ratePoints  *prometheus.CounterVec
}

// latencyBuckets reach past the default REQUEST_TIMEOUT of 15 s.
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15, 30}

// NewMetrics returns the metrics with a fresh registry that also holds the
// Go runtime's and the process's collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := factory{reg}
	m := &Metrics{
		registry: reg,
		httpRequests: f.counterVec("tthc_http_requests_total",
			"HTTP requests answered, by route and status.", "handler", "status"),
		httpDuration: f.histogramVec("tthc_http_request_duration_seconds",
			"Time from a request's arrival to the end of its answer, by route (a WebSocket counts its whole life).", latencyBuckets, "handler"),
		operations: f.counterVec("tthc_graphql_operations_total",
			"GraphQL operations, over HTTP and WebSocket, by operation name, type and outcome code (OK or the extensions.code of the first error).", "operation", "type", "code"),
		operationDuration: f.histogramVec("tthc_graphql_operation_duration_seconds",
			"Time a GraphQL operation took, from its arrival to its first response, by operation name and type.", latencyBuckets, "operation", "type"),
		sqlStatements: f.histogramVec("tthc_graphql_operation_sql_statements",
			"SQL statements one GraphQL operation over HTTP ran, by operation type.", []float64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100}, "type"),
		sqlDuration: f.histogramVec("tthc_graphql_operation_sql_seconds",
			"Time one GraphQL operation over HTTP spent in SQL statements (summed, so concurrent statements may add up to more than the operation took), by operation type.", latencyBuckets, "type"),
		names: operationNames{max: maxOperationNames, seen: map[string]bool{}},
		GateWaiting: f.gauge("tthc_inflight_waiting",
			"GraphQL operations waiting for a place under MAX_IN_FLIGHT."),
		GateRefused: f.counter("tthc_inflight_refused_total",
			"GraphQL operations that waited their whole deadline for a place and were refused (503 TIMEOUT)."),
		WebSockets: f.gauge("tthc_websockets_open",
			"Open GraphQL WebSocket connections."),
		rateLimited: f.counterVec("tthc_rate_limited_total",
			"Operations refused with RATE_LIMITED, by budget (anonymous: per client IP; authenticated: per token subject).", "budget"),
		ratePoints: f.counterVec("tthc_rate_limit_points_total",
			"Cost points charged to rate-limit budgets, by budget.", "budget"),
	}
	// Both budgets show from the start, at 0.
	for _, budget := range []string{"anonymous", "authenticated"} {
		m.rateLimited.WithLabelValues(budget)
		m.ratePoints.WithLabelValues(budget)
	}
	return m
}

// Handler serves the metrics in Prometheus's text format (or
// OpenMetrics, to a scraper that asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{EnableOpenMetrics: true})
}

// Register adds collectors of other parts: the connection pool, the
// listener, the gate's running operations.
func (m *Metrics) Register(cs ...prometheus.Collector) { m.registry.MustRegister(cs...) }

// ObserveHTTP counts one answered HTTP request.
func (m *Metrics) ObserveHTTP(handler string, status int, d time.Duration) {
	m.httpRequests.WithLabelValues(handler, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(handler).Observe(d.Seconds())
}

// ObserveOperation counts one GraphQL operation and its outcome.
func (m *Metrics) ObserveOperation(name, typ, code string, d time.Duration) {
	name, typ = m.names.label(name), typeLabel(typ)
	m.operations.WithLabelValues(name, typ, code).Inc()
	m.operationDuration.WithLabelValues(name, typ).Observe(d.Seconds())
}

// ObserveSQL records the SQL statements of one operation over HTTP and the
// time they took.
func (m *Metrics) ObserveSQL(typ string, statements int64, d time.Duration) {
	typ = typeLabel(typ)
	m.sqlStatements.WithLabelValues(typ).Observe(float64(statements))
	m.sqlDuration.WithLabelValues(typ).Observe(d.Seconds())
}

// ObserveRateLimit records the points charged to a budget, and whether
// the operation was refused.
func (m *Metrics) ObserveRateLimit(budget string, points int, refused bool) {
	m.ratePoints.WithLabelValues(budget).Add(float64(points))
	if refused {
		m.rateLimited.WithLabelValues(budget).Inc()
	}
}

// GaugeFunc registers a gauge whose value f reads at each scrape.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// CounterFunc registers a counter whose value f reads at each scrape.
func (m *Metrics) CounterFunc(name, help string, f func() float64) {
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
}

// typeLabel names the operation type of a document that did not parse.
func typeLabel(typ string) string {
	if typ == "" {
		return "unknown"
	}
	return typ
}

// maxOperationNames bounds the operation names that get a label of their
// own: clients choose names, and each name is a time series in Prometheus.
const maxOperationNames = 200

// operationNames gives the first maxOperationNames names that are
// plausible GraphQL names a label of their own; the rest share "other",
// operations without a name "anonymous".
type operationNames struct {
	mu   sync.Mutex
	max  int
	seen map[string]bool
}

func (o *operationNames) label(name string) string {
	if name == "" {
		return "anonymous"
	}
	if !isName(name) {
		return "other"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.seen[name] {
		if len(o.seen) >= o.max {
			return "other"
		}
		o.seen[name] = true
	}
	return name
}

// isName reports whether s is a GraphQL name of at most 64 characters.
func isName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// factory registers each metric it makes.
type factory struct{ reg *prometheus.Registry }

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	f.reg.MustRegister(g)
	return g
}

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}
