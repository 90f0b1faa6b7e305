// Package model holds the GraphQL types that are not domain types:
// connections and the types gqlgen generates into models_gen.go.
package model

import (
	"context"

	"tthc/internal/catalog"
	"tthc/internal/page"
)

// Node is any entity with a global ID. The generated code resolves the
// concrete type with a type switch, so domain types need no marker method.
type Node any

// Counter counts the rows of a connection when the client asks for
// totalCount, and only then.
type Counter func(ctx context.Context) (int, error)

// ProcedureConnection is a page of procedures.
type ProcedureConnection struct {
	Page  page.Page[catalog.Procedure]
	Count Counter
}

func (c ProcedureConnection) Edges() []ProcedureEdge {
	out := make([]ProcedureEdge, len(c.Page.Edges))
	for i, e := range c.Page.Edges {
		out[i] = ProcedureEdge{Cursor: e.Cursor.Encode(), Node: e.Node}
	}
	return out
}

func (c ProcedureConnection) Nodes() []catalog.Procedure { return nodes(c.Page) }
func (c ProcedureConnection) PageInfo() PageInfo         { return pageInfo(c.Page) }
func (c ProcedureConnection) TotalCount(ctx context.Context) (int, error) {
	return c.Count(ctx)
}

// AdministrativeUnitConnection is a page of administrative units.
type AdministrativeUnitConnection struct {
	Page  page.Page[catalog.Unit]
	Count Counter
}

func (c AdministrativeUnitConnection) Edges() []AdministrativeUnitEdge {
	out := make([]AdministrativeUnitEdge, len(c.Page.Edges))
	for i, e := range c.Page.Edges {
		out[i] = AdministrativeUnitEdge{Cursor: e.Cursor.Encode(), Node: e.Node}
	}
	return out
}

func (c AdministrativeUnitConnection) Nodes() []catalog.Unit { return nodes(c.Page) }
func (c AdministrativeUnitConnection) PageInfo() PageInfo    { return pageInfo(c.Page) }
func (c AdministrativeUnitConnection) TotalCount(ctx context.Context) (int, error) {
	return c.Count(ctx)
}

// LegalDocumentConnection is a page of legal documents.
type LegalDocumentConnection struct {
	Page  page.Page[catalog.LegalDocument]
	Count Counter
}

func (c LegalDocumentConnection) Edges() []LegalDocumentEdge {
	out := make([]LegalDocumentEdge, len(c.Page.Edges))
	for i, e := range c.Page.Edges {
		out[i] = LegalDocumentEdge{Cursor: e.Cursor.Encode(), Node: e.Node}
	}
	return out
}

func (c LegalDocumentConnection) Nodes() []catalog.LegalDocument { return nodes(c.Page) }
func (c LegalDocumentConnection) PageInfo() PageInfo             { return pageInfo(c.Page) }
func (c LegalDocumentConnection) TotalCount(ctx context.Context) (int, error) {
	return c.Count(ctx)
}

func nodes[T any](p page.Page[T]) []T {
	out := make([]T, len(p.Edges))
	for i, e := range p.Edges {
		out[i] = e.Node
	}
	return out
}

func pageInfo[T any](p page.Page[T]) PageInfo {
	info := PageInfo{HasNextPage: p.Info.HasNextPage, HasPreviousPage: p.Info.HasPreviousPage}
	if n := len(p.Edges); n > 0 {
		start, end := p.Edges[0].Cursor.Encode(), p.Edges[n-1].Cursor.Encode()
		info.StartCursor, info.EndCursor = &start, &end
	}
	return info
}
