// Package auth knows who is calling: the Actor a verified bearer token
// names, the roles an actor may hold, and the context that carries them.
// What each role may do to a proposal is decided in internal/proposal.
package auth

import (
	"context"
	"slices"
	"time"

	"tthc/internal/errs"
)

// Role is a right a token grants. Roles are part of the API (the Role enum
// and the token's "roles" claim): never rename one.
type Role string

const (
	// Officer creates, edits, submits and withdraws proposals for their own
	// unit and the units under it, and reads those.
	Officer Role = "OFFICER"
	// Reviewer starts the review of and decides the proposals routed to
	// their unit, and reads those.
	Reviewer Role = "REVIEWER"
	// Analyst reads every proposal and all statistics.
	Analyst Role = "ANALYST"
	// Admin maintains the catalog.
	Admin Role = "ADMIN"
)

// Roles lists every role, for validation and documentation.
var Roles = []Role{Officer, Reviewer, Analyst, Admin}

// Valid tells whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Actor is an authenticated caller, as its token describes it.
type Actor struct {
	Subject string // the token's "sub": a stable user id
	Name    string // a display name, recorded in the proposal's events
	Roles   []Role
	// UnitCode is the code of the administrative unit the actor works for
	// (the "unit" claim), e.g. "40-DL". Codes are stable across databases,
	// unlike ids, so a token minted for the demo works on any copy of it.
	UnitCode string
	// Expires is when the token stops being accepted (its exp, plus the
	// leeway for clock differences); a WebSocket connection authenticated
	// with it ends its subscriptions then.
	Expires time.Time
}

// Has tells whether the actor holds role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// HasAny tells whether the actor holds at least one of roles. An empty
// list asks only for an authenticated actor.
func (a Actor) HasAny(roles []Role) bool {
	if len(roles) == 0 {
		return true
	}
	for _, r := range roles {
		if a.Has(r) {
			return true
		}
	}
	return false
}

type actorKey struct{}

type identity struct {
	actor *Actor
	err   error
}

// WithActor returns a context that carries an authenticated actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, identity{actor: &a})
}

// WithError returns a context that carries why a token was refused. Only
// protected fields fail with it; the public catalog still answers.
func WithError(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, actorKey{}, identity{err: err})
}

// FromContext returns the actor of the request, or an UNAUTHENTICATED error
// when the caller sent no token or a bad one.
func FromContext(ctx context.Context) (Actor, error) {
	id, _ := ctx.Value(actorKey{}).(identity)
	if id.err != nil {
		return Actor{}, id.err
	}
	if id.actor == nil {
		return Actor{}, errs.Errorf(errs.Unauthenticated, "sign in: send a bearer token in the Authorization header")
	}
	return *id.actor, nil
}

// Require returns the actor of the request when it holds one of roles (any
// authenticated actor when roles is empty): UNAUTHENTICATED without a valid
// token, FORBIDDEN without the role.
func Require(ctx context.Context, roles ...Role) (Actor, error) {
	a, err := FromContext(ctx)
	if err != nil {
		return a, err
	}
	if !a.HasAny(roles) {
		return a, errs.Errorf(errs.Forbidden, "this needs one of the roles %v", roles)
	}
	return a, nil
}

// Authenticate puts in ctx the actor of an "Authorization: Bearer ..."
// header value, or the reason the token was refused. No header means an
// anonymous caller, who may still read the public catalog; a nil v
// refuses every token.
func Authenticate(ctx context.Context, v *Verifier, header string) context.Context {
	if header == "" {
		return ctx
	}
	token := BearerToken(header)
	if token == "" {
		return WithError(ctx, errs.Errorf(errs.Unauthenticated, "the Authorization header must be \"Bearer <token>\""))
	}
	if v == nil {
		return WithError(ctx, errs.Errorf(errs.Unauthenticated, "this server accepts no tokens: it has no JWT configuration"))
	}
	a, err := v.Verify(token)
	if err != nil {
		return WithError(ctx, err)
	}
	return WithActor(ctx, a)
}

// Anonymous tells whether the caller sent no token at all.
func Anonymous(ctx context.Context) bool {
	id, _ := ctx.Value(actorKey{}).(identity)
	return id.err == nil && id.actor == nil
}
