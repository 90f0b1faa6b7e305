package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"tthc/graph"
	"tthc/internal/httpserver"
)

// opsConfig is what operators set to watch the server:
//
//	LOG_FORMAT    text (default: key=value lines) or json (one JSON object
//	              a line, for log shippers)
//	METRICS_ADDR  serve /metrics on a listener of its own at this address
//	              (e.g. 127.0.0.1:9090) instead of on the API's port
//	RATE_LIMIT_ANONYMOUS      cost points a client address may spend a
//	                          minute without a token (default 60000); off
//	RATE_LIMIT_AUTHENTICATED  cost points a token subject may spend a
//	                          minute (default 300000); off
//	OTEL_EXPORTER_OTLP_ENDPOINT  send OpenTelemetry traces over OTLP/HTTP
//	                          to this collector (with the other standard
//	                          OTEL_EXPORTER_OTLP_* variables); unset: no
//	                          tracing
//	TRUSTED_DOCUMENTS  a manifest of trusted documents (JSON: id to
//	                   document): only those run
//	INTROSPECTION      on or off (default on; off with TRUSTED_DOCUMENTS)
//	GRAPHIQL           on or off (default on; off with TRUSTED_DOCUMENTS)
type opsConfig struct {
	LogFormat   string
	MetricsAddr string
	// RateLimitAnonymous and RateLimitAuthenticated are 0 when off.
	RateLimitAnonymous     int
	RateLimitAuthenticated int
	// OTLPEndpoint turns tracing on.
	OTLPEndpoint string
	// TrustedDocumentsFile, when set, is the manifest of the only
	// operations that run.
	TrustedDocumentsFile    string
	Introspection, GraphiQL bool
}

func loadOpsConfig(getenv func(string) string) (opsConfig, error) {
	c := opsConfig{LogFormat: "text", MetricsAddr: getenv("METRICS_ADDR"),
		RateLimitAnonymous: 60_000, RateLimitAuthenticated: 300_000,
		OTLPEndpoint: cmp.Or(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))}
	var errs []error
	if v := getenv("LOG_FORMAT"); v != "" {
		c.LogFormat = v
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT must be text or json, got %q", c.LogFormat))
	}
	budget := func(name string, dst *int) {
		switch v := getenv(name); v {
		case "":
		case "off":
			*dst = 0
		default:
			n, err := strconv.Atoi(v)
			if err != nil || n < limitPointsFloor {
				errs = append(errs, fmt.Errorf("%s must be off or a number of points of at least %d (one operation may cost that much), got %q", name, limitPointsFloor, v))
			}
			*dst = n
		}
	}
	c.TrustedDocumentsFile = getenv("TRUSTED_DOCUMENTS")
	// A front end built with its documents needs neither the schema nor
	// GraphiQL: off unless asked for.
	c.Introspection, c.GraphiQL = c.TrustedDocumentsFile == "", c.TrustedDocumentsFile == ""
	onOff := func(name string, dst *bool) {
		switch v := getenv(name); v {
		case "":
		case "on":
			*dst = true
		case "off":
			*dst = false
		default:
			errs = append(errs, fmt.Errorf("%s must be on or off, got %q", name, v))
		}
	}
	onOff("INTROSPECTION", &c.Introspection)
	onOff("GRAPHIQL", &c.GraphiQL)
	budget("RATE_LIMIT_ANONYMOUS", &c.RateLimitAnonymous)
	budget("RATE_LIMIT_AUTHENTICATED", &c.RateLimitAuthenticated)
	return c, errors.Join(errs...)
}

// limitPointsFloor is the smallest budget: the most an operation may cost.
const limitPointsFloor = graph.MaxComplexity

// newLogger returns the logger of every command: text or JSON on w, each
// line made with a request's context carrying its request id.
func newLogger(format string, level slog.Level, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(httpserver.LogHandler{Handler: h})
}

// configAttrs lists every setting of c for the startup line, by field
// name, with secrets masked: byte slices (keys, secrets) show only whether
// they are set, fields named like a secret likewise, and URLs lose their
// password. It walks the struct, so a new setting is logged without
// anyone remembering to add it here.
func configAttrs(c any) []any {
	var attrs []any
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() {
				continue
			}
			name := prefix + f.Name
			switch {
			case fv.Kind() == reflect.Struct && f.Type.PkgPath() != "time":
				walk(name+".", fv)
			case fv.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Uint8,
				fv.Kind() == reflect.String && secretName(f.Name):
				attrs = append(attrs, slog.Bool(name+"Set", fv.Len() > 0))
			case f.Type == reflect.TypeFor[time.Duration]():
				attrs = append(attrs, slog.String(name, fv.Interface().(time.Duration).String()))
			case fv.Kind() == reflect.String && strings.Contains(fv.String(), "://"):
				attrs = append(attrs, slog.String(name, redactURL(fv.String())))
			default:
				attrs = append(attrs, slog.Any(name, fv.Interface()))
			}
		}
	}
	walk("", reflect.ValueOf(c))
	return attrs
}

// secretName tells whether a setting's name says it holds a secret.
func secretName(name string) bool {
	name = strings.ToLower(name)
	for _, s := range []string{"secret", "password", "token", "key"} {
		if strings.Contains(name, s) && !strings.HasSuffix(name, "file") {
			return true
		}
	}
	return false
}

// redactURL hides the password of a URL, and the whole value when it does
// not parse (it might be a password itself).
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
