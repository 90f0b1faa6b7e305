// Package telemetry is what operators see of the running server: the
// record of each request that its log line and metrics are made from, the
// Prometheus metrics, and the optional OpenTelemetry tracing. It knows
// nothing of HTTP routes or GraphQL: the layers that do fill the record.
package telemetry

import (
	"context"
	"net/netip"

	"tthc/internal/ratelimit"
)

// Request is what one HTTP request did, filled in as it goes by the layers
// that know: the GraphQL layer names the operation, its outcome, its cost
// and the caller; the HTTP edge writes the log line from it when the
// request is done. Each field is written by the goroutine that serves the
// request, before the response is complete, so none needs a lock.
type Request struct {
	// Operation is the operation's name as the client sent it ("" when
	// anonymous); Type is query, mutation or subscription ("" when the
	// document did not parse).
	Operation string
	Type      string
	// Code is the outcome: OK, or the extensions.code of the first error.
	Code string
	// Cost is the operation's computed complexity, in rate-limit points.
	Cost int
	// Subject is the authenticated caller's token subject; "" anonymous.
	Subject string
	// RateLimit is what the operation's charge did to its budget; nil
	// when no budget applies.
	RateLimit *ratelimit.Decision
	// WebSocket is set on a request upgraded to a WebSocket: it carries
	// many operations, each observed on its own, so none is written here.
	WebSocket bool
}

type requestKey struct{}

// WithRequest returns ctx carrying a new, empty record.
func WithRequest(ctx context.Context) (context.Context, *Request) {
	r := &Request{}
	return context.WithValue(ctx, requestKey{}, r), r
}

// RequestFrom returns the record of the HTTP request ctx belongs to, or nil
// when ctx serves no HTTP request or serves a WebSocket.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	if r == nil || r.WebSocket {
		return nil
	}
	return r
}

type clientKey struct{}

// WithClient returns ctx carrying the address of the client the request
// comes from: the peer, or the address a trusted proxy forwarded for.
func WithClient(ctx context.Context, addr netip.Addr) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// Client returns the client's address; the zero Addr when unknown.
func Client(ctx context.Context) netip.Addr {
	a, _ := ctx.Value(clientKey{}).(netip.Addr)
	return a
}
