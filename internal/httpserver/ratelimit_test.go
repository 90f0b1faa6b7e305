package httpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"tthc/internal/auth"
	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// postFrom posts query from the client at peer, with extra headers as
// name, value pairs.
func (a *api) postFrom(t *testing.T, peer, query string, headers ...string) response {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.RemoteAddr = peer
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.send(t, req)
}

func remaining(t *testing.T, res response) int {
	t.Helper()
	n, err := strconv.Atoi(res.Header.Get("RateLimit-Remaining"))
	if err != nil {
		t.Fatalf("RateLimit-Remaining: %q (%d %s)", res.Header.Get("RateLimit-Remaining"), res.Status, res.Body)
	}
	return n
}

// TestRateLimit checks that operations are charged their cost in points,
// per client address for anonymous callers and per token subject for
// authenticated ones, with the RateLimit-* headers, and that a spent
// budget answers 429 RATE_LIMITED with Retry-After.
func TestRateLimit(t *testing.T) {
	url := testdb.New(t)
	v, err := auth.NewVerifier(auth.Config{HS256Secret: reportSecret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, url, httpserver.Config{Verifier: v, RateLimitAnonymous: 100, RateLimitAuthenticated: 1000,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	const cheap = `{ sectors { id } }`
	const page = `{ procedures(first: 20) { nodes { code } } }`
	const client = "198.51.100.1:5000"

	res := a.postFrom(t, client, cheap)
	if res.Status != http.StatusOK || res.Header.Get("RateLimit-Limit") != "100" ||
		res.Header.Get("RateLimit-Policy") != "100;w=60" || res.Header.Get("RateLimit-Reset") == "" {
		t.Fatalf("first query: %d %v %s", res.Status, res.Header, res.Body)
	}
	afterCheap := remaining(t, res)
	if afterCheap < 90 || afterCheap >= 100 {
		t.Fatalf("a cheap query left %d of 100", afterCheap)
	}
	// A page of 20 costs at least 20 points, not one request.
	res = a.postFrom(t, client, page)
	afterPage := remaining(t, res)
	if res.Status != http.StatusOK || afterCheap-afterPage < 20 {
		t.Fatalf("a page of 20 took %d points (%d %s)", afterCheap-afterPage, res.Status, res.Body)
	}
	for range 5 {
		if res = a.postFrom(t, client, page); res.Status != http.StatusOK {
			break
		}
	}
	if res.Status != http.StatusTooManyRequests || res.code() != "RATE_LIMITED" || len(res.Data) != 0 && string(res.Data) != "null" {
		t.Fatalf("spent budget: %d %s", res.Status, res.Body)
	}
	if s, _ := strconv.Atoi(res.Header.Get("Retry-After")); s < 1 || s > 60 {
		t.Errorf("Retry-After: %q", res.Header.Get("Retry-After"))
	}
	if ext := res.Errors[0].Extensions; ext["cost"] == nil || ext["retryAfter"] == nil {
		t.Errorf("RATE_LIMITED error without cost and retryAfter: %v", ext)
	}
	// An untrusted peer cannot pick another budget with X-Forwarded-For.
	if res := a.postFrom(t, client, page, "X-Forwarded-For", "203.0.113.50"); res.Status != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For from an untrusted peer changed the budget: %d", res.Status)
	}
	// Other clients have their own budget: directly, or behind a trusted proxy.
	if res := a.postFrom(t, "198.51.100.2:5000", cheap); res.Status != http.StatusOK {
		t.Errorf("another client: %d %s", res.Status, res.Body)
	}
	if res := a.postFrom(t, "10.0.0.1:5000", cheap, "X-Forwarded-For", "198.51.100.3"); res.Status != http.StatusOK {
		t.Errorf("another client behind the proxy: %d %s", res.Status, res.Body)
	}
	if res := a.postFrom(t, "10.0.0.1:5000", page, "X-Forwarded-For", "198.51.100.1"); res.Status != http.StatusTooManyRequests {
		t.Errorf("the limited client behind the proxy: %d %s", res.Status, res.Body)
	}
	// A token's subject has the authenticated budget, wherever it calls from.
	res = a.postFrom(t, client, page, "Authorization", bearer(t, rAnalyst))
	if res.Status != http.StatusOK || res.Header.Get("RateLimit-Limit") != "1000" {
		t.Errorf("authenticated caller from a limited address: %d %s", res.Status, res.Body)
	}
	log := a.scrape(t)
	if sample(log, "tthc_rate_limited_total", "budget", "anonymous") < 2 ||
		sample(log, "tthc_rate_limit_points_total", "budget", "authenticated") < 20 {
		t.Errorf("rate-limit metrics did not move")
	}
}

// TestRateLimitWebSocket checks that operations over a WebSocket are
// charged to the same budget as over HTTP.
func TestRateLimitWebSocket(t *testing.T) {
	a := newAPI(t, testdb.New(t), httpserver.Config{RateLimitAnonymous: 50})
	srv := httptest.NewServer(a.handler)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	type msg struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	read := func() msg {
		for {
			var m msg
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				t.Fatal(err)
			}
			if m.Type != "ping" && m.Type != "pong" {
				return m
			}
		}
	}
	wsjson.Write(ctx, conn, msg{Type: "connection_init", Payload: json.RawMessage(`{}`)})
	if m := read(); m.Type != "connection_ack" {
		t.Fatalf("got %+v", m)
	}
	q, _ := json.Marshal(map[string]any{"query": `{ procedures(first: 20) { nodes { code } } }`})
	limited := false
	for i := range 5 {
		id := strconv.Itoa(i)
		wsjson.Write(ctx, conn, msg{ID: id, Type: "subscribe", Payload: q})
		m := read()
		if m.Type == "error" || strings.Contains(string(m.Payload), "RATE_LIMITED") {
			if !strings.Contains(string(m.Payload), "RATE_LIMITED") {
				t.Fatalf("operation %d: %s %s", i, m.Type, m.Payload)
			}
			limited = true
			break
		}
		if m.Type != "next" {
			t.Fatalf("operation %d: %s %s", i, m.Type, m.Payload)
		}
		if m := read(); m.Type != "complete" {
			t.Fatalf("operation %d: %+v", i, m)
		}
	}
	if !limited {
		t.Fatal("five pages of 20 over a WebSocket fit in a budget of 50 points")
	}
}
