package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tthc/internal/testdb"
)

// TestStartupConfigMasked checks that the startup line shows every
// setting but no secret: not the token secret, not the database password.
func TestStartupConfigMasked(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":     "postgres://tthc:hunter2-db-password@db.internal:5432/tthc?sslmode=require",
		"JWT_HS256_SECRET": "a-very-long-secret-of-at-least-32-bytes!",
		"LOG_FORMAT":       "json",
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	newLogger(cfg.Ops.LogFormat, cfg.LogLevel, &out).Info("starting", configAttrs(cfg)...)
	line := out.String()
	t.Log(line)
	for _, secret := range []string{"hunter2", "a-very-long-secret"} {
		if strings.Contains(line, secret) {
			t.Errorf("startup line shows a secret (%s): %s", secret, line)
		}
	}
	for _, want := range []string{`"DatabaseURL":"postgres://tthc:xxxxx@db.internal:5432/tthc?sslmode=require"`,
		`"JWT.HS256SecretSet":true`, `"Port":8080`, `"RequestTimeout":"15s"`, `"Ops.LogFormat":"json"`} {
		if !strings.Contains(line, want) {
			t.Errorf("startup line lacks %s: %s", want, line)
		}
	}
}

// TestServeLogsStartAndShutdown runs the server and stops it as SIGTERM
// would (main's context ends): the log shows the start, the shutdown and
// the stop.
func TestServeLogsStartAndShutdown(t *testing.T) {
	_, stop := serveForTest(t, map[string]string{})
	log := stop()
	for _, want := range []string{`"msg":"starting"`, `"msg":"shutting down: finishing the requests in flight","cause":"terminated"`, `"msg":"stopped"`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}

// TestServeExportsTraces runs the server with OTEL_EXPORTER_OTLP_ENDPOINT
// pointing at a local OTLP/HTTP receiver: the spans of a query reach it.
func TestServeExportsTraces(t *testing.T) {
	var mu sync.Mutex
	var received []byte
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/v1/traces" {
			mu.Lock()
			received = append(received, body...)
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	// The exporter reads the standard variables itself.
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	base, stop := serveForTest(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL})
	res, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"query TracedLevels { authorityLevels { code } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	log := stop() // flushes the spans
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"query TracedLevels", "SELECT", "tthc"} {
		if !bytes.Contains(received, []byte(want)) {
			t.Errorf("the collector got no %q (%d bytes)\n%s", want, len(received), log)
		}
	}
}

// serveForTest runs `tthc serve` on a fresh database with env (and JSON
// logs), and returns its base URL and a function that stops it as SIGTERM
// would and returns its log.
func serveForTest(t *testing.T, env map[string]string) (base string, stop func() string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	env["DATABASE_URL"], env["PORT"], env["LOG_FORMAT"] = testdb.New(t), strconv.Itoa(port), "json"
	ctx, cancel := context.WithCancelCause(context.Background())
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, nil, &bytes.Buffer{}, &stderr)
	}()
	base = "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/metrics")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel(nil)
			t.Fatalf("server did not answer: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base, func() string {
		cancel(errors.New("terminated"))
		if err := <-done; err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr.String())
		}
		return stderr.String()
	}
}

// lockedBuffer is written by the server's goroutines and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRateLimitConfig(t *testing.T) {
	for _, c := range []struct {
		anon, authed string
		want         [2]int
		bad          bool
	}{
		{"", "", [2]int{60_000, 300_000}, false},
		{"off", "20000", [2]int{0, 20_000}, false},
		{"100", "", [2]int{}, true}, // below the cost of one operation
		{"lots", "", [2]int{}, true},
	} {
		env := map[string]string{"DATABASE_URL": "postgres://x", "RATE_LIMIT_ANONYMOUS": c.anon, "RATE_LIMIT_AUTHENTICATED": c.authed}
		cfg, err := loadConfig(func(k string) string { return env[k] })
		if (err != nil) != c.bad {
			t.Errorf("%q %q: error %v", c.anon, c.authed, err)
		}
		if got := [2]int{cfg.Ops.RateLimitAnonymous, cfg.Ops.RateLimitAuthenticated}; !c.bad && got != c.want {
			t.Errorf("%q %q: %v, want %v", c.anon, c.authed, got, c.want)
		}
	}
}

// TestTrustedModeSwitches checks the defaults of INTROSPECTION and
// GRAPHIQL: on, and off once TRUSTED_DOCUMENTS is set, unless asked for.
func TestTrustedModeSwitches(t *testing.T) {
	for _, c := range []struct {
		docs, introspection, graphiql string
		want                          [2]bool
	}{
		{"", "", "", [2]bool{true, true}},
		{"m.json", "", "", [2]bool{false, false}},
		{"m.json", "on", "", [2]bool{true, false}},
		{"", "off", "off", [2]bool{false, false}},
	} {
		env := map[string]string{"DATABASE_URL": "postgres://x", "TRUSTED_DOCUMENTS": c.docs, "INTROSPECTION": c.introspection, "GRAPHIQL": c.graphiql}
		cfg, err := loadConfig(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]bool{cfg.Ops.Introspection, cfg.Ops.GraphiQL}; got != c.want {
			t.Errorf("%+v: introspection, GraphiQL %v, want %v", c, got, c.want)
		}
	}
	env := map[string]string{"DATABASE_URL": "postgres://x", "GRAPHIQL": "maybe"}
	if _, err := loadConfig(func(k string) string { return env[k] }); err == nil {
		t.Error("GRAPHIQL=maybe accepted")
	}
}
