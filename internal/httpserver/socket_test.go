package httpserver_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"tthc/graph"
	"tthc/internal/auth"
	"tthc/internal/httpserver"
	"tthc/internal/pubsub"
	"tthc/internal/testdb"
)

var socketSecret = []byte("a socket test secret of at least 32 bytes")

// socketServer serves cfg over a real listener, with a token verifier
// and a broker for subscriptions.
type socketAPI struct {
	url    string
	raw    *sql.DB // the same database, for the test's own statements
	broker *pubsub.Broker
}

func socketServer(t *testing.T, cfg httpserver.Config) socketAPI {
	t.Helper()
	dbURL := testdb.Catalog(t)
	cfg.DB = testdb.Open(t, dbURL)
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	v, err := auth.NewVerifier(auth.Config{HS256Secret: socketSecret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Verifier = v
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	broker, err := pubsub.NewBroker(ctx, cfg.DB, pubsub.Config{URL: dbURL}, cfg.Logger)
	if err != nil {
		t.Fatal(err)
	}
	go broker.Run(ctx)
	cfg.Broker = broker
	srv := httptest.NewServer(httpserver.NewServer(cfg))
	t.Cleanup(srv.Close)
	raw, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		raw.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return socketAPI{url: srv.URL, raw: raw, broker: broker}
}

// socketToken mints a token for an analyst named subject, valid until
// expires (the verifier's leeway of 30 s included).
func socketToken(t *testing.T, subject string, expires time.Time) string {
	t.Helper()
	const leeway = 30 * time.Second
	now := time.Now().Add(-time.Hour)
	tok, err := auth.Mint(auth.MintConfig{Secret: socketSecret, Issuer: "tthc", Audience: "tthc-api",
		Subject: subject, Roles: []auth.Role{auth.Analyst}, Now: now, TTL: expires.Add(-leeway).Sub(now)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient is one graphql-transport-ws connection.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dial opens a graphql-transport-ws connection with token ("":
// anonymous) and waits for its acknowledgement.
func dial(t *testing.T, url, token string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadLimit(1 << 24)
	t.Cleanup(func() { conn.CloseNow() })
	c := &wsClient{t: t, conn: conn}
	init := map[string]any{}
	if token != "" {
		init["Authorization"] = "Bearer " + token
	}
	c.send("", "connection_init", init)
	if m := c.next(); m.Type != "connection_ack" {
		t.Fatalf("got %s %s, want connection_ack", m.Type, m.Payload)
	}
	return c
}

func (c *wsClient) send(id, typ string, payload any) {
	c.t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := wsjson.Write(ctx, c.conn, wsMessage{ID: id, Type: typ, Payload: b}); err != nil {
		c.t.Fatal(err)
	}
}

// subscribe starts operation id with query.
func (c *wsClient) subscribe(id, query string) {
	c.t.Helper()
	c.send(id, "subscribe", map[string]any{"query": query})
}

// next returns the next message other than ping and pong; it fails the
// test when none comes within a minute (a generous bound, so only a
// server that never answers fails).
func (c *wsClient) next() wsMessage {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, c.conn, &m); err != nil {
			c.t.Fatalf("read: %v", err)
		}
		if m.Type != "ping" && m.Type != "pong" {
			return m
		}
	}
}

// errorCode returns the extensions.code of the first error of a "next"
// or "error" message, or "".
func errorCode(m wsMessage) string {
	var errs []gqlError
	switch m.Type {
	case "next":
		var r struct{ Errors []gqlError }
		json.Unmarshal(m.Payload, &r)
		errs = r.Errors
	case "error":
		json.Unmarshal(m.Payload, &errs)
	}
	if len(errs) == 0 {
		return ""
	}
	code, _ := errs[0].Extensions["code"].(string)
	return code
}

// TestSocketDocumentLimits: a document sent over the socket meets the
// limits it meets over HTTP, with the same codes.
func TestSocketDocumentLimits(t *testing.T) {
	c := dial(t, socketServer(t, httpserver.Config{}).url, "")
	cases := map[string]struct{ query, code string }{
		"fragment fan-out":        hostileDocuments["fragment fan-out"],
		"duplicated scalar field": hostileDocuments["duplicated scalar field"],
		"aliases":                 hostileDocuments["aliases"],
		"directives":              hostileDocuments["directives"],
		"depth":                   {"{ administrativeUnits { nodes { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } }", "DEPTH_LIMIT_EXCEEDED"},
		"cost":                    {"{ administrativeUnits(first: 100) { nodes { procedures(first: 100) { nodes { name code } } } } }", "COMPLEXITY_LIMIT_EXCEEDED"},
	}
	i := 0
	for name, d := range cases {
		i++
		id := fmt.Sprint(i)
		c.subscribe(id, d.query)
		m := c.next()
		if m.ID != id || errorCode(m) != d.code {
			t.Errorf("%s: got %s %s, want an error %s", name, m.Type, m.Payload, d.code)
		}
		if m := c.next(); m.Type != "complete" {
			t.Fatalf("%s: got %s %s after the error, want complete", name, m.Type, m.Payload)
		}
	}
}

// lockProcedures holds an exclusive lock on the procedures table until
// the test ends, so every statement that reads it waits.
func lockProcedures(t *testing.T, raw *sql.DB) {
	t.Helper()
	tx, err := raw.Begin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	if _, err := tx.Exec(`LOCK TABLE procedures IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
}

// inFlight reads the places of MAX_IN_FLIGHT taken, from /metrics.
func inFlight(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "tthc_inflight_running "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("tthc_inflight_running %q", v)
			}
			return n
		}
	}
	t.Fatalf("no tthc_inflight_running in /metrics:\n%s", b)
	return 0
}

// TestSocketOperationsShareTheGate: queries sent over WebSockets take a
// place of MAX_IN_FLIGHT and end at the request timeout, as over HTTP.
// Before, any number of sockets ran queries past the gate, and a query
// that waited for a lock waited as long as the lock was held.
func TestSocketOperationsShareTheGate(t *testing.T) {
	const places, sockets = 2, 5
	s := socketServer(t, httpserver.Config{MaxInFlight: places, RequestTimeout: 3 * time.Second})
	lockProcedures(t, s.raw)
	answers := make(chan wsMessage, sockets)
	for range sockets {
		c := dial(t, s.url, "")
		c.subscribe("1", `{ procedures(first: 1) { nodes { code } } }`)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var m wsMessage
			for m.Type == "" || m.Type == "ping" || m.Type == "pong" {
				if err := wsjson.Read(ctx, c.conn, &m); err != nil {
					m = wsMessage{Type: "read error: " + err.Error()}
				}
			}
			answers <- m
		}()
	}
	waitFor(t, "the socket queries to fill the gate", func() bool { return inFlight(t, s.url) == places })
	for range sockets {
		if m := <-answers; errorCode(m) != "TIMEOUT" {
			t.Errorf("query waiting for a lock answered %s %s, want TIMEOUT", m.Type, m.Payload)
		}
	}
	if n := inFlight(t, s.url); n != 0 {
		t.Errorf("%d places of the gate still taken after every query answered", n)
	}
}

// TestSubscriptionCaps: a connection runs at most
// MaxSubscriptionsPerConnection subscriptions, a token's subject at most
// MaxSubscriptionsPerSubject over all its connections; one over is
// refused with SUBSCRIPTION_LIMIT_EXCEEDED, and completing one makes room.
func TestSubscriptionCaps(t *testing.T) {
	s := socketServer(t, httpserver.Config{Limits: graph.Limits{MaxSubscriptionsPerConnection: 2, MaxSubscriptionsPerSubject: 3}})
	url, broker := s.url, s.broker
	const events = `subscription { proposalEvents { to } }`
	expires := time.Now().Add(time.Hour)
	running := func(n int) {
		t.Helper()
		waitFor(t, fmt.Sprintf("%d subscriptions", n), func() bool { return broker.Subscribers() == n })
	}
	refused := func(c *wsClient) string {
		t.Helper()
		m := c.next()
		if errorCode(m) != "SUBSCRIPTION_LIMIT_EXCEEDED" {
			t.Fatalf("got %s %s, want SUBSCRIPTION_LIMIT_EXCEEDED", m.Type, m.Payload)
		}
		return m.ID
	}
	// Three on one connection: one is refused.
	c1 := dial(t, url, socketToken(t, "analyst-a", expires))
	for _, id := range []string{"1", "2", "3"} {
		c1.subscribe(id, events)
	}
	out := refused(c1)
	running(2)
	// The same subject on a second connection: its second is one too
	// many for the subject.
	c2 := dial(t, url, socketToken(t, "analyst-a", expires))
	c2.subscribe("1", events)
	c2.subscribe("2", events)
	refused(c2)
	running(3)
	// Another subject is counted apart.
	c3 := dial(t, url, socketToken(t, "analyst-b", expires))
	c3.subscribe("1", events)
	running(4)
	// Completing one frees its place.
	for _, id := range []string{"1", "2", "3"} {
		if id != out {
			c1.send(id, "complete", nil)
			break
		}
	}
	running(3)
	c2.subscribe("3", events)
	running(4)
}

// TestSubscriptionEndsWhenTokenExpires: a subscription ends with
// UNAUTHENTICATED, then complete, when the token of its connection
// expires, and later operations on the connection are anonymous no more
// but refused as with an expired token over HTTP.
func TestSubscriptionEndsWhenTokenExpires(t *testing.T) {
	s := socketServer(t, httpserver.Config{})
	url, broker := s.url, s.broker
	c := dial(t, url, socketToken(t, "analyst-a", time.Now().Add(3*time.Second)))
	c.subscribe("1", `subscription { proposalEvents { to } }`)
	waitFor(t, "the subscription", func() bool { return broker.Subscribers() == 1 })
	if m := c.next(); m.ID != "1" || errorCode(m) != "UNAUTHENTICATED" {
		t.Fatalf("got %s %s, want an UNAUTHENTICATED error", m.Type, m.Payload)
	}
	if m := c.next(); m.ID != "1" || m.Type != "complete" {
		t.Fatalf("got %s %s, want complete", m.Type, m.Payload)
	}
	waitFor(t, "no subscription", func() bool { return broker.Subscribers() == 0 })
	c.subscribe("2", `{ viewer { subject } }`)
	if m := c.next(); errorCode(m) != "UNAUTHENTICATED" {
		t.Errorf("viewer after the token expired: %s %s, want UNAUTHENTICATED", m.Type, m.Payload)
	}
}

// TestSubscriptionOverHTTP: a subscription sent with POST or GET is
// refused at once with 405 METHOD_NOT_ALLOWED and a message that points
// to the WebSocket. Before, a POST held its place among the operations in
// flight until the request timeout and answered a bare null.
func TestSubscriptionOverHTTP(t *testing.T) {
	s := socketServer(t, httpserver.Config{RequestTimeout: 10 * time.Minute})
	const events = `subscription { proposalEvents { to } }`
	body, _ := json.Marshal(map[string]any{"query": events})
	tok := socketToken(t, "analyst-a", time.Now().Add(time.Hour))
	post, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	post.Header.Set("Content-Type", "application/json")
	get, _ := http.NewRequest(http.MethodGet, s.url+"/graphql?query="+url.QueryEscape(events), nil)
	for _, req := range []*http.Request{post, get} {
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var r struct {
			Data   json.RawMessage
			Errors []gqlError
		}
		json.Unmarshal(b, &r)
		if res.StatusCode != http.StatusMethodNotAllowed || len(r.Errors) != 1 || r.Data != nil ||
			r.Errors[0].Extensions["code"] != "METHOD_NOT_ALLOWED" || !strings.Contains(r.Errors[0].Message, "WebSocket") {
			t.Errorf("%s subscription: %d %s; want 405 METHOD_NOT_ALLOWED pointing to the WebSocket", req.Method, res.StatusCode, b)
		}
	}
}

// TestClientGoneIsNoError: a client that disconnects while its request
// runs leaves one debug line, not an ERROR line per field it asked for.
func TestClientGoneIsNoError(t *testing.T) {
	logs := &syncBuffer{}
	dbURL := testdb.Catalog(t)
	srv := httptest.NewServer(httpserver.NewServer(httpserver.Config{DB: testdb.Open(t, dbURL),
		Logger:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RequestTimeout: time.Minute, MaxBodyBytes: 1 << 20}))
	t.Cleanup(srv.Close)
	raw, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	lockProcedures(t, raw)

	var q strings.Builder
	q.WriteString("{")
	for i := range 20 {
		fmt.Fprintf(&q, " p%d: procedures(first: %d) { nodes { code } }", i, i+1)
	}
	q.WriteString(" }")
	body, _ := json.Marshal(map[string]any{"query": q.String()})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	waitFor(t, "the request to wait for the lock", func() bool {
		var n int
		raw.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		return n > 0
	})
	cancel()
	<-done
	waitFor(t, "the server to note the client gone", func() bool { return strings.Contains(logs.String(), "went away") })
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("errors logged for a client that went away:\n%s", logs.String())
	}
}
