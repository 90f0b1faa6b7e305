package postgres

import (
	"context"
	"fmt"

	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/report"
)

// CatalogStats counts the procedures matching f in each group of dim
// (catalogDims), largest first, ties by key. A procedure in several
// groups (several levels or agencies) counts once in each; an agency
// counts a procedure once even when it plays several roles in it.
func (d *DB) CatalogStats(ctx context.Context, f catalog.ProcedureFilter, dim catalog.Dimension) ([]catalog.StatBucket, error) {
	g, ok := catalogDims[dim]
	if !ok {
		return nil, errs.Fieldf("groupBy", "unknown dimension %q", dim)
	}
	q := groupedQuery{
		from:     "procedures p",
		where:    procedureWhere(f),
		by:       []report.Dimension{report.Dimension(dim)},
		dims:     []dimension{g},
		measures: []measure{{"procedures", "count(DISTINCT p.id)"}},
		// Without a search, a unit's catalog or a legal document, every
		// unit or agency of the country may come.
		wide:  f.Search == "" && f.UnitID == nil && f.LegalDocumentID == nil,
		order: groupOrder{measure: "g.procedures", desc: true},
	}
	out := []catalog.StatBucket{}
	var n int
	_, err := q.run(ctx, d.db, []any{&n}, func(group []report.GroupKey, _ bool) {
		k := group[0]
		out = append(out, catalog.StatBucket{Dimension: dim, Key: k.Key, ID: k.ID, Label: k.Label, Count: n})
	})
	if err != nil {
		return nil, fmt.Errorf("catalog stats by %s: %w", dim, err)
	}
	return out, nil
}
