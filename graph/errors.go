package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tthc/graph/model"
	"tthc/internal/errs"
)

// The extensions.code of each kind of domain error. Codes are part of the
// API contract: never rename one.
var kindCodes = map[errs.Kind]string{
	errs.Invalid:         codeBadInput,
	errs.NotFound:        "NOT_FOUND",
	errs.Conflict:        "CONFLICT",
	errs.Unauthenticated: "UNAUTHENTICATED",
	errs.Forbidden:       "FORBIDDEN",
	errs.Timeout:         codeTimeout,
	errs.Internal:        codeInternal,
	errs.Unavailable:     codeUnavailable,
}

// Codes the edge adds to the domain's. Parse and validation errors keep
// gqlgen's GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED, and the
// complexity limit its COMPLEXITY_LIMIT_EXCEEDED.
const (
	codeBadInput = "BAD_USER_INPUT"
	codeInternal = "INTERNAL"
	codeTimeout  = "TIMEOUT"
	// The database is down or restarting: the HTTP edge answers 503 with
	// Retry-After, and the same request succeeds once it is back.
	codeUnavailable = "UNAVAILABLE"
	codeCancelled   = "CANCELLED" // seen by nobody: the client is gone
	codeTooDeep     = "DEPTH_LIMIT_EXCEEDED"
	codeTooComplex  = "COMPLEXITY_LIMIT_EXCEEDED" // set by gqlgen
	codeBadMethod   = "METHOD_NOT_ALLOWED"
)

// UnavailableMessage is what a caller reads while the database is down.
const UnavailableMessage = "the database is unavailable: retry in a few seconds"

// ErrorCode returns the extensions.code of err, for the HTTP routes that
// answer errors outside GraphQL (the CSV exports).
func ErrorCode(err error) string { return kindCodes[errs.KindOf(err)] }

// inputFields maps the names the domain gives to the fields of a
// mutation's input to their names in the schema, where the two differ.
var inputFields = map[string]string{
	"procedure":     "procedureId",
	"procedures":    "procedureIds",
	"unit":          "unitId",
	"proposingUnit": "proposingUnitId",
	"parent":        "parentId",
	"ministry":      "ministryUnitId",
	"implementedBy": "legalDocumentNumber",
}

// argName is the schema's name of a field or argument the domain names
// field: "unit" is "unitId".
func argName(field string) string {
	if f, ok := inputFields[field]; ok {
		return f
	}
	return field
}

// inputPath is the GraphQL path of a field of a mutation's input, as the
// domain names it: "procedure" is "input.procedureId". Every mutation
// takes its arguments in one input object.
func inputPath(field string) string {
	if field == "" {
		return ""
	}
	return "input." + argName(field)
}

// presentError gives every error a stable extensions.code. Errors the
// caller can act on keep their message; anything else is logged and shown
// as "internal error", so no SQL or stack ever reaches a client. A field
// named by a query's error is the argument of that name ("unit" is the
// argument unitId).
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var appErr *errs.Error
		switch {
		case errors.As(err, &appErr) && appErr.Kind != errs.Unavailable && appErr.Kind != errs.Timeout:
			out := &gqlerror.Error{Message: appErr.Message, Path: gqlErr.Path, Locations: gqlErr.Locations}
			out.Extensions = map[string]any{"code": kindCodes[appErr.Kind]}
			if appErr.Field != "" {
				out.Extensions["field"] = argName(appErr.Field)
			}
			return out
		case gqlErr.Err == nil:
			// An error of the GraphQL layer itself: parse, validation,
			// limits. Its message is meant for the client.
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			if _, ok := gqlErr.Extensions["code"]; !ok {
				gqlErr.Extensions["code"] = codeBadInput
			}
			return gqlErr
		case errs.KindOf(err) == errs.Unavailable:
			// Not a bug of ours, and not one line per field while it
			// lasts: /readyz and the request's log line (code
			// UNAVAILABLE) tell the operator.
			logger.DebugContext(ctx, "database unavailable", "path", gqlErr.Path.String(), "err", err)
			return &gqlerror.Error{Message: UnavailableMessage, Path: gqlErr.Path,
				Extensions: map[string]any{"code": codeUnavailable}}
		case isTimeout(ctx, err):
			return &gqlerror.Error{Message: timeoutMessage, Path: gqlErr.Path,
				Extensions: map[string]any{"code": codeTimeout}}
		case errors.Is(ctx.Err(), context.Canceled):
			// The client went away (or completed its subscription):
			// nobody reads this, and it is no fault of ours. The HTTP
			// edge notes it once per request.
			return &gqlerror.Error{Message: "the client cancelled the request", Path: gqlErr.Path,
				Extensions: map[string]any{"code": codeCancelled}}
		}
		logger.ErrorContext(ctx, "internal error", "path", gqlErr.Path.String(), "err", err)
		return &gqlerror.Error{Message: "internal error", Path: gqlErr.Path, Locations: gqlErr.Locations,
			Extensions: map[string]any{"code": codeInternal}}
	}
}

// userErrors splits a mutation's error: what the caller can fix (bad
// input, a missing entity, a stale version) becomes userErrors in the
// payload, with the field as a path in the input; missing rights and
// internal errors stay top-level errors.
func userErrors(err error) ([]model.UserError, error) {
	var e *errs.Error
	if errors.As(err, &e) {
		switch e.Kind {
		case errs.Invalid, errs.NotFound, errs.Conflict:
			return []model.UserError{{Field: optStr(inputPath(e.Field)), Message: e.Message, Code: kindCodes[e.Kind]}}, nil
		}
	}
	return nil, err
}

const timeoutMessage = "the request took too long and was cancelled"

// answerTimeout answers TIMEOUT to a query or mutation whose deadline
// passed before it began to run: gqlgen then returns no response at all,
// and the transport writes a bare null with status 200.
func answerTimeout(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	respond := next(ctx)
	if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
		// A subscription ends its stream with nil.
		return respond
	}
	answered := false
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if resp == nil && !answered && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			resp = &graphql.Response{Errors: gqlerror.List{{Message: timeoutMessage, Extensions: map[string]any{"code": codeTimeout}}}}
		}
		answered = true
		return resp
	}
}

// isTimeout tells whether err comes from running out of time: the
// request's deadline passed, or the store says a statement was cancelled
// (PostgreSQL's statement_timeout).
func isTimeout(ctx context.Context, err error) bool {
	return errs.KindOf(err) == errs.Timeout || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// recoverPanic turns a resolver panic into an internal error, logged with
// its value.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", v)
		return errors.New("panic") // shown as "internal error"
	}
}
