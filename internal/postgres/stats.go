package postgres

import (
	"context"

	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// catalogDimensions maps each dimension to the join that yields its groups
// and the key and label of a group. Each is fixed SQL: the API's enum picks
// one, user text never reaches it.
var catalogDimensions = map[catalog.Dimension]struct {
	join, key, id, label, group string
}{
	catalog.DimensionLevel: {
		join: `JOIN procedure_levels pl ON pl.procedure_id = p.id JOIN authority_levels g ON g.code = pl.level_code`,
		key:  `g.code`, id: `NULL::bigint`, label: `g.name`, group: `g.code, g.name`,
	},
	catalog.DimensionSector: {
		join: `LEFT JOIN sectors g ON g.id = p.sector_id`,
		key:  `NULL::text`, id: `g.id`, label: `coalesce(g.name, '')`, group: `g.id, g.name`,
	},
	catalog.DimensionAgency: {
		join: `JOIN procedure_agencies pa ON pa.procedure_id = p.id JOIN agencies g ON g.id = pa.agency_id`,
		key:  `NULL::text`, id: `g.id`, label: `g.name`, group: `g.id, g.name`,
	},
	catalog.DimensionUnit: {
		join: `JOIN unit_procedures up ON up.procedure_id = p.id JOIN administrative_units g ON g.id = up.unit_id`,
		key:  `NULL::text`, id: `g.id`, label: `g.name`, group: `g.id, g.name`,
	},
}

// CatalogStats counts the procedures matching f in each group of dim,
// largest first. A procedure in several groups (several levels or
// agencies) counts once in each; an agency counts a procedure once even
// when it plays several roles in it.
func (d *DB) CatalogStats(ctx context.Context, f catalog.ProcedureFilter, dim catalog.Dimension) ([]catalog.StatBucket, error) {
	g, ok := catalogDimensions[dim]
	if !ok {
		return nil, errs.Fieldf("groupBy", "unknown dimension %q", dim)
	}
	w := procedureWhere(f)
	var rows []struct {
		Key   *string `db:"key"`
		ID    *int64  `db:"id"`
		Label string  `db:"label"`
		Count int     `db:"count"`
	}
	q := `SELECT ` + g.key + ` AS key, ` + g.id + ` AS id, ` + g.label + ` AS label, count(DISTINCT p.id) AS count
		FROM procedures p ` + g.join + ` ` + w.sql() + `
		GROUP BY ` + g.group + ` ORDER BY count DESC, label`
	if err := sel(ctx, d.db, &rows, q, w.args...); err != nil {
		return nil, err
	}
	out := make([]catalog.StatBucket, len(rows))
	for i, r := range rows {
		out[i] = catalog.StatBucket{Dimension: dim, Key: r.Key, ID: r.ID, Label: r.Label, Count: r.Count}
	}
	return out, nil
}
