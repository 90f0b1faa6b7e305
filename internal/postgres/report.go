package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"

	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/report"
)

// groupDim is how one grouping dimension reads in SQL: an optional join
// and the expressions of its key (text), id (bigint) and label. All of it
// is fixed text chosen from a whitelist by the API's enum.
type groupDim struct {
	join  string
	key   string
	id    string
	label string
}

// groupRow is one bucket of a grouped query: its keys and its measures as
// text (exact numbers; the caller converts).
type groupRow struct {
	keys     []report.GroupKey
	measures []string
}

// grouped runs "SELECT keys, measures FROM from+joins WHERE .. GROUP BY
// keys" for the dimensions asked, ordered by the labels.
func grouped(ctx context.Context, q queryer, dims map[report.Dimension]groupDim, by []report.Dimension,
	from string, w *where, measures []string) ([]groupRow, error) {
	query, err := groupedSQL(dims, by, from, w, measures)
	if err != nil {
		return nil, err
	}
	count(ctx)
	rows, err := q.QueryxContext(ctx, query, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []groupRow
	for rows.Next() {
		keys := make([]*string, len(by))
		ids := make([]*int64, len(by))
		labels := make([]string, len(by))
		ms := make([]string, len(measures))
		dest := make([]any, 0, 3*len(by)+len(measures))
		for i := range by {
			dest = append(dest, &keys[i], &ids[i], &labels[i])
		}
		for i := range ms {
			dest = append(dest, &ms[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r := groupRow{measures: ms}
		for i, d := range by {
			r.keys = append(r.keys, report.GroupKey{Dimension: d, Key: keys[i], ID: ids[i], Label: labels[i]})
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// groupedSQL builds the statement that grouped runs.
func groupedSQL(dims map[report.Dimension]groupDim, by []report.Dimension, from string, w *where, measures []string) (string, error) {
	if len(by) == 0 {
		return "", errs.Fieldf("groupBy", "name at least one dimension")
	}
	var sel, group, order, joins []string
	seen := map[report.Dimension]bool{}
	for i, d := range by {
		g, ok := dims[d]
		if !ok {
			return "", errs.Fieldf("groupBy", "cannot group by %s here", d)
		}
		if seen[d] {
			return "", errs.Fieldf("groupBy", "%s is named twice", d)
		}
		seen[d] = true
		if g.join != "" && !contains(joins, g.join) {
			joins = append(joins, g.join)
		}
		sel = append(sel, fmt.Sprintf("(%s)::text AS k%d, (%s)::bigint AS i%d, coalesce((%s)::text, '') AS l%d", g.key, i, g.id, i, g.label, i))
		group = append(group, fmt.Sprintf("k%d, i%d, l%d", i, i, i))
		order = append(order, fmt.Sprintf("k%d NULLS LAST, l%d, i%d NULLS LAST", i, i, i))
	}
	for i, m := range measures {
		sel = append(sel, fmt.Sprintf("(%s)::text AS m%d", m, i))
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM " + from + " " + strings.Join(joins, " ") + " " + w.sql() +
		" GROUP BY " + strings.Join(group, ", ") + " ORDER BY " + strings.Join(order, ", "), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// unitSubtree is a condition that col is the unit $n or a unit under it.
const unitSubtree = `%s IN (SELECT id FROM unit_subtree(%s))`

// periodDims are the time dimensions over a date column.
func periodDims(col string) map[report.Dimension]groupDim {
	return map[report.Dimension]groupDim{
		report.ByMonth:   {key: "to_char(" + col + ", 'YYYY-MM')", id: "NULL", label: "to_char(" + col + ", 'YYYY-MM')"},
		report.ByQuarter: {key: "to_char(" + col + `, 'YYYY-"Q"Q')`, id: "NULL", label: "to_char(" + col + `, 'YYYY-"Q"Q')`},
		report.ByYear:    {key: "to_char(" + col + ", 'YYYY')", id: "NULL", label: "to_char(" + col + ", 'YYYY')"},
	}
}

// dossierSource is a table that dossier statistics can be read from:
// the base table or one of its rollups (migrations/00005), with the
// dimensions it can group by and the columns its filters use.
type dossierSource struct {
	from      string
	dims      map[report.Dimension]groupDim
	levelCol  string // the level of the receiving unit
	sectorCol string
}

var (
	// dossierBase answers everything, crossing units with procedures.
	dossierBase = dossierSource{
		from: "dossier_stats d JOIN procedures p ON p.id = d.procedure_id JOIN administrative_units du ON du.id = d.unit_id",
		dims: func() map[report.Dimension]groupDim {
			m := periodDims("d.period")
			m[report.ByUnit] = groupDim{key: "NULL", id: "du.id", label: "du.name"}
			m[report.ByProcedure] = groupDim{key: "p.code", id: "p.id", label: "p.name"}
			m[report.BySector] = groupDim{join: "LEFT JOIN sectors gs ON gs.id = p.sector_id", key: "NULL", id: "gs.id", label: "gs.name"}
			m[report.ByLevel] = groupDim{join: "JOIN authority_levels gl ON gl.code = du.level_code", key: "gl.code", id: "NULL", label: "gl.name"}
			return m
		}(),
		levelCol:  "du.level_code",
		sectorCol: "p.sector_id",
	}
	// dossierByUnit answers questions about units, levels and periods.
	dossierByUnit = dossierSource{
		from: "dossier_unit_months d JOIN administrative_units du ON du.id = d.unit_id",
		dims: func() map[report.Dimension]groupDim {
			m := periodDims("d.period")
			m[report.ByUnit] = groupDim{key: "NULL", id: "du.id", label: "du.name"}
			m[report.ByLevel] = groupDim{join: "JOIN authority_levels gl ON gl.code = du.level_code", key: "gl.code", id: "NULL", label: "gl.name"}
			return m
		}(),
		levelCol: "du.level_code",
	}
	// dossierByProcedure answers questions about procedures, sectors,
	// levels and periods.
	dossierByProcedure = dossierSource{
		from: "dossier_procedure_months d JOIN procedures p ON p.id = d.procedure_id",
		dims: func() map[report.Dimension]groupDim {
			m := periodDims("d.period")
			m[report.ByProcedure] = groupDim{key: "p.code", id: "p.id", label: "p.name"}
			m[report.BySector] = groupDim{join: "LEFT JOIN sectors gs ON gs.id = p.sector_id", key: "NULL", id: "gs.id", label: "gs.name"}
			m[report.ByLevel] = groupDim{join: "JOIN authority_levels gl ON gl.code = d.level_code", key: "gl.code", id: "NULL", label: "gl.name"}
			return m
		}(),
		levelCol:  "d.level_code",
		sectorCol: "p.sector_id",
	}
)

// dossierSourceFor picks the smallest source that answers f and by: a
// rollup unless the question crosses a unit with a procedure or sector.
func dossierSourceFor(f report.DossierFilter, by []report.Dimension) dossierSource {
	needUnit := f.UnitID != nil || f.WithinUnitCode != "" || slices.Contains(by, report.ByUnit)
	needProcedure := len(f.ProcedureIDs) > 0 || len(f.SectorIDs) > 0 ||
		slices.Contains(by, report.ByProcedure) || slices.Contains(by, report.BySector)
	switch {
	case !needProcedure:
		return dossierByUnit
	case !needUnit:
		return dossierByProcedure
	}
	return dossierBase
}

// dossierStatsQuery returns the source, the conditions and the measures
// of a dossier statistics query.
func dossierStatsQuery(f report.DossierFilter, by []report.Dimension) (dossierSource, *where, []string) {
	src := dossierSourceFor(f, by)
	w := &where{}
	if f.UnitID != nil {
		w.add(fmt.Sprintf(unitSubtree, "d.unit_id", "%s"), *f.UnitID)
	}
	if f.WithinUnitCode != "" {
		w.add(`d.unit_id IN (SELECT id FROM unit_subtree(`+actorUnitID+`))`, f.WithinUnitCode)
	}
	if len(f.ProcedureIDs) > 0 {
		w.add(`d.procedure_id = ANY(%s)`, pq.Array(f.ProcedureIDs))
	}
	if len(f.SectorIDs) > 0 {
		w.add(src.sectorCol+` = ANY(%s)`, pq.Array(f.SectorIDs))
	}
	if len(f.Levels) > 0 {
		w.add(src.levelCol+` = ANY(%s)`, pq.Array(f.Levels))
	}
	if f.From != nil {
		w.add(`d.period >= date_trunc('month', %s::date)`, *f.From)
	}
	if f.To != nil {
		w.add(`d.period <= %s::date`, *f.To)
	}
	return src, w, []string{"sum(d.received)", "sum(d.received_online)", "sum(d.resolved_on_time)", "sum(d.resolved_late)", "sum(d.pending)"}
}

// DossierStats sums one-stop desk statistics by the dimensions asked.
func (d *DB) DossierStats(ctx context.Context, f report.DossierFilter, by []report.Dimension) ([]report.DossierBucket, error) {
	src, w, measures := dossierStatsQuery(f, by)
	rows, err := grouped(ctx, d.db, src.dims, by, src.from, w, measures)
	if err != nil {
		return nil, err
	}
	out := make([]report.DossierBucket, len(rows))
	for i, r := range rows {
		n := make([]int, len(r.measures))
		for j, m := range r.measures {
			fmt.Sscan(m, &n[j])
		}
		out[i] = report.DossierBucket{Group: r.keys, Received: n[0], ReceivedOnline: n[1], ResolvedOnTime: n[2], ResolvedLate: n[3], Pending: n[4]}
	}
	return out, nil
}

// The labels of coded values are the Vietnamese words a report shows.
var legalDocumentDims = map[report.Dimension]groupDim{
	report.ByStatus: {key: "l.validity", id: "NULL", label: `CASE l.validity WHEN 'IN_FORCE' THEN 'Còn hiệu lực'
		WHEN 'EXPIRED' THEN 'Hết hiệu lực' WHEN 'PARTLY_EXPIRED' THEN 'Hết hiệu lực một phần'
		WHEN 'SUSPENDED' THEN 'Ngưng hiệu lực' END`},
	report.ByReviewOutcome: {key: "l.review_outcome", id: "NULL", label: `CASE l.review_outcome WHEN 'KEEP' THEN 'Giữ nguyên'
		WHEN 'AMEND' THEN 'Sửa đổi, bổ sung' WHEN 'REPLACE' THEN 'Thay thế' WHEN 'REPEAL' THEN 'Bãi bỏ' END`},
	report.ByType: {key: "l.doc_type", id: "NULL", label: `CASE l.doc_type WHEN 'LAW' THEN 'Luật' WHEN 'ORDINANCE' THEN 'Pháp lệnh'
		WHEN 'RESOLUTION' THEN 'Nghị quyết' WHEN 'DECREE' THEN 'Nghị định' WHEN 'DECISION' THEN 'Quyết định'
		WHEN 'CIRCULAR' THEN 'Thông tư' WHEN 'JOINT_CIRCULAR' THEN 'Thông tư liên tịch' WHEN 'DIRECTIVE' THEN 'Chỉ thị'
		ELSE 'Khác' END`},
	report.ByIssuer: {key: "l.issuer", id: "NULL", label: "l.issuer"},
	report.ByUnit:   {join: "LEFT JOIN administrative_units gu ON gu.id = l.reviewed_by_unit_id", key: "NULL", id: "gu.id", label: "gu.name"},
}

// LegalDocumentStats counts legal documents by the dimensions asked.
func (d *DB) LegalDocumentStats(ctx context.Context, f catalog.LegalDocumentFilter, by []report.Dimension) ([]report.LegalDocumentBucket, error) {
	rows, err := grouped(ctx, d.db, legalDocumentDims, by, "legal_documents l", legalDocumentWhere(f), []string{"count(*)"})
	if err != nil {
		return nil, err
	}
	out := make([]report.LegalDocumentBucket, len(rows))
	for i, r := range rows {
		out[i] = report.LegalDocumentBucket{Group: r.keys}
		fmt.Sscan(r.measures[0], &out[i].Count)
	}
	return out, nil
}
