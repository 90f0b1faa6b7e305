package httpserver_test

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"tthc/internal/auth"
	"tthc/internal/httpserver"
	"tthc/internal/telemetry"
	"tthc/internal/testdb"
)

// scrape reads /metrics as Prometheus would.
func (a *api) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("GET /metrics is not the Prometheus text format: %v", err)
	}
	return families
}

// sample returns the value of the series of family name with labels (a
// counter's or gauge's value, a histogram's count), 0 when it is absent.
func sample(families map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	f := families[name]
	if f == nil {
		return 0
	}
next:
	for _, m := range f.Metric {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.Label {
				if l.GetName() == labels[i] && l.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return 0
}

// TestMetrics scrapes /metrics, checks that every family an operator's
// dashboard reads is there, and that queries move them.
func TestMetrics(t *testing.T) {
	a := newAPI(t, testdb.New(t), httpserver.Config{MaxInFlight: 4})
	before := a.scrape(t)
	for _, name := range []string{
		"tthc_inflight_running", "tthc_inflight_waiting", "tthc_inflight_refused_total",
		"tthc_websockets_open", "go_sql_open_connections", "go_sql_wait_count_total",
		"go_goroutines", "tthc_rate_limit_points_total", "tthc_rate_limited_total",
	} {
		if before[name] == nil {
			t.Errorf("family %s is missing", name)
		}
	}

	query := `query Levels { authorityLevels { code name } }`
	a.query(t, query, nil, nil)
	a.query(t, query, nil, nil)
	if res := a.post(t, `query Broken { noSuchField }`, nil); res.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("invalid query: %s", res.Body)
	}
	a.query(t, `{ sectors { id } }`, nil, nil)

	after := a.scrape(t)
	moved := func(name string, want float64, labels ...string) {
		t.Helper()
		if got := sample(after, name, labels...) - sample(before, name, labels...); got != want {
			t.Errorf("%s%v moved by %v, want %v", name, labels, got, want)
		}
	}
	moved("tthc_graphql_operations_total", 2, "operation", "Levels", "type", "query", "code", "OK")
	// A document that does not validate has no operation to name.
	moved("tthc_graphql_operations_total", 1, "operation", "anonymous", "type", "unknown", "code", "GRAPHQL_VALIDATION_FAILED")
	moved("tthc_graphql_operations_total", 1, "operation", "anonymous", "type", "query", "code", "OK")
	moved("tthc_graphql_operation_duration_seconds", 2, "operation", "Levels", "type", "query")
	moved("tthc_graphql_operation_sql_statements", 3, "type", "query")
	moved("tthc_graphql_operation_sql_seconds", 3, "type", "query")
	// The document that does not validate answers 200 too: the client
	// accepts application/json (GraphQL over HTTP, graph/transport.go).
	moved("tthc_http_requests_total", 4, "handler", "graphql", "status", "200")
	moved("tthc_http_request_duration_seconds", 4, "handler", "graphql")
	// The statements themselves, the histogram's sum: the authority levels
	// are read once per process, the sectors each time.
	if h := after["tthc_graphql_operation_sql_statements"].Metric[0].Histogram; h.GetSampleSum() < 2 {
		t.Errorf("SQL statements of three queries: sum %v, want at least 2", h.GetSampleSum())
	}
	if sample(after, "go_sql_open_connections", "db_name", "tthc") < 1 {
		t.Errorf("the pool's connections are not reported: %v", after["go_sql_open_connections"])
	}
}

// TestOperationNamesBounded checks that clients cannot make a time series
// per request by naming their operations: past a bound, names share
// "other".
func TestOperationNamesBounded(t *testing.T) {
	m := telemetry.NewMetrics()
	a := newAPI(t, testdb.New(t), httpserver.Config{Metrics: m})
	for i := range 210 {
		a.query(t, `query Q`+strconv.Itoa(i)+` { __typename }`, nil, nil)
	}
	families := a.scrape(t)
	series := families["tthc_graphql_operations_total"].Metric
	if len(series) > 201 {
		t.Errorf("%d series for 210 names", len(series))
	}
	if n := sample(families, "tthc_graphql_operations_total", "operation", "other"); n != 10 {
		t.Errorf("%v names past the bound counted as other, want 10 (%d series)", n, len(series))
	}
}

// TestRequestLog checks the line each request leaves at info, in JSON.
func TestRequestLog(t *testing.T) {
	logs := &syncBuffer{}
	logger := slog.New(httpserver.LogHandler{Handler: slog.NewJSONHandler(logs, nil)})
	url := testdb.New(t)
	v, err := auth.NewVerifier(auth.Config{HS256Secret: reportSecret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, url, httpserver.Config{Logger: logger, Verifier: v})
	token := bearer(t, rAnalyst)
	res := a.post(t, `query Mine { viewer { subject } }`, nil, "Authorization", token, "X-Request-Id", "req-42")
	if res.Status != http.StatusOK {
		t.Fatalf("query: %s", res.Body)
	}
	a.post(t, `{ nope }`, nil, "X-Request-Id", "req-43")

	lines := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		if line["msg"] == "request" {
			lines[line["request_id"].(string)] = line
		}
	}
	want := map[string]any{"level": "INFO", "method": "POST", "path": "/graphql", "status": 200.0,
		"operation": "Mine", "type": "query", "code": "OK", "subject": "analyst", "sql_statements": 0.0}
	got := lines["req-42"]
	for k, v := range want {
		if got[k] != v {
			t.Errorf("request line: %s = %v, want %v (%v)", k, got[k], v, got)
		}
	}
	for _, k := range []string{"duration", "sql_time", "cost"} {
		if _, ok := got[k]; !ok {
			t.Errorf("request line has no %s: %v", k, got)
		}
	}
	if bad := lines["req-43"]; bad["code"] != "GRAPHQL_VALIDATION_FAILED" || bad["subject"] != nil {
		t.Errorf("failed request's line: %v", bad)
	}
	if strings.Contains(logs.String(), strings.TrimPrefix(token, "Bearer ")) {
		t.Error("the log holds the token")
	}
}
