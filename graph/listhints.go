package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"tthc/internal/catalog"
)

// procedureListHints looks at what the client selected under the
// procedure connection being resolved: summary is true when no procedure
// on it shows a long text, total when it asks for totalCount.
func procedureListHints(ctx context.Context) (summary, total bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil ||
		fc.Field.Definition.Type.Name() != "ProcedureConnection" || !graphql.HasOperationContext(ctx) {
		return false, false // not resolving a procedure connection: no hints
	}
	oc := graphql.GetOperationContext(ctx)
	summary = true
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, []string{"ProcedureConnection"}) {
		switch f.Name {
		case "totalCount":
			total = true
		case "nodes":
			summary = summary && !selectsLongText(oc, f.Selections)
		case "edges":
			for _, e := range graphql.CollectFields(oc, f.Selections, []string{"ProcedureEdge"}) {
				if e.Name == "node" {
					summary = summary && !selectsLongText(oc, e.Selections)
				}
			}
		}
	}
	return summary, total
}

// selectsLongText reports whether a selection on a procedure shows one of
// the long texts that a summary read leaves empty (page.Args.Summary).
func selectsLongText(oc *graphql.OperationContext, sel ast.SelectionSet) bool {
	return textsOf(oc, sel) != catalog.TextFields{}
}

// selectedTexts returns the long texts that the selection of the
// procedure field being resolved shows; every one outside a field.
func selectedTexts(ctx context.Context) catalog.TextFields {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return catalog.AllTexts
	}
	return textsOf(graphql.GetOperationContext(ctx), fc.Field.Selections)
}

// selectedParts returns the parts of a procedure that the selection of
// the procedure field being resolved shows, for the store to read with
// it (catalog.Parts).
func selectedParts(ctx context.Context) catalog.Parts {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return catalog.Parts{}
	}
	var p catalog.Parts
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{"Procedure", "Node"}) {
		switch f.Name {
		case "channels":
			p.Channels = true
		case "documents":
			p.Documents = true
		case "agencies":
			p.Agencies = true
		case "legalDocuments":
			p.LegalDocuments = true
		}
	}
	return p
}

// textsOf returns the long texts that a selection on a procedure shows.
func textsOf(oc *graphql.OperationContext, sel ast.SelectionSet) catalog.TextFields {
	var t catalog.TextFields
	for _, f := range graphql.CollectFields(oc, sel, []string{"Procedure", "Node"}) {
		switch f.Name {
		case "steps":
			t.Steps = true
		case "requirements":
			t.Requirements = true
		case "result":
			t.Result = true
		case "rawText":
			t.RawText = true
		}
	}
	return t
}

// procedureLoader returns the loader, and the store read that feeds it,
// for the procedures of the field being resolved (a proposal's procedure,
// node, nodes): the procedures without their long texts, unless the
// field's selection shows one. Reading the kilobytes of a procedure's
// page text was most of the cost of refetching it by node(id).
func (r *Resolver) procedureLoader(ctx context.Context) (*dataloadgen.Loader[int64, catalog.Procedure], func(context.Context, []int64) ([]catalog.Procedure, error)) {
	l := loadersFrom(ctx)
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) || selectsLongText(graphql.GetOperationContext(ctx), fc.Field.Selections) {
		return l.Procedure, r.Store.ProceduresByIDs
	}
	return l.ProcedureSummary, r.Store.ProcedureSummariesByIDs
}
