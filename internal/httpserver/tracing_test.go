package httpserver_test

import (
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"tthc/internal/httpserver"
	"tthc/internal/telemetry"
	"tthc/internal/testdb"
)

// TestTracing checks the spans of an operation when tracing is on: one
// for the operation, named by its type and name, with a child span per
// SQL statement.
func TestTracing(t *testing.T) {
	a := newAPI(t, testdb.New(t), httpserver.Config{})
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer telemetry.UseTracerProvider(tp)()

	a.query(t, `query Sectors { sectors { id name } }`, nil, nil)
	spans := exporter.GetSpans()
	var op *tracetest.SpanStub
	for i := range spans {
		if spans[i].Name == "query Sectors" {
			op = &spans[i]
		}
	}
	if op == nil {
		t.Fatalf("no span for the operation among %d", len(spans))
	}
	sql := 0
	for _, s := range spans {
		if s.Name == "SELECT" && s.Parent.SpanID() == op.SpanContext.SpanID() {
			sql++
			if s.SpanKind.String() != "client" {
				t.Errorf("SQL span kind %s", s.SpanKind)
			}
		}
	}
	if sql == 0 {
		t.Errorf("no SQL span under the operation's: %+v", spans)
	}
	found := map[string]string{}
	for _, kv := range op.Attributes {
		found[string(kv.Key)] = kv.Value.Emit()
	}
	if found["graphql.operation.name"] != "Sectors" || found["graphql.operation.type"] != "query" || found["graphql.error.code"] != "OK" {
		t.Errorf("operation span attributes: %v", found)
	}
}

// TestNoTracingByDefault checks that without a provider (no
// OTEL_EXPORTER_OTLP_ENDPOINT) nothing is recorded.
func TestNoTracingByDefault(t *testing.T) {
	if telemetry.Tracing() {
		t.Fatal("tracing is on though no provider was installed")
	}
}
