package cache

import (
	"context"
	"sync"
)

// Request is what the HTTP edge and the GraphQL layer tell each other
// about one request over HTTP: the edge asks for a label (the request may
// be stored or answered with an ETag), the GraphQL layer says what ran.
// The GraphQL layer sets it from the operation's goroutines, hence the
// lock.
type Request struct {
	// WantLabel asks the GraphQL layer to read the catalog version
	// before an anonymous query's data.
	WantLabel bool

	mu      sync.Mutex
	version int64 // 0: not read
	query   bool  // the operation was a query
	failed  bool  // its response had errors
}

type requestCtxKey struct{}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestCtxKey{}, r)
}

// RequestFrom returns the Request of ctx, or nil (a WebSocket's operations
// have none).
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestCtxKey{}).(*Request)
	return r
}

// Ran records that a query ran, with the version it was labelled with (0:
// none).
func (r *Request) Ran(version int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.query, r.version = true, version
}

// Failed records that the response carries errors.
func (r *Request) Failed() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}

// outcome returns what the GraphQL layer recorded.
func (r *Request) outcome() (version int64, query, failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.version, r.query, r.failed
}

type versionKey struct{}

// WithVersion returns ctx carrying the catalog version read before the
// operation's data.
func WithVersion(ctx context.Context, v int64) context.Context {
	return context.WithValue(ctx, versionKey{}, v)
}

// VersionFrom returns the catalog version the operation of ctx reads at.
func VersionFrom(ctx context.Context) (int64, bool) {
	v, ok := ctx.Value(versionKey{}).(int64)
	return v, ok
}
