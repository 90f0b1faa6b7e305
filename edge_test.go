package main

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestEdgeConfig checks how CORS_ALLOWED_ORIGINS, TRUSTED_PROXIES and the
// TLS files are read, and that mistakes stop the server at start.
func TestEdgeConfig(t *testing.T) {
	env := map[string]string{
		"CORS_ALLOWED_ORIGINS": "https://Portal.gov.vn, https://*.gov.vn  http://localhost:5173",
		"TRUSTED_PROXIES":      "10.0.0.0/8,192.0.2.7 ::1",
	}
	c, err := loadEdgeConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://portal.gov.vn", "https://*.gov.vn", "http://localhost:5173"}; !slices.Equal(c.CORSAllowedOrigins, want) {
		t.Errorf("origins %q, want %q", c.CORSAllowedOrigins, want)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("::1/128")}
	if !slices.Equal(c.TrustedProxies, want) {
		t.Errorf("proxies %v, want %v", c.TrustedProxies, want)
	}

	for _, c := range []struct{ name, value, want string }{
		{"CORS_ALLOWED_ORIGINS", "portal.gov.vn", `"portal.gov.vn" is not an origin`},
		{"CORS_ALLOWED_ORIGINS", "https://portal.gov.vn/", "is not an origin"},
		{"CORS_ALLOWED_ORIGINS", "https://portal.gov.vn/graphql", "is not an origin"},
		{"CORS_ALLOWED_ORIGINS", "ftp://portal.gov.vn", "is not an origin"},
		{"CORS_ALLOWED_ORIGINS", "https://*.*.gov.vn", "is not an origin"},
		{"TRUSTED_PROXIES", "10.0.0.0/33", "neither an IP address nor a CIDR range"},
		{"TRUSTED_PROXIES", "proxy.local", "neither an IP address nor a CIDR range"},
		{"TLS_CERT_FILE", "cert.pem", "set both TLS_CERT_FILE and TLS_KEY_FILE"},
	} {
		_, err := loadEdgeConfig(func(k string) string {
			if k == c.name {
				return c.value
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%q: %v, want %q", c.name, c.value, err, c.want)
		}
	}
	// The server reads it with the rest and refuses to start.
	bad := map[string]string{"DATABASE_URL": "postgres://x", "CORS_ALLOWED_ORIGINS": "portal.gov.vn"}
	if _, err := loadConfig(func(k string) string { return bad[k] }); err == nil {
		t.Error("loadConfig accepts a bad CORS_ALLOWED_ORIGINS")
	}
}
