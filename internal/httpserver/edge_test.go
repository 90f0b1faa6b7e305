package httpserver_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// TestSecurityHeaders checks the headers every response carries, whatever
// answers it: GraphQL, an export, a probe, a 404, a 405, a refused body.
func TestSecurityHeaders(t *testing.T) {
	a := newAPI(t, testdb.New(t), httpserver.Config{})
	for _, c := range []struct {
		method, target, contentType, body string
	}{
		{"GET", "/graphql?query=%7B__typename%7D", "", ""},
		{"POST", "/graphql", "application/json", `{"query":"{ __typename }"}`},
		{"POST", "/graphql", "text/plain", `{}`},
		{"PUT", "/graphql", "", ""},
		{"GET", "/export/procedures.csv", "", ""},
		{"GET", "/livez", "", ""},
		{"GET", "/readyz", "", ""},
		{"GET", "/no/such/page", "", ""},
	} {
		req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		res := a.send(t, req)
		what := c.method + " " + c.target
		for name, want := range map[string]string{
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
			"Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
		} {
			if got := res.Header.Get(name); got != want {
				t.Errorf("%s (status %d): %s = %q, want %q", what, res.Status, name, got, want)
			}
		}
		if got := res.Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("%s over plain HTTP: Strict-Transport-Security %q, want none", what, got)
		}
	}
}

// TestHSTS checks that HSTS is sent only when the client's connection is
// encrypted: TLS to this server, or a trusted proxy that says so.
func TestHSTS(t *testing.T) {
	proxies := httpserver.TrustedProxies{netip.MustParsePrefix("10.0.0.0/8")}
	a := newAPI(t, testdb.New(t), httpserver.Config{TrustedProxies: proxies})
	for _, c := range []struct {
		name, remote, proto string
		tls                 bool
		want                bool
	}{
		{"plain HTTP", "192.0.2.1:1234", "", false, false},
		{"TLS", "192.0.2.1:1234", "", true, true},
		{"trusted proxy, https", "10.1.2.3:1234", "https", false, true},
		{"trusted proxy, http", "10.1.2.3:1234", "http", false, false},
		{"untrusted peer claiming https", "192.0.2.1:1234", "https", false, false},
	} {
		req := httptest.NewRequest("GET", "/livez", nil)
		req.RemoteAddr = c.remote
		if c.proto != "" {
			req.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if c.tls {
			req.TLS = &tls.ConnectionState{}
		}
		got := a.send(t, req).Header.Get("Strict-Transport-Security")
		if (got != "") != c.want || (c.want && got != "max-age=31536000") {
			t.Errorf("%s: Strict-Transport-Security %q, want it: %v", c.name, got, c.want)
		}
	}
}

// preflight sends the OPTIONS request a browser sends before a POST with
// a token from origin.
func preflight(t *testing.T, a *api, origin string) response {
	t.Helper()
	req := httptest.NewRequest("OPTIONS", "/graphql", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	return a.send(t, req)
}

// crossOrigin posts a query from origin, as a browser does after the
// preflight.
func crossOrigin(t *testing.T, a *api, origin string) response {
	t.Helper()
	return a.post(t, "{ __typename }", nil, "Origin", origin)
}

// TestCORS checks an allowed origin, a refused one, and the preflight of
// each.
func TestCORS(t *testing.T) {
	a := newAPI(t, testdb.New(t), httpserver.Config{CORSAllowedOrigins: []string{"https://portal.gov.vn", "https://app.example.vn:8443"}})

	t.Run("allowed origin", func(t *testing.T) {
		res := crossOrigin(t, a, "https://portal.gov.vn")
		if res.Status != 200 || res.Header.Get("Access-Control-Allow-Origin") != "https://portal.gov.vn" {
			t.Fatalf("status %d, Access-Control-Allow-Origin %q", res.Status, res.Header.Get("Access-Control-Allow-Origin"))
		}
		if res.Header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Errorf("an origin listed exactly may send credentials: %q", res.Header.Get("Access-Control-Allow-Credentials"))
		}
		if exposed := res.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(exposed, "X-Request-Id") {
			t.Errorf("Access-Control-Expose-Headers %q, want X-Request-Id", exposed)
		}
		if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Origin") {
			t.Errorf("Vary %q: a cache must key the answer by Origin", res.Header.Values("Vary"))
		}
	})
	t.Run("allowed preflight", func(t *testing.T) {
		res := preflight(t, a, "https://app.example.vn:8443")
		h := res.Header
		if res.Status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "https://app.example.vn:8443" {
			t.Fatalf("status %d, Access-Control-Allow-Origin %q", res.Status, h.Get("Access-Control-Allow-Origin"))
		}
		if h.Get("Access-Control-Allow-Methods") != "POST" || !strings.EqualFold(h.Get("Access-Control-Allow-Headers"), "authorization,content-type") {
			t.Errorf("allows %q with %q", h.Get("Access-Control-Allow-Methods"), h.Get("Access-Control-Allow-Headers"))
		}
		if h.Get("Access-Control-Max-Age") != "3600" {
			t.Errorf("Access-Control-Max-Age %q: preflights should be cached", h.Get("Access-Control-Max-Age"))
		}
	})
	t.Run("GraphQL clients' headers", func(t *testing.T) {
		req := httptest.NewRequest("OPTIONS", "/graphql", nil)
		req.Header.Set("Origin", "https://portal.gov.vn")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "apollo-require-preflight,apollographql-client-name,apollographql-client-version,content-type,traceparent,x-apollo-operation-name")
		if res := a.send(t, req); res.Header.Get("Access-Control-Allow-Origin") == "" {
			t.Errorf("Apollo Client's headers are refused")
		}
	})
	for _, origin := range []string{"https://evil.example", "http://portal.gov.vn", "https://portal.gov.vn.evil.example", "null"} {
		t.Run("refused "+origin, func(t *testing.T) {
			res := crossOrigin(t, a, origin)
			if got := res.Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("Access-Control-Allow-Origin %q for a refused origin", got)
			}
			pre := preflight(t, a, origin)
			for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Credentials"} {
				if got := pre.Header.Get(name); got != "" {
					t.Errorf("preflight: %s %q for a refused origin", name, got)
				}
			}
		})
	}
	t.Run("refused header", func(t *testing.T) {
		req := httptest.NewRequest("OPTIONS", "/graphql", nil)
		req.Header.Set("Origin", "https://portal.gov.vn")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "x-forwarded-for")
		if got := a.send(t, req).Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("a header outside the list is allowed: %q", got)
		}
	})
	t.Run("refused method", func(t *testing.T) {
		req := httptest.NewRequest("OPTIONS", "/graphql", nil)
		req.Header.Set("Origin", "https://portal.gov.vn")
		req.Header.Set("Access-Control-Request-Method", "DELETE")
		if got := a.send(t, req).Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("DELETE is allowed: %q", got)
		}
	})
}

