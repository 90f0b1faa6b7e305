package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
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
// row, is what keeps four million rows under a second. An entity's key
// and name are read from its table (lookup) by id. A question without a
// narrowing filter (wide) may have 100,000 groups: there the table is
// joined whole, ranked in the order of the buckets, and the groups sort
// by that rank or, for periods, by the date itself; an index probe per
// group and 100,000 names compared under the database's collation cost
// seconds. A narrow question probes the table per group, which costs
// less than ranking the whole table. All of it is fixed text chosen from
// a whitelist by the API's enum.
type groupDim struct {
	join    string // a join that group needs, if any
	group   string // the value grouped by
	isID    bool   // the value is the entity's id (GroupKey.ID)
	lookup  string // a table joined by id to the value; %s in key and label is then its alias
	key     string // GroupKey.Key from the value; "" for none
	label   string // the label from the value
	byValue bool   // the value sorts as its key (a date)
}

// rankedLookup is table with each row's rank in the order of buckets:
// key (when not "") NULLS LAST, then label, then id; key and label read
// the row through %s.
func rankedLookup(table, key, label string) string {
	order := ""
	if key != "" {
		order = "(" + fmt.Sprintf(key, "x") + ") NULLS LAST, "
	}
	return "(SELECT x.*, row_number() OVER (ORDER BY " + order + "coalesce((" + fmt.Sprintf(label, "x") +
		")::text, ''), x.id) AS rank FROM " + table + " x)"
}

// groupRow is one bucket of a grouped query: its keys and its measures
// (sums of integer columns, exact in an int64).
type groupRow struct {
	keys     []report.GroupKey
	measures []int64
}

