package graph

import (
	"context"

	"tthc/graph/model"
	"tthc/internal/page"
)

// connection turns a page of rows into a GraphQL connection; every list
// of the API is built here. listed records the rows as listed together,
// so that a part they all show (a procedure's channels, a unit's parent)
// is fetched for the whole page in one statement (batch.go); a list whose
// rows have nothing to batch passes nothingToBatch. count counts every
// matching row and runs only when the client asks for totalCount, unless
// the store counted them with the page.
func connection[T any](ctx context.Context, p page.Page[T], listed func(*Loaders, []T), count model.Counter) model.Connection[T] {
	rows := make([]T, len(p.Edges))
	for i, e := range p.Edges {
		rows[i] = e.Node
	}
	listed(loadersFrom(ctx), rows)
	if p.Total != nil {
		total := *p.Total
		count = func(context.Context) (int, error) { return total, nil }
	}
	return model.Connection[T]{Page: p, Count: count}
}

// nothingToBatch is the listed function of rows whose fields need no
// further statement, or a statement per row by nature (a connection).
func nothingToBatch[T any](*Loaders, []T) {}
