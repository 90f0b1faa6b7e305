package graph

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tthc/internal/auth"
	"tthc/internal/errs"
)

// The extensions.code of a subscription refused by the caps of Limits.
// Codes are part of the API: never rename one.
const codeTooManySubscriptions = "SUBSCRIPTION_LIMIT_EXCEEDED"

// Admission is the HTTP edge's bound on the operations that run at once
// (MAX_IN_FLIGHT), which queries and mutations sent over a WebSocket take
// their turn in as HTTP requests do.
type Admission interface {
	// Wait takes a place, waiting within ctx; false when ctx ends first.
	Wait(ctx context.Context) bool
	// Leave frees the place taken by Wait.
	Leave()
}

// SocketOptions give the operations of a WebSocket connection what the
// HTTP edge gives each request.
type SocketOptions struct {
	// Admission bounds the queries and mutations that run at once; nil:
	// no bound.
	Admission Admission
	// RequestTimeout is the deadline of each query and mutation
	// (REQUEST_TIMEOUT); 0: none.
	RequestTimeout time.Duration
}

// socketKey marks the context of the operations of a WebSocket
// connection.
type socketKey struct{}

// socket is one WebSocket connection.
type socket struct {
	subscriptions int // running, guarded by sockets.mu
}

// sockets applies to the operations of every WebSocket connection of a
// handler what an HTTP request gets elsewhere, and the subscription caps
// of Limits: a subscription holds a goroutine, a place in the broker's
// fan-out and the work of every event it is sent, so a client may run
// only so many at once.
type sockets struct {
	SocketOptions
	perConnection, perSubject int

	mu        sync.Mutex
	bySubject map[string]int
}

// errTokenExpired is the cause of the end of a subscription whose token
// expired.
var errTokenExpired = errors.New("token expired")

// around is an operation middleware, the outermost, so that everything
// an operation does runs within its deadline. A token that expired since
// connection_init is expired for every later operation; a query or
// mutation takes its turn and its deadline; a subscription counts against
// the caps and ends, with UNAUTHENTICATED, when its token expires.
func (s *sockets) around(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	conn, _ := ctx.Value(socketKey{}).(*socket)
	if conn == nil {
		return next(ctx) // an HTTP request: its middleware did this
	}
	actor, err := auth.FromContext(ctx)
	authenticated := err == nil
	if authenticated && !actor.Expires.IsZero() && !time.Now().Before(actor.Expires) {
		ctx = auth.WithError(ctx, tokenExpired())
		authenticated = false
	}
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Subscription {
		return s.admit(ctx, next)
	}
	subject := ""
	if authenticated {
		subject = actor.Subject
	}
	if err := s.acquire(conn, subject); err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	context.AfterFunc(ctx, func() { s.release(conn, subject) })
	if !authenticated || actor.Expires.IsZero() {
		return next(ctx)
	}
	ctx, cancel := context.WithDeadlineCause(ctx, actor.Expires, errTokenExpired)
	respond := next(ctx)
	ended := false
	return func(c context.Context) *graphql.Response {
		if ended {
			return nil
		}
		resp := respond(c)
		if resp == nil {
			ended = true
			if errors.Is(context.Cause(ctx), errTokenExpired) {
				resp = &graphql.Response{Errors: gqlerror.List{{Message: tokenExpired().Message,
					Extensions: map[string]any{"code": kindCodes[errs.Unauthenticated]}}}}
			}
			cancel()
		}
		return resp
	}
}

// admit runs a query or mutation within the request timeout, once it has
// a place in the admission.
func (s *sockets) admit(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	cancel := context.CancelFunc(func() {})
	if s.RequestTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, s.RequestTimeout)
	}
	leave := func() {}
	if s.Admission != nil {
		if !s.Admission.Wait(ctx) {
			cancel()
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{Message: BusyMessage,
				Extensions: map[string]any{"code": codeTimeout}}}})
		}
		leave = s.Admission.Leave
	}
	respond := next(ctx)
	answered := false
	return func(ctx context.Context) *graphql.Response {
		if answered {
			return nil
		}
		// A query or mutation runs within its one response.
		answered = true
		defer cancel()
		defer leave()
		return respond(ctx)
	}
}

// BusyMessage answers an operation that waited its whole deadline for a
// place among those in flight.
const BusyMessage = "the server is busy: the request waited its whole deadline for its turn"

func tokenExpired() *errs.Error {
	return errs.Errorf(errs.Unauthenticated, "the token expired: connect again with a fresh one")
}

// acquire counts a subscription of conn and subject ("" for an anonymous
// caller, who has no per-subject count), or says which cap it is over.
func (s *sockets) acquire(conn *socket, subject string) *gqlerror.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case conn.subscriptions >= s.perConnection:
		return limitError(codeTooManySubscriptions, "this connection runs %d subscriptions, the limit: complete one before starting another", s.perConnection)
	case subject != "" && s.bySubject[subject] >= s.perSubject:
		return limitError(codeTooManySubscriptions, "this token's subject runs %d subscriptions, the limit, over all its connections: complete one before starting another", s.perSubject)
	}
	conn.subscriptions++
	if subject != "" {
		s.bySubject[subject]++
	}
	return nil
}

func (s *sockets) release(conn *socket, subject string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn.subscriptions--
	if subject != "" {
		if s.bySubject[subject]--; s.bySubject[subject] == 0 {
			delete(s.bySubject, subject)
		}
	}
}
