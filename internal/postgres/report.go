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

// groupDim is how one grouping dimension reads in SQL. The rows are
// summed by the value of group (an id, a code, a month: cheap to hash),
// then each group gets its key, id and label from that value (%s in key
// and label): formatting and looking names up once a group, not once a
// row, is what keeps four million rows under a second. All of it is fixed
// text chosen from a whitelist by the API's enum.
type groupDim struct {
	join  string // a join that group needs, if any
	group string // the value grouped by
	isID  bool   // the value is the entity's id (GroupKey.ID)
	key   string // GroupKey.Key from the value; "" for none
	label string // the label from the value
}

// groupRow is one bucket of a grouped query: its keys and its measures as
// text (exact numbers; the caller converts).
type groupRow struct {
	keys     []report.GroupKey
	measures []string
}

// grouped runs "SELECT values, measures FROM from+joins WHERE .. GROUP BY
// values" for the dimensions asked and labels the groups, ordered by key
// and label.
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
	var inner, group, outer, order, joins []string
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
		v := fmt.Sprintf("g.v%d", i)
		inner = append(inner, fmt.Sprintf("%s AS v%d", g.group, i))
		group = append(group, fmt.Sprintf("v%d", i))
		key, id := "NULL", "NULL"
		if g.key != "" {
			key = fmt.Sprintf(g.key, v)
		}
		if g.isID {
			id = v
		}
		outer = append(outer, fmt.Sprintf("(%s)::text AS k%d, (%s)::bigint AS i%d, coalesce((%s)::text, '') AS l%d",
			key, i, id, i, fmt.Sprintf(g.label, v), i))
		order = append(order, fmt.Sprintf("k%d NULLS LAST, l%d, i%d NULLS LAST", i, i, i))
	}
	for i, m := range measures {
		inner = append(inner, fmt.Sprintf("(%s)::text AS m%d", m, i))
		outer = append(outer, fmt.Sprintf("g.m%d", i))
	}
	return "SELECT " + strings.Join(outer, ", ") + " FROM (SELECT " + strings.Join(inner, ", ") + " FROM " + from + " " +
		strings.Join(joins, " ") + " " + w.sql() + " GROUP BY " + strings.Join(group, ", ") + ") g ORDER BY " +
		strings.Join(order, ", "), nil
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

// periodDims are the time dimensions over a date column: grouped by the
// first day of the period, written as 2025-07, 2025-Q3 or 2025.
func periodDims(col string) map[report.Dimension]groupDim {
	period := func(trunc, format string) groupDim {
		f := "to_char(%s, '" + format + "')"
		return groupDim{group: "date_trunc('" + trunc + "', " + col + ")::date", key: f, label: f}
	}
	return map[report.Dimension]groupDim{
		report.ByMonth:   period("month", "YYYY-MM"),
		report.ByQuarter: period("quarter", `YYYY-"Q"Q`),
		report.ByYear:    period("year", "YYYY"),
	}
}

// The entity dimensions, from the column that holds the entity.
func unitDim(col string) groupDim {
	return groupDim{group: col, isID: true, label: "(SELECT name FROM administrative_units WHERE id = %s)"}
}

func levelDim(col string) groupDim {
	return groupDim{group: col, key: "%s", label: "(SELECT name FROM authority_levels WHERE code = %s)"}
}

var (
	procedureDim = groupDim{group: "d.procedure_id", isID: true, key: "(SELECT code FROM procedures WHERE id = %s)",
		label: "(SELECT name FROM procedures WHERE id = %s)"}
	sectorDim = groupDim{group: "p.sector_id", isID: true, label: "(SELECT name FROM sectors WHERE id = %s)"}
)

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
			m[report.ByUnit] = unitDim("d.unit_id")
			m[report.ByProcedure] = procedureDim
			m[report.BySector] = sectorDim
			m[report.ByLevel] = levelDim("du.level_code")
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
			m[report.ByUnit] = unitDim("d.unit_id")
			m[report.ByLevel] = levelDim("du.level_code")
			return m
		}(),
		levelCol: "du.level_code",
	}
	// dossierByLevel answers questions about levels and periods.
	dossierByLevel = dossierSource{
		from: "dossier_level_months d",
		dims: func() map[report.Dimension]groupDim {
			m := periodDims("d.period")
			m[report.ByLevel] = levelDim("d.level_code")
			return m
		}(),
		levelCol: "d.level_code",
	}
	// dossierByProcedure answers questions about procedures, sectors,
	// levels and periods.
	dossierByProcedure = dossierSource{
		from: "dossier_procedure_months d JOIN procedures p ON p.id = d.procedure_id",
		dims: func() map[report.Dimension]groupDim {
			m := periodDims("d.period")
			m[report.ByProcedure] = procedureDim
			m[report.BySector] = sectorDim
			m[report.ByLevel] = levelDim("d.level_code")
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
	case !needProcedure && !needUnit:
		return dossierByLevel
	case !needProcedure:
		return dossierByUnit
	case !needUnit:
		return dossierByProcedure
	}
	return dossierBase
}

// dossierStatsQuery returns the source, the conditions and the measures
// of a dossier statistics query: the base table unless rollups.
func dossierStatsQuery(f report.DossierFilter, by []report.Dimension, rollups bool) (dossierSource, *where, []string) {
	src := dossierBase
	if rollups {
		src = dossierSourceFor(f, by)
	}
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
	return d.dossierStats(ctx, f, by, true)
}

// dossierStats reads the smallest source that answers when rollups is
// true, else the base table (tests and benchmarks compare the two).
func (d *DB) dossierStats(ctx context.Context, f report.DossierFilter, by []report.Dimension, rollups bool) ([]report.DossierBucket, error) {
	src, w, measures := dossierStatsQuery(f, by, rollups)
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
	report.ByStatus: {group: "l.validity", key: "%s", label: `CASE %s WHEN 'IN_FORCE' THEN 'Còn hiệu lực'
		WHEN 'EXPIRED' THEN 'Hết hiệu lực' WHEN 'PARTLY_EXPIRED' THEN 'Hết hiệu lực một phần'
		WHEN 'SUSPENDED' THEN 'Ngưng hiệu lực' END`},
	report.ByReviewOutcome: {group: "l.review_outcome", key: "%s", label: `CASE %s WHEN 'KEEP' THEN 'Giữ nguyên'
		WHEN 'AMEND' THEN 'Sửa đổi, bổ sung' WHEN 'REPLACE' THEN 'Thay thế' WHEN 'REPEAL' THEN 'Bãi bỏ' END`},
	report.ByType: {group: "l.doc_type", key: "%s", label: `CASE %s WHEN 'LAW' THEN 'Luật' WHEN 'ORDINANCE' THEN 'Pháp lệnh'
		WHEN 'RESOLUTION' THEN 'Nghị quyết' WHEN 'DECREE' THEN 'Nghị định' WHEN 'DECISION' THEN 'Quyết định'
		WHEN 'CIRCULAR' THEN 'Thông tư' WHEN 'JOINT_CIRCULAR' THEN 'Thông tư liên tịch' WHEN 'DIRECTIVE' THEN 'Chỉ thị'
		ELSE 'Khác' END`},
	report.ByIssuer: {group: "l.issuer", key: "%s", label: "%s"},
	report.ByUnit:   unitDim("l.reviewed_by_unit_id"),
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
