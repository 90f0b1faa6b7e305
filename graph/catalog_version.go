package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tthc/internal/auth"
	"tthc/internal/cache"
)

// VersionSource is what this instance knows of the catalog version
// (cache.Versions).
type VersionSource interface {
	// Current returns the newest version known, and whether it can be
	// trusted.
	Current() (int64, bool)
	// Observe records a version read from the database.
	Observe(v int64)
}

// readVersionFirst starts every query: an anonymous one is routed to the
// database that serves public reads (a replica, when there is one), and
// the catalog version is read there before any data when the query asks
// for catalogVersion or the HTTP edge will label its response (cache.
// Request). Under READ COMMITTED every later statement sees at least that
// version, so the label is never newer than the data.
func (r *Resolver) readVersionFirst(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Query {
		return next(ctx)
	}
	req := cache.RequestFrom(ctx)
	need := (req != nil && req.WantLabel) || selects(op, "catalogVersion")
	var (
		version int64
		err     error
	)
	if auth.Anonymous(ctx) {
		var known int64
		if r.Versions != nil {
			known, _ = r.Versions.Current()
		}
		ctx, version, err = r.Store.BeginPublicRead(ctx, known, need)
	} else if need {
		version, err = r.Store.CatalogVersion(ctx)
	}
	if err != nil {
		if req != nil {
			req.Failed()
		}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{presentError(r.Logger)(ctx, err)}})
	}
	if version != 0 {
		ctx = cache.WithVersion(ctx, version)
		if r.Versions != nil {
			r.Versions.Observe(version)
		}
	}
	if req != nil {
		req.Ran(version)
	}
	respond := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if req != nil && (resp == nil || len(resp.Errors) > 0) {
			req.Failed()
		}
		return resp
	}
}

// selects tells whether the operation selects a top-level field.
func selects(op *graphql.OperationContext, field string) bool {
	for _, f := range graphql.CollectFields(op, op.Operation.SelectionSet, []string{"Query"}) {
		if f.Name == field {
			return true
		}
	}
	return false
}
