package graph

import (
	"context"
	"math"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tthc/internal/auth"
	"tthc/internal/ratelimit"
	"tthc/internal/telemetry"
)

// codeRateLimited refuses an operation whose caller spent their budget
// (HTTP 429 with Retry-After).
const codeRateLimited = "RATE_LIMITED"

// RateLimit charges each operation, over HTTP or a WebSocket, its
// computed cost (the complexity the complexity limit counted; at least 1)
// to its caller's budget: an authenticated caller's, per token subject,
// or an anonymous caller's, per client address. A caller whose budget
// holds less than the cost is refused with RATE_LIMITED until it refills.
// It must come after the complexity limit.
type RateLimit struct {
	// Anonymous and Authenticated are the two budgets; nil is no limit.
	Anonymous, Authenticated *ratelimit.Limiter
	Metrics                  *telemetry.Metrics
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = RateLimit{}

func (RateLimit) ExtensionName() string                   { return "RateLimit" }
func (RateLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l RateLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	budget, limiter, key := "anonymous", l.Anonymous, "ip:"+telemetry.Client(ctx).String()
	if a, err := auth.FromContext(ctx); err == nil {
		budget, limiter, key = "authenticated", l.Authenticated, "sub:"+a.Subject
	}
	if limiter == nil {
		return nil
	}
	cost := 1
	if stats := extension.GetComplexityStats(ctx); stats != nil {
		cost = stats.Complexity
	}
	d := limiter.Charge(key, cost, time.Now())
	req := telemetry.RequestFrom(ctx)
	if req != nil {
		req.RateLimit = &d
	}
	if d.Allowed {
		l.Metrics.ObserveRateLimit(budget, d.Cost, false)
		return nil
	}
	l.Metrics.ObserveRateLimit(budget, 0, true)
	if req != nil {
		// Before the transport writes the status, which this code sets.
		req.Code = codeRateLimited
	}
	retry := int(math.Ceil(d.RetryAfter.Seconds()))
	err := gqlerror.Errorf("rate limit exceeded: this operation costs %d points and the %s budget has %d of %d left; retry in %d s",
		d.Cost, budget, d.Remaining, d.Limit, retry)
	err.Extensions = map[string]any{"code": codeRateLimited, "cost": d.Cost, "limit": d.Limit,
		"remaining": d.Remaining, "retryAfter": retry}
	return err
}

func init() {
	// A refused operation is a request error: no data (HTTP 429 is set by
	// the HTTP edge from the code).
	errcode.RegisterErrorType(codeRateLimited, errcode.KindProtocol)
}
