package httpserver_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// api is the real HTTP handler over a database of its own, with a plain
// SQL connection to the same database for independent checks.
type api struct {
	handler http.Handler
	sql     *sql.DB
	url     string
	logs    *syncBuffer
}

// syncBuffer collects the server's log, shown when a test fails.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newCatalogAPI serves a fresh copy of the whole shared catalog with the
// demo units.
func newCatalogAPI(t *testing.T) *api {
	t.Helper()
	return newAPI(t, testdb.Catalog(t), httpserver.Config{})
}

// newAPI serves the database at url. Zero limits in cfg get the server's
// defaults; a nil cfg.DB is opened on url.
func newAPI(t testing.TB, url string, cfg httpserver.Config) *api {
	t.Helper()
	logs := &syncBuffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if cfg.DB == nil {
		cfg.DB = testdb.Open(t, url)
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		raw.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &api{handler: httpserver.NewServer(cfg), sql: raw, url: url, logs: logs}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// response is what the API answered.
type response struct {
	Status     int
	Header     http.Header
	Body       []byte
	Data       json.RawMessage
	Errors     []gqlError
	Statements int // the X-SQL-Statements header
}

// code returns the extensions.code of the first error, or "".
func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// send runs req through the handler and decodes the answer.
func (a *api) send(t *testing.T, req *http.Request) response {
	t.Helper()
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	res := response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if h := rec.Header().Get("X-SQL-Statements"); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil {
			t.Fatalf("X-SQL-Statements: %q", h)
		}
		res.Statements = n
	}
	var body struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if len(res.Body) > 0 && strings.Contains(rec.Header().Get("Content-Type"), "json") {
		if err := json.Unmarshal(res.Body, &body); err != nil {
			t.Fatalf("response is not JSON (%v): %s", err, res.Body)
		}
	}
	res.Data, res.Errors = body.Data, body.Errors
	return res
}

// post sends a GraphQL query with variables; headers are name, value
// pairs.
func (a *api) post(t *testing.T, query string, vars map[string]any, headers ...string) response {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.send(t, req)
}

// query posts a query that must succeed and decodes its data into out.
func (a *api) query(t *testing.T, query string, vars map[string]any, out any) response {
	t.Helper()
	res := a.post(t, query, vars)
	if res.Status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("query failed with status %d: %s\nquery: %s\nvariables: %v", res.Status, res.Body, query, vars)
	}
	if out != nil {
		if err := json.Unmarshal(res.Data, out); err != nil {
			t.Fatalf("decode %s: %v", res.Data, err)
		}
	}
	return res
}

// count runs a SQL query returning one number.
func (a *api) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := a.sql.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// strings runs a SQL query returning one text column.
func (a *api) strings(t *testing.T, query string, args ...any) []string {
	t.Helper()
	rows, err := a.sql.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (a *api) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := a.sql.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
