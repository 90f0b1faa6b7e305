package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// procedureLongTexts are the fields of Procedure read from the long text
// columns that a summary page leaves empty (page.Args.Summary).
var procedureLongTexts = map[string]bool{"steps": true, "requirements": true, "result": true, "rawText": true}

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

func selectsLongText(oc *graphql.OperationContext, sel ast.SelectionSet) bool {
	for _, f := range graphql.CollectFields(oc, sel, []string{"Procedure", "Node"}) {
		if procedureLongTexts[f.Name] {
			return true
		}
	}
	return false
}