// grouped runs "SELECT values, measures FROM from+joins WHERE .. GROUP BY
// values" for the dimensions asked and labels the groups, ordered by key
// and label. A national crossing returns 100,000 buckets: the row buffers
// are reused, and each distinct key, id and label is allocated once and
// shared by the buckets that have it (callers only read them).
func grouped(ctx context.Context, q queryer, dims map[report.Dimension]groupDim, by []report.Dimension,
	from string, w *where, measures []string, wide bool, o groupOrder) ([]groupRow, error) {
	query, err := groupedSQL(dims, by, from, w, measures, wide, o)
	if err != nil {
		return nil, err
	}
	count(ctx)
	rows, err := q.QueryxContext(ctx, query, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keys := make([]sql.RawBytes, len(by))
	ids := make([]sql.NullInt64, len(by))
	labels := make([]sql.RawBytes, len(by))
	ms := make([]int64, len(measures))
	dest := make([]any, 0, 3*len(by)+len(measures))
	for i := range by {
		dest = append(dest, &keys[i], &ids[i], &labels[i])
	}
	for i := range ms {
		dest = append(dest, &ms[i])
	}
	texts := map[string]*string{}
	text := func(b sql.RawBytes) *string {
		if p, ok := texts[string(b)]; ok {
			return p
		}
		s := string(b)
		texts[s] = &s
		return &s
	}
	idPtrs := map[int64]*int64{}
	var out []groupRow
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r := groupRow{keys: make([]report.GroupKey, len(by)), measures: slices.Clone(ms)}
		for i, d := range by {
			k := report.GroupKey{Dimension: d, Label: *text(labels[i])}
			if keys[i] != nil {
				k.Key = text(keys[i])
			}
			if ids[i].Valid {
				p, ok := idPtrs[ids[i].Int64]
				if !ok {
					p = new(int64)
					*p = ids[i].Int64
					idPtrs[*p] = p
				}
				k.ID = p
			}
			r.keys[i] = k
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// groupOrder sorts and cuts the buckets of a grouped query. The zero
// value keeps every bucket in key order.
type groupOrder struct {
	measure string // SQL over the measures g.m0, g.m1... (text) to sort by first; "" for the keys alone
	desc    bool   // the measure (or, without one, the keys) descending
	limit   *int   // how many buckets to keep; nil for all
}

// groupedSQL builds the statement that grouped runs; wide says the
// question has no narrowing filter and may have many groups.
func groupedSQL(dims map[report.Dimension]groupDim, by []report.Dimension, from string, w *where, measures []string, wide bool, o groupOrder) (string, error) {
	if len(by) == 0 {
		return "", errs.Fieldf("groupBy", "name at least one dimension")
	}
	var inner, group, outer, order, joins, lookups []string
	// Keys sort ascending unless the order asked is by key and descending;
	// they also break the ties of a measure.
	keyDir := ""
	if o.desc && o.measure == "" {
		keyDir = " DESC"
	}
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
		key, id, from := "NULL", "NULL", v
		// Buckets sort by key NULLS LAST, then label, then id.
		sort := fmt.Sprintf("k%[1]d%[2]s NULLS LAST, l%[1]d%[2]s, i%[1]d%[2]s NULLS LAST", i, keyDir)
		label := g.label
		switch {
		case g.lookup != "" && !wide:
			probe := func(col string) string {
				return fmt.Sprintf("(SELECT %s FROM %s s WHERE s.id = %s)", fmt.Sprintf(col, "s"), g.lookup, v)
			}
			if g.key != "" {
				key = probe(g.key)
			}
			label = probe(g.label)
		case g.lookup != "":
			from = fmt.Sprintf("t%d", i)
			lookups = append(lookups, fmt.Sprintf("LEFT JOIN %s t%d ON t%d.id = g.v%d", rankedLookup(g.lookup, g.key, g.label), i, i, i))
			// A NULL value has no key and the empty label: last when the
			// entity has a key, else first.
			nulls := "FIRST"
			if g.key != "" {
				nulls = "LAST"
			}
			sort = fmt.Sprintf("t%d.rank%s NULLS %s", i, keyDir, nulls)
		case g.byValue:
			sort = fmt.Sprintf("g.v%d%s NULLS LAST", i, keyDir)
		}
		if g.key != "" && key == "NULL" {
			key = fmt.Sprintf(g.key, from)
		}
		if g.isID {
			id = v
		}
		if label == g.label {
			label = fmt.Sprintf(g.label, from)
		}
		outer = append(outer, fmt.Sprintf("(%s)::text AS k%d, (%s)::bigint AS i%d, coalesce((%s)::text, '') AS l%d",
			key, i, id, i, label, i))
		order = append(order, sort)
	}
	for i, m := range measures {
		inner = append(inner, fmt.Sprintf("(%s)::text AS m%d", m, i))
		outer = append(outer, fmt.Sprintf("g.m%d", i))
	}
	if o.measure != "" {
		dir := " ASC"
		if o.desc {
			dir = " DESC"
		}
		order = append([]string{o.measure + dir + " NULLS LAST"}, order...)
	}
	limit := ""
	if o.limit != nil {
		limit = " LIMIT " + strconv.Itoa(*o.limit)
	}
	return "SELECT " + strings.Join(outer, ", ") + " FROM (SELECT " + strings.Join(inner, ", ") + " FROM " + from + " " +
		strings.Join(joins, " ") + " " + w.sql() + " GROUP BY " + strings.Join(group, ", ") + ") g " +
		strings.Join(lookups, " ") + " ORDER BY " + strings.Join(order, ", ") + limit, nil
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

// periodDims are the time dimensions over a date column holding the
// first day of a month (a CHECK of dossier_stats): grouped by the first
// day of the period, written as 2025-07, 2025-Q3 or 2025. A month groups
// by the column itself, whose statistics tell the planner how many
// groups to expect.
func periodDims(col string) map[report.Dimension]groupDim {
	period := func(trunc, format string) groupDim {
		f := "to_char(%s, '" + format + "')"
		group := "date_trunc('" + trunc + "', " + col + ")::date"
		if trunc == "month" {
			group = col
		}
		return groupDim{group: group, key: f, label: f, byValue: true}
	}
	return map[report.Dimension]groupDim{
		report.ByMonth:   period("month", "YYYY-MM"),
		report.ByQuarter: period("quarter", `YYYY-"Q"Q`),
		report.ByYear:    period("year", "YYYY"),
	}
}

// The entity dimensions, from the column that holds the entity.
func unitDim(col string) groupDim {
	return groupDim{group: col, isID: true, lookup: "administrative_units", label: "%s.name"}
}

func levelDim(col string) groupDim {
	return groupDim{group: col, key: "%s", label: "(SELECT name FROM authority_levels WHERE code = %s)"}
}

var (
	procedureDim = groupDim{group: "d.procedure_id", isID: true, lookup: "procedures", key: "%s.code", label: "%s.name"}
	sectorDim    = groupDim{group: "p.sector_id", isID: true, lookup: "sectors", label: "%s.name"}
)

// dossierSource is a table that dossier statistics can be read from:
// the base table or one of its rollups (migrations/00005 and 00006), with the
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
	// dossierByDesk answers questions that cross units with procedures
	// or sectors over all months (a desk's totals).
	dossierByDesk = dossierSource{
		from: "dossier_unit_procedures d JOIN procedures p ON p.id = d.procedure_id JOIN administrative_units du ON du.id = d.unit_id",
		dims: map[report.Dimension]groupDim{
			report.ByUnit:      unitDim("d.unit_id"),
			report.ByProcedure: procedureDim,
			report.BySector:    sectorDim,
			report.ByLevel:     levelDim("du.level_code"),
		},
		levelCol:  "du.level_code",
		sectorCol: "p.sector_id",
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
// rollup unless the question crosses a unit with a procedure or sector
// and asks for periods too.
func dossierSourceFor(f report.DossierFilter, by []report.Dimension) dossierSource {
	needUnit := f.UnitID != nil || f.WithinUnitCode != "" || slices.Contains(by, report.ByUnit)
	needProcedure := len(f.ProcedureIDs) > 0 || len(f.SectorIDs) > 0 ||
		slices.Contains(by, report.ByProcedure) || slices.Contains(by, report.BySector)
	needPeriod := f.From != nil || f.To != nil ||
		slices.Contains(by, report.ByMonth) || slices.Contains(by, report.ByQuarter) || slices.Contains(by, report.ByYear)
	switch {
	case !needProcedure && !needUnit:
		return dossierByLevel
	case !needProcedure:
		return dossierByUnit
	case !needUnit:
		return dossierByProcedure
	case !needPeriod:
		return dossierByDesk
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

// dossierWide tells whether f leaves the whole country's units and
// procedures in: then a crossing may have 100,000 buckets.
func dossierWide(f report.DossierFilter) bool {
	return f.UnitID == nil && f.WithinUnitCode == "" && len(f.ProcedureIDs) == 0 && len(f.SectorIDs) == 0
}

// dossierSort is the SQL of each order of dossier buckets over the
// measures of dossierStatsQuery (received, received online, resolved on
// time, resolved late, pending). Rates divide in numeric, exact enough
// that equal fractions tie; a bucket without a rate sorts last.
var dossierSort = map[report.DossierOrderField]string{
	report.DossierByReceived:     "g.m0::bigint",
	report.DossierByPending:      "g.m4::bigint",
	report.DossierByResolvedLate: "g.m3::bigint",
	report.DossierByOnTimeRate:   "g.m2::numeric / NULLIF(g.m2::numeric + g.m3::numeric, 0)",
	report.DossierByLateRate:     "g.m3::numeric / NULLIF(g.m2::numeric + g.m3::numeric, 0)",
	report.DossierByOnlineRate:   "g.m1::numeric / NULLIF(g.m0::numeric, 0)",
}

// DossierStats sums one-stop desk statistics by the dimensions asked,
// sorted by o (the keys by default) and cut to first (nil: all).
func (d *DB) DossierStats(ctx context.Context, f report.DossierFilter, by []report.Dimension, o report.DossierOrder, first *int) ([]report.DossierBucket, error) {
	g := groupOrder{measure: dossierSort[o.Field], desc: o.Desc, limit: first}
	if g.measure == "" && o.Field != "" && o.Field != report.DossierByKey {
		return nil, errs.Fieldf("orderBy", "unknown ordering %q", o.Field)
	}
	return d.dossierStats(ctx, f, by, true, g)
}

// dossierStats reads the smallest source that answers when rollups is
// true, else the base table (tests and benchmarks compare the two).
func (d *DB) dossierStats(ctx context.Context, f report.DossierFilter, by []report.Dimension, rollups bool, o groupOrder) ([]report.DossierBucket, error) {
	src, w, measures := dossierStatsQuery(f, by, rollups)
	rows, err := grouped(ctx, d.db, src.dims, by, src.from, w, measures, dossierWide(f), o)
	if err != nil {
		return nil, err
	}
	out := make([]report.DossierBucket, len(rows))
	for i, r := range rows {
		n := r.measures
		out[i] = report.DossierBucket{Group: r.keys, Received: int(n[0]), ReceivedOnline: int(n[1]), ResolvedOnTime: int(n[2]),
			ResolvedLate: int(n[3]), Pending: int(n[4])}
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
	rows, err := grouped(ctx, d.db, legalDocumentDims, by, "legal_documents l", legalDocumentWhere(f), []string{"count(*)"}, false, groupOrder{})
	if err != nil {
		return nil, err
	}
	out := make([]report.LegalDocumentBucket, len(rows))
	for i, r := range rows {
		out[i] = report.LegalDocumentBucket{Group: r.keys}
		out[i].Count = int(r.measures[0])
	}
	return out, nil
}
