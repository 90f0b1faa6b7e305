// Package model holds the GraphQL types that are not domain types:
// connections and the types gqlgen generates into models_gen.go.
package model

import (
	"context"

	"tthc/internal/catalog"
	"tthc/internal/page"
	"tthc/internal/proposal"
)

// Node is any entity with a global ID. The generated code resolves the
// concrete type with a type switch, so domain types need no marker method.
type Node any

// Counter counts the rows of a connection when the client asks for
// totalCount, and only then.
type Counter func(ctx context.Context) (int, error)

// Connection is a page of T: every XConnection type of the schema is one
// (gqlgen.yml binds them to the aliases below). graph builds them all with
// one function, which records the rows for batching.
type Connection[T any] struct {
	Page  page.Page[T]
	Count Counter
}

// Edge is a row of a Connection with its cursor.
type Edge[T any] struct {
	Cursor string
	Node   T
}

type (
	ProcedureConnection          = Connection[catalog.Procedure]
	ProcedureEdge                = Edge[catalog.Procedure]
	AdministrativeUnitConnection = Connection[catalog.Unit]
	AdministrativeUnitEdge       = Edge[catalog.Unit]
	LegalDocumentConnection      = Connection[catalog.LegalDocument]
	LegalDocumentEdge            = Edge[catalog.LegalDocument]
	ProposalConnection           = Connection[proposal.Proposal]
	ProposalEdge                 = Edge[proposal.Proposal]
)

func (c Connection[T]) Edges() []Edge[T] {
	out := make([]Edge[T], len(c.Page.Edges))
	for i, e := range c.Page.Edges {
		out[i] = Edge[T]{Cursor: e.Cursor.Encode(), Node: e.Node}
	}
	return out
}

func (c Connection[T]) Nodes() []T {
	out := make([]T, len(c.Page.Edges))
	for i, e := range c.Page.Edges {
		out[i] = e.Node
	}
	return out
}

func (c Connection[T]) PageInfo() PageInfo {
	info := PageInfo{HasNextPage: c.Page.Info.HasNextPage, HasPreviousPage: c.Page.Info.HasPreviousPage}
	if n := len(c.Page.Edges); n > 0 {
		start, end := c.Page.Edges[0].Cursor.Encode(), c.Page.Edges[n-1].Cursor.Encode()
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info
}

func (c Connection[T]) TotalCount(ctx context.Context) (int, error) { return c.Count(ctx) }
