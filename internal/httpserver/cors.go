package httpserver

import (
	"net/http"
	"strings"

	"github.com/rs/cors"
)

// corsMaxAge is how long, in seconds, a browser may cache a preflight
// answer: an hour (Chromium caps it at two).
const corsMaxAge = 3600

// corsAllowedHeaders are the request headers a page on an allowed origin
// may send: the token, the content type and negotiation, the request id,
// a revalidation (If-None-Match), trace context, and what the common
// GraphQL clients add (Apollo Client's CSRF and client-awareness headers).
var corsAllowedHeaders = []string{
	"Authorization", "Content-Type", "Accept", "X-Request-Id", "If-None-Match",
	"Traceparent", "Tracestate",
	"Apollo-Require-Preflight", "X-Apollo-Operation-Name",
	"Apollographql-Client-Name", "Apollographql-Client-Version",
}

// corsExposedHeaders are the response headers such a page may read:
// besides these, the caching ones (ETag, X-Catalog-Version, X-Cache).
var corsExposedHeaders = []string{"X-Request-Id", "X-SQL-Statements", "ETag", "X-Catalog-Version", "X-Cache",
	"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy", "Retry-After"}

// withCORS lets pages on the allowed origins call the API from a browser.
// With no origin listed it adds nothing, so only pages of the same origin
// (GraphiQL) can read responses. A "*" anywhere in an origin is a
// wildcard, and then credentials are never allowed: a wildcard that
// echoed credentials would let any matching site act as its visitors.
// The API authenticates with bearer tokens, not cookies, so a front end
// needs credentials only when its client sends them by default.
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	wildcard := false
	for _, o := range origins {
		wildcard = wildcard || strings.Contains(o, "*")
	}
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   corsAllowedHeaders,
		ExposedHeaders:   corsExposedHeaders,
		AllowCredentials: !wildcard,
		MaxAge:           corsMaxAge,
	}).Handler(next)
}
