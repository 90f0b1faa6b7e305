package httpserver

import "net/http"

// apiCSP is the Content-Security-Policy of every response but GraphiQL's:
// an API response is data, never a page, so it may load nothing, run
// nothing and be framed by nobody.
const apiCSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// hsts tells browsers to use HTTPS for this host for a year. Subdomains
// are left alone: they may be other services.
const hsts = "max-age=31536000"

// withSecurityHeaders sets the headers every response carries, before any
// handler runs, so errors, preflights and panics carry them too. A page
// that needs a looser policy (GraphiQL) replaces Content-Security-Policy.
func withSecurityHeaders(proxies TrustedProxies, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", apiCSP)
		// For browsers older than frame-ancestors.
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		// Only a response that came over HTTPS may set HSTS (browsers
		// ignore it otherwise), and only then is it true.
		if proxies.overTLS(r) {
			h.Set("Strict-Transport-Security", hsts)
		}
		next.ServeHTTP(w, r)
	})
}
