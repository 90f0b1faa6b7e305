package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/lib/pq"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tthc/internal/errs"
)

// Codes the edge adds to the domain's (errs). Parse and validation errors
// keep gqlgen's GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED, and
// the complexity limit its COMPLEXITY_LIMIT_EXCEEDED.
const (
	codeTimeout    = "TIMEOUT"
	codeCancelled  = "CANCELLED" // seen by nobody: the client is gone
	codeTooDeep    = "DEPTH_LIMIT_EXCEEDED"
	codeTooComplex = "COMPLEXITY_LIMIT_EXCEEDED" // set by gqlgen
	codeTooLarge   = "PAYLOAD_TOO_LARGE"
	codeBadMethod  = "METHOD_NOT_ALLOWED"
)

// presentError gives every error a stable extensions.code. Errors the
// caller can act on keep their message; anything else is logged and shown
// as "internal error", so no SQL or stack ever reaches a client.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var appErr *errs.Error
		switch {
		case errors.As(err, &appErr):
			out := &gqlerror.Error{Message: appErr.Message, Path: gqlErr.Path, Locations: gqlErr.Locations}
			out.Extensions = map[string]any{"code": appErr.Code}
			if appErr.Field != "" {
				out.Extensions["field"] = appErr.Field
			}
			return out
		case gqlErr.Err == nil:
			// An error of the GraphQL layer itself: parse, validation,
			// limits. Its message is meant for the client.
			if gqlErr.Extensions == nil {
				gqlErr.Extensions = map[string]any{}
			}
			if _, ok := gqlErr.Extensions["code"]; !ok {
				gqlErr.Extensions["code"] = errs.Invalid
			}
			return gqlErr
		case isTimeout(err):
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
			Extensions: map[string]any{"code": errs.Internal}}
	}
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

// isTimeout tells whether err comes from the request deadline or from
// PostgreSQL's statement_timeout.
func isTimeout(err error) bool {
	var pqErr *pq.Error
	return errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &pqErr) && pqErr.Code == "57014") // query_canceled
}

// recoverPanic turns a resolver panic into an internal error, logged with
// its value.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver", "panic", v)
		return errors.New("panic") // shown as "internal error"
	}
}
