package telemetry

import (
	"context"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// tracing is on once a provider is installed: StartTracing does it when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Until then no span is even started.
var tracing atomic.Bool

// Tracing tells whether spans are recorded.
func Tracing() bool { return tracing.Load() }

// UseTracerProvider records spans with tp: StartTracing's exporter, or a
// test's in-memory one. restore puts back the provider it replaced.
func UseTracerProvider(tp trace.TracerProvider) (restore func()) {
	old, was := otel.GetTracerProvider(), tracing.Load()
	otel.SetTracerProvider(tp)
	tracing.Store(true)
	return func() {
		otel.SetTracerProvider(old)
		tracing.Store(was)
	}
}

// StartTracing exports spans over OTLP/HTTP to the collector that the
// standard OTEL_EXPORTER_OTLP_* variables name (the exporter reads them:
// endpoint, headers, timeout, TLS), as service tthc, and returns the
// function that flushes the last spans at shutdown and stops tracing.
func StartTracing(ctx context.Context) (shutdown func(context.Context) error, err error) {
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter, sdktrace.WithBatchTimeout(5*time.Second)),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName("tthc"))),
	)
	restore := UseTracerProvider(tp)
	return func(ctx context.Context) error {
		defer restore()
		return tp.Shutdown(ctx)
	}, nil
}

// Tracer is the tracer of the server's spans.
func Tracer() trace.Tracer { return otel.Tracer("tthc") }

// Attribute keys of the spans (OpenTelemetry's semantic conventions
// where they have one).
var (
	AttrOperationName = attribute.Key("graphql.operation.name")
	AttrOperationType = attribute.Key("graphql.operation.type")
	AttrCode          = attribute.Key("graphql.error.code")
	AttrDBSystem      = semconv.DBSystemPostgreSQL
	AttrDBStatement   = attribute.Key("db.query.text")
)