// TestCORSWildcardNeverWithCredentials checks that a wildcard origin
// never comes with credentials.
func TestCORSWildcardNeverWithCredentials(t *testing.T) {
	url := testdb.New(t)
	for _, origins := range [][]string{{"*"}, {"https://*.gov.vn"}, {"https://portal.gov.vn", "https://*.gov.vn"}} {
		a := newAPI(t, url, httpserver.Config{CORSAllowedOrigins: origins})
		for _, res := range []response{crossOrigin(t, a, "https://so.gov.vn"), preflight(t, a, "https://so.gov.vn")} {
			if res.Header.Get("Access-Control-Allow-Origin") == "" {
				t.Errorf("%v: https://so.gov.vn refused", origins)
			}
			if got := res.Header.Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("%v: Access-Control-Allow-Credentials %q with a wildcard", origins, got)
			}
		}
	}
}

// TestCORSSameOriginOnly checks that without CORS_ALLOWED_ORIGINS no
// other origin is let in, by a request or a preflight.
func TestCORSSameOriginOnly(t *testing.T) {
	a := newAPI(t, testdb.New(t), httpserver.Config{})
	for _, res := range []response{crossOrigin(t, a, "https://portal.gov.vn"), preflight(t, a, "https://portal.gov.vn")} {
		for name := range res.Header {
			if strings.HasPrefix(name, "Access-Control-") {
				t.Errorf("%s: %q with no origin allowed", name, res.Header.Get(name))
			}
		}
	}
}
