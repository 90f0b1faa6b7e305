package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"tthc/internal/auth"
	"tthc/internal/telemetry"
)

// Observer records every GraphQL operation, over HTTP or a WebSocket, when
// its first response is ready: its metrics, and what the log line of its
// request shows (name, type, outcome code, cost, caller). The HTTP edge
// writes that line for a request; an operation over a WebSocket is logged
// here, one line each, since its connection is one long request.
type Observer struct {
	Metrics *telemetry.Metrics
	Logger  *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = Observer{}

func (Observer) ExtensionName() string                   { return "Observer" }
func (Observer) Validate(graphql.ExecutableSchema) error { return nil }

// observedKey marks an operation whose first response was recorded: a
// subscription answers many times.
const observedKey = "tthc.observed"

func (o Observer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Stats.GetExtension(observedKey) != nil {
		return resp
	}
	oc.Stats.SetExtension(observedKey, true)

	op := describe(ctx, oc, resp)
	took := time.Since(oc.Stats.OperationStart)
	o.Metrics.ObserveOperation(op.Operation, op.Type, op.Code, took)
	if req := telemetry.RequestFrom(ctx); req != nil {
		req.Operation, req.Type, req.Code, req.Cost, req.Subject = op.Operation, op.Type, op.Code, op.Cost, op.Subject
		return resp
	}
	o.Logger.LogAttrs(ctx, slog.LevelInfo, "operation", slog.String("transport", "websocket"),
		slog.String("operation", op.Operation), slog.String("type", op.Type), slog.String("code", op.Code),
		slog.Int("cost", op.Cost), slog.Duration("duration", took), slog.String("subject", op.Subject))
	return resp
}

// InterceptOperation traces the operation, when tracing is on, as a span
// that the spans of its SQL statements belong to. A subscription's span
// covers its start; each of its events would be a trace of its own.
func (Observer) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if !telemetry.Tracing() {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx).Operation
	name := string(op.Operation)
	if op.Name != "" {
		name += " " + op.Name
	}
	ctx, span := telemetry.Tracer().Start(ctx, name, trace.WithAttributes(
		telemetry.AttrOperationName.String(op.Name), telemetry.AttrOperationType.String(string(op.Operation))))
	respond := next(ctx)
	if op.Operation == ast.Subscription {
		span.End()
		return respond
	}
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if span.IsRecording() {
			if resp != nil {
				code := outcome(resp)
				span.SetAttributes(telemetry.AttrCode.String(code))
				if code != "OK" {
					span.SetStatus(codes.Error, code)
				}
			}
			span.End()
		}
		return resp
	}
}

// describe tells what an operation was and how it ended.
func describe(ctx context.Context, oc *graphql.OperationContext, resp *graphql.Response) telemetry.Request {
	op := telemetry.Request{Operation: oc.OperationName, Code: outcome(resp)}
	if oc.Operation != nil {
		op.Operation = oc.Operation.Name
		op.Type = string(oc.Operation.Operation)
	}
	if stats := extension.GetComplexityStats(ctx); stats != nil {
		op.Cost = stats.Complexity
	}
	if a, err := auth.FromContext(ctx); err == nil {
		op.Subject = a.Subject
	}
	return op
}

// outcome is OK for a response without errors, else the code of its first
// error.
func outcome(resp *graphql.Response) string {
	if len(resp.Errors) == 0 {
		return "OK"
	}
	if code, ok := resp.Errors[0].Extensions["code"].(string); ok {
		return code
	}
	return "ERROR"
}
