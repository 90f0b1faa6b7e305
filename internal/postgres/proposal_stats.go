package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"tthc/internal/errs"
	"tthc/internal/proposal"
	"tthc/internal/report"
)

// Proposal statistics read one of two sources, both as "facts" f with the
// same columns:
//   - proposal_rollup (migrations/00005 and 00006): a grain of it answers
//     any query whose dimensions and filters all read its key besides
//     status and level (a national dashboard: thousands of rows, not
//     200,000); two grains hold two keys, for the crossings asked of the
//     whole country (sector by submission, unit by kind);
//   - proposals itself, through its indexes, for everything else: a
//     search, a procedure, a date range that is not whole months, or two
//     keys crossed that no grain holds.
// Both give exactly the same buckets; tests compare them.

// The rollup grains (proposal_rollup.grain).
const (
	grainUnit      = "UNIT"
	grainKind      = "KIND"
	grainSector    = "SECTOR"
	grainReviewer  = "REVIEWER"
	grainSubmitted = "SUBMITTED"
	grainDecided   = "DECIDED"
	grainCreated   = "CREATED" // only filtered on: no dimension groups by creation

	grainSectorSubmitted = "SECTOR_SUBMITTED" // sector and month of submission
	grainUnitKind        = "UNIT_KIND"        // proposing unit and kind
)

// crossGrains are the grains holding two keys, by the grains of those
// keys in order.
var crossGrains = map[[2]string]string{
	{grainSector, grainSubmitted}: grainSectorSubmitted,
	{grainKind, grainUnit}:        grainUnitKind,
}

// proposalDim is how one dimension reads over the facts f: the grouped
// expression (an id when isID, else text), the rollup grain holding it (""
// when every grain does), and its label over the grouped row g (%[1]s is
// the key column, %[2]s the id column, %[4]s the row of lookup). An
// entity's name is read from its table (lookup) as for dossiers (see
// groupDim): probed per bucket when a filter narrows the question, else
// joined whole, ranked by name, for the tens of thousands of buckets of a
// national crossing.
type proposalDim struct {
	expr   string
	isID   bool
	grain  string
	lookup string
	label  string
}

func caseLabel[K ~string](labels map[K]string) string {
	var b strings.Builder
	b.WriteString("CASE %[1]s")
	for k, v := range labels {
		fmt.Fprintf(&b, " WHEN %s THEN %s", pq.QuoteLiteral(string(k)), pq.QuoteLiteral(v))
	}
	b.WriteString(" END")
	return b.String()
}

func periodDim(col, format, grain string) proposalDim {
	return proposalDim{expr: "to_char(" + col + ", '" + format + "')", grain: grain, label: "%[1]s"}
}

var proposalDims = map[report.Dimension]proposalDim{
	report.ByStatus:           {expr: "f.status", label: caseLabel(report.StatusLabels)},
	report.ByKind:             {expr: "f.kind", grain: grainKind, label: caseLabel(report.KindLabels)},
	report.ByLevel:            {expr: "f.level_code", label: "(SELECT name FROM authority_levels WHERE code = %[1]s)"},
	report.BySector:           {expr: "f.sector_id", isID: true, grain: grainSector, lookup: "sectors", label: "%[4]s.name"},
	report.ByUnit:             {expr: "f.unit_id", isID: true, grain: grainUnit, lookup: "administrative_units", label: "%[4]s.name"},
	report.ByReviewingUnit:    {expr: "f.reviewing_unit_id", isID: true, grain: grainReviewer, lookup: "administrative_units", label: "%[4]s.name"},
	report.BySubmittedMonth:   periodDim("f.submitted_month", "YYYY-MM", grainSubmitted),
	report.BySubmittedQuarter: periodDim("f.submitted_month", `YYYY-"Q"Q`, grainSubmitted),
	report.BySubmittedYear:    periodDim("f.submitted_month", "YYYY", grainSubmitted),
	report.ByDecidedMonth:     periodDim("f.decided_month", "YYYY-MM", grainDecided),
	report.ByDecidedQuarter:   periodDim("f.decided_month", `YYYY-"Q"Q`, grainDecided),
	report.ByDecidedYear:      periodDim("f.decided_month", "YYYY", grainDecided),
}

// The rollup column that holds each grain's key, under its fact name.
var grainKeys = map[string]string{
	grainUnit:      "r.key_id AS unit_id",
	grainKind:      "r.key_text AS kind",
	grainSector:    "r.key_id AS sector_id",
	grainReviewer:  "r.key_id AS reviewing_unit_id",
	grainSubmitted: "r.key_month AS submitted_month",
	grainDecided:   "r.key_month AS decided_month",
	grainCreated:   "r.key_month AS created_month",

	grainSectorSubmitted: "r.key_id AS sector_id, r.key_month AS submitted_month",
	grainUnitKind:        "r.key_id AS unit_id, r.key_text AS kind",
}

// proposalGrain returns the rollup grain that answers the query exactly,
// or "" when only the proposals table can.
func proposalGrain(v proposal.Visibility, f proposal.Filter, by []report.Dimension) string {
	if len(f.IDs) > 0 || len(f.ProcedureIDs) > 0 || strings.TrimSpace(f.Search) != "" {
		return ""
	}
	need := map[string]bool{}
	for _, d := range by {
		if g := proposalDims[d].grain; g != "" {
			need[g] = true
		}
	}
	if len(f.Kinds) > 0 {
		// The KIND grain holds the proposals having one kind; a proposal
		// with two kinds of a list is in two of its rows.
		if need[grainKind] || len(f.Kinds) > 1 {
			return ""
		}
		need[grainKind] = true
	}
	if len(f.SectorIDs) > 0 {
		need[grainSector] = true
	}
	if f.UnitID != nil {
		need[grainUnit] = true
	}
	if f.ReviewingUnitID != nil {
		need[grainReviewer] = true
	}
	for grain, r := range map[string]proposal.DateRange{grainSubmitted: f.Submitted, grainDecided: f.Decided, grainCreated: f.Created} {
		if r == (proposal.DateRange{}) {
			continue
		}
		if !wholeMonths(r) {
			return ""
		}
		need[grain] = true
	}
	switch {
	case v.All:
	case v.SubtreeOf != "" && v.ReviewedBy != "":
		return ""
	case v.SubtreeOf != "":
		need[grainUnit] = true
	case v.ReviewedBy != "":
		need[grainReviewer] = true
	}
	switch len(need) {
	case 0:
		// Any grain but KIND holds every proposal once; this one is small.
		return grainSubmitted
	case 1:
		for g := range need {
			return g
		}
	case 2:
		keys := slices.Sorted(maps.Keys(need))
		return crossGrains[[2]string{keys[0], keys[1]}]
	}
	return ""
}

// wholeMonths tells whether a range starts on the first of a month and
// ends on the last day of one, so that rollup months cover it exactly.
func wholeMonths(r proposal.DateRange) bool {
	return (r.From == nil || r.From.Day() == 1) && (r.To == nil || r.To.AddDate(0, 0, 1).Day() == 1)
}

// rollupFacts returns the facts of a rollup grain for the visibility and
// filter, which proposalGrain has checked it can answer: each condition
// reads the key column that holds its key in that grain.
func rollupFacts(grain string, v proposal.Visibility, f proposal.Filter) (string, *where) {
	w := &where{}
	w.add(`r.grain = %s`, grain)
	if len(f.Statuses) > 0 {
		w.add(`r.status = ANY(%s)`, pq.Array(f.Statuses))
	}
	if len(f.Levels) > 0 {
		w.add(`r.level_code = ANY(%s)`, pq.Array(f.Levels))
	}
	if len(f.Kinds) == 1 {
		w.add(`r.key_text = %s`, string(f.Kinds[0]))
	}
	if len(f.SectorIDs) > 0 {
		w.add(`r.key_id = ANY(%s)`, pq.Array(f.SectorIDs))
	}
	if f.UnitID != nil {
		w.add(`r.key_id IN (SELECT id FROM unit_subtree(%s))`, *f.UnitID)
	}
	if f.ReviewingUnitID != nil {
		w.add(`r.key_id = %s`, *f.ReviewingUnitID)
	}
	for _, r := range []proposal.DateRange{f.Submitted, f.Decided, f.Created} {
		if r.From != nil {
			w.add(`r.key_month >= %s::date`, r.From.Format("2006-01-02"))
		}
		if r.To != nil {
			w.add(`r.key_month <= %s::date`, r.To.Format("2006-01-02"))
		}
	}
	switch {
	case v.All:
	case v.SubtreeOf != "":
		w.add(`r.key_id IN (SELECT id FROM unit_subtree(`+actorUnitID+`))`, v.SubtreeOf)
	case v.ReviewedBy != "":
		w.add(`r.key_id = `+actorUnitID, v.ReviewedBy)
	default:
		w.conds = append(w.conds, "false")
	}
	cols := []string{"r.status", "r.level_code", grainKeys[grain], "r.proposals AS n", "r.cost_before", "r.cost_after",
		"r.days_before", "r.days_after", "r.documents_before", "r.documents_after"}
	return `SELECT ` + strings.Join(cols, ", ") + ` FROM proposal_rollup r ` + w.sql(), w
}

// baseFacts returns the facts of the proposals table, one row a proposal
// (one a kind of it when grouped by kind), joining units and procedures
// only when a dimension needs them.
func baseFacts(v proposal.Visibility, f proposal.Filter, by []report.Dimension) (string, *where) {
	w := proposalWhere(v, f)
	cols := []string{"pr.status", "pr.proposing_unit_id AS unit_id", "pr.reviewing_unit_id",
		"vn_month(pr.submitted_at) AS submitted_month", "vn_month(pr.decided_at) AS decided_month",
		"1 AS n", "pr.annual_cost_before AS cost_before", "pr.annual_cost_after AS cost_after",
		"pr.before_processing_days AS days_before", "pr.after_processing_days AS days_after",
		"pr.before_documents AS documents_before", "pr.after_documents AS documents_after"}
	from := "proposals pr"
	for _, d := range by {
		switch d {
		case report.ByLevel:
			cols = append(cols, "pu.level_code")
			from += " JOIN administrative_units pu ON pu.id = pr.proposing_unit_id"
		case report.BySector:
			cols = append(cols, "pp.sector_id")
			from += " JOIN procedures pp ON pp.id = pr.procedure_id"
		case report.ByKind:
			cols = append(cols, "k.kind")
			from += " CROSS JOIN LATERAL (SELECT DISTINCT kind FROM unnest(pr.kinds) AS kind) k"
		}
	}
	return `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + from + ` ` + w.sql(), w
}

// unitAtLevel maps every unit to its ancestor (or itself) of level $n:
// the UNIT dimension at a chosen depth of the unit tree.
const unitAtLevel = `WITH RECURSIVE unit_up AS (
		SELECT id, id AS anc, level_code, parent_id, 0 AS depth FROM administrative_units
		UNION ALL
		SELECT unit_up.id, a.id, a.level_code, a.parent_id, unit_up.depth + 1
		FROM unit_up JOIN administrative_units a ON a.id = unit_up.parent_id WHERE unit_up.depth < 16
	), unit_at AS (
		SELECT DISTINCT ON (id) id, anc FROM unit_up WHERE level_code = %s ORDER BY id, depth
	) `

// proposalSort is the sort value of a bucket g for each order field.
var proposalSort = map[report.ProposalStatsOrderField]string{
	report.OrderCount:       "g.n",
	report.OrderCostBefore:  "g.cost_before",
	report.OrderSaving:      "g.cost_before - g.cost_after",
	report.OrderPercentCut:  "(g.cost_before - g.cost_after) / NULLIF(g.cost_before, 0)",
	report.OrderDaysCut:     "(g.days_before - g.days_after) / NULLIF(g.n, 0)",
	report.OrderDocsRemoved: "g.documents_before - g.documents_after",
}

// ProposalStats sums the proposals the actor may read that match the
// query, by its dimensions. Totals count each proposal once.
func (d *DB) ProposalStats(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery) (report.ProposalStats, error) {
	return d.proposalStats(ctx, v, q, true)
}

// proposalStats answers from the rollup when rollups is true and a grain
// answers, else from the proposals table (tests compare the two).
func (d *DB) proposalStats(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery, rollups bool) (report.ProposalStats, error) {
	var out report.ProposalStats
	seen := map[report.Dimension]bool{}
	for _, dim := range q.By {
		if _, ok := proposalDims[dim]; !ok {
			return out, errs.Fieldf("groupBy", "cannot group proposals by %s", dim)
		}
		if seen[dim] {
			return out, errs.Fieldf("groupBy", "%s is named twice", dim)
		}
		seen[dim] = true
	}
	if q.UnitLevel != "" && !seen[report.ByUnit] {
		return out, errs.Fieldf("unitLevel", "unitLevel applies to grouping by UNIT")
	}
	if q.First < 0 || q.First > report.MaxBuckets {
		return out, errs.Fieldf("first", "first must be between 0 and %d", report.MaxBuckets)
	}
	if q.Order.Field != "" && q.Order.Field != report.OrderKey && proposalSort[q.Order.Field] == "" {
		return out, errs.Fieldf("orderBy", "unknown ordering %q", q.Order.Field)
	}
	out.Overlap = seen[report.ByKind]
	if len(q.By) == 0 {
		m, err := d.proposalTotals(ctx, v, q, rollups)
		out.Totals.ProposalMeasures = m
		out.Buckets = []report.ProposalBucket{{Group: []report.GroupKey{}, ProposalMeasures: m}}
		out.BucketCount = 1
		if q.First == 0 {
			out.Buckets = out.Buckets[:0]
		}
		return out, err
	}
	// A proposal with several kinds is in several kind buckets: their
	// grand total would count it more than once, so it is asked apart.
	rows, count, total, err := d.proposalGroups(ctx, v, q, !out.Overlap, rollups)
	if err != nil {
		return out, err
	}
	out.Buckets, out.BucketCount = rows, count
	if out.Overlap {
		m, err := d.proposalTotals(ctx, v, q, rollups)
		if err != nil {
			return out, err
		}
		total = m
	}
	out.Totals = report.ProposalBucket{Group: []report.GroupKey{}, ProposalMeasures: total}
	return out, nil
}

// proposalTotals sums the proposals of q without grouping.
func (d *DB) proposalTotals(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery, rollups bool) (report.ProposalMeasures, error) {
	text, args := proposalTotalsSQL(v, q, rollups)
	var m []string
	if err := get(ctx, d.db, pq.Array(&m), text, args...); err != nil {
		return report.ProposalMeasures{}, err
	}
	return parseMeasures(m)
}

func proposalTotalsSQL(v proposal.Visibility, q report.ProposalStatsQuery, rollups bool) (string, []any) {
	facts, w := proposalFacts(v, q.Filter, nil, rollups)
	return `SELECT ARRAY[` + measureSums("f") + `]::text[] FROM (` + facts + `) f`, w.args
}

// proposalFacts picks the source of the facts: a rollup grain when one
// answers, else the proposals table.
func proposalFacts(v proposal.Visibility, f proposal.Filter, by []report.Dimension, rollups bool) (string, *where) {
	if grain := proposalGrain(v, f, by); grain != "" && rollups {
		return rollupFacts(grain, v, f)
	}
	return baseFacts(v, f, by)
}

// proposalStatsSQL returns the statements ProposalStats runs for q, for
// plan tests.
func proposalStatsSQL(v proposal.Visibility, q report.ProposalStatsQuery) [][]any {
	overlap := slices.Contains(q.By, report.ByKind)
	var out [][]any
	if len(q.By) > 0 {
		text, args := proposalGroupsSQL(v, q, !overlap, true)
		out = append(out, append([]any{text}, args...))
	}
	if len(q.By) == 0 || overlap {
		text, args := proposalTotalsSQL(v, q, true)
		out = append(out, append([]any{text}, args...))
	}
	return out
}

// measureSums are the sums of the measures over facts alias a, as text
// (exact), in the order of parseMeasures.
func measureSums(a string) string {
	var parts []string
	for _, c := range []string{"n", "cost_before", "cost_after", "days_before", "days_after", "documents_before", "documents_after"} {
		parts = append(parts, "coalesce(sum("+a+"."+c+"), 0)::text")
	}
	return strings.Join(parts, ", ")
}

func parseMeasures(m []string) (report.ProposalMeasures, error) {
	var out report.ProposalMeasures
	if len(m) != 7 {
		return out, fmt.Errorf("proposal measures: got %d values", len(m))
	}
	ints := []*int{&out.Count, &out.DocumentsBefore, &out.DocumentsAfter}
	for i, s := range []string{m[0], m[5], m[6]} {
		n, err := strconv.Atoi(s)
		if err != nil {
			return out, fmt.Errorf("proposal measures: %w", err)
		}
		*ints[i] = n
	}
	decs := []*decimal.Decimal{&out.CostBefore, &out.CostAfter, &out.DaysBefore, &out.DaysAfter}
	for i, s := range m[1:5] {
		v, err := decimal.NewFromString(s)
		if err != nil {
			return out, fmt.Errorf("proposal measures: %w", err)
		}
		*decs[i] = v
	}
	return out, nil
}

// proposalGroupsSQL builds the grouped statement: one row a bucket,
// labelled and sorted, with (when withTotal) the grand total first, and
// the number of buckets on every row.
func proposalGroupsSQL(v proposal.Visibility, q report.ProposalStatsQuery, withTotal, rollups bool) (string, []any) {
	facts, w := proposalFacts(v, q.Filter, q.By, rollups)
	f := q.Filter
	wide := v.All && len(f.IDs) == 0 && len(f.ProcedureIDs) == 0 && len(f.SectorIDs) == 0 && f.UnitID == nil &&
		f.ReviewingUnitID == nil && strings.TrimSpace(f.Search) == ""
	// Keys sort ascending, NULL last, unless the order asked is by key
	// and descending; they also break the ties of a measure order.
	dir, keyDir := "ASC", "ASC"
	if q.Order.Desc {
		dir = "DESC"
		if q.Order.Field == "" || q.Order.Field == report.OrderKey {
			keyDir = "DESC"
		}
	}
	prefix, from := "", "("+facts+") f"
	var sel, exprs, labels, order, lookups []string
	for i, dim := range q.By {
		pd := proposalDims[dim]
		expr := pd.expr
		if dim == report.ByUnit && q.UnitLevel != "" {
			prefix = fmt.Sprintf(unitAtLevel, w.arg(q.UnitLevel))
			from += " LEFT JOIN unit_at m ON m.id = f.unit_id"
			expr = "m.anc"
		}
		k, id, t := fmt.Sprintf("g.k%d", i), fmt.Sprintf("g.i%d", i), fmt.Sprintf("t%d", i)
		label := fmt.Sprintf(pd.label, k, id, i, t)
		switch {
		case pd.isID && !wide:
			// Entities sort by label, then id.
			expr = "(" + expr + ")::bigint"
			sel = append(sel, fmt.Sprintf("NULL::text AS k%d, %s AS i%d", i, expr, i))
			label = fmt.Sprintf("(SELECT %s FROM %s s WHERE s.id = %s)", fmt.Sprintf(pd.label, "", "", 0, "s"), pd.lookup, id)
			order = append(order, fmt.Sprintf("%s IS NULL, l%d %s, %s %s", id, i, keyDir, id, keyDir))
		case pd.isID:
			// The rank of the lookup says the same.
			expr = "(" + expr + ")::bigint"
			sel = append(sel, fmt.Sprintf("NULL::text AS k%d, %s AS i%d", i, expr, i))
			lookups = append(lookups, fmt.Sprintf("LEFT JOIN %s %s ON %s.id = %s", rankedLookup(pd.lookup, "", fmt.Sprintf(pd.label, "", "", 0, "%s")), t, t, id))
			order = append(order, fmt.Sprintf("%s IS NULL, %s.rank %s", id, t, keyDir))
		default:
			expr = "(" + expr + ")::text"
			sel = append(sel, fmt.Sprintf("%s AS k%d, NULL::bigint AS i%d", expr, i, i))
			order = append(order, fmt.Sprintf("%s %s NULLS LAST", k, keyDir))
		}
		exprs = append(exprs, expr)
		labels = append(labels, fmt.Sprintf("coalesce((%s)::text, '') AS l%d", label, i))
	}
	group := "GROUP BY " + strings.Join(exprs, ", ")
	totalCol := "false AS total"
	if withTotal {
		group = "GROUP BY GROUPING SETS ((" + strings.Join(exprs, ", ") + "), ())"
		totalCol = "GROUPING(" + exprs[0] + ") = 1 AS total"
	}
	inner := prefix + `SELECT ` + strings.Join(sel, ", ") + `, ` + totalCol + `, count(*) OVER () AS buckets,
		` + measureColumns + `
		FROM ` + from + ` ` + group
	sortCol, sortOrder := "NULL::numeric AS sort", ""
	if s := proposalSort[q.Order.Field]; s != "" {
		sortCol, sortOrder = s+" AS sort", "sort "+dir+" NULLS LAST, "
	}
	limit := q.First
	if withTotal {
		limit++
	}
	text := `SELECT g.*, ` + strings.Join(labels, ", ") + `, ` + sortCol + ` FROM (` + inner + `) g ` + strings.Join(lookups, " ") + `
		ORDER BY g.total DESC, ` + sortOrder + strings.Join(order, ", ") + ` LIMIT ` + strconv.Itoa(limit)
	return text, w.args
}

// measureColumns sums the measures of the facts f, in the column order
// that proposalGroups scans.
const measureColumns = `coalesce(sum(f.n), 0) AS n, coalesce(sum(f.cost_before), 0) AS cost_before,
		coalesce(sum(f.cost_after), 0) AS cost_after, coalesce(sum(f.days_before), 0) AS days_before,
		coalesce(sum(f.days_after), 0) AS days_after, coalesce(sum(f.documents_before), 0) AS documents_before,
		coalesce(sum(f.documents_after), 0) AS documents_after`

// proposalGroups runs the grouped statement and returns the buckets, the
// number of buckets before the limit and the grand total.
func (d *DB) proposalGroups(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery, withTotal, rollups bool) ([]report.ProposalBucket, int, report.ProposalMeasures, error) {
	var total report.ProposalMeasures
	text, args := proposalGroupsSQL(v, q, withTotal, rollups)
	count(ctx)
	rows, err := d.db.QueryxContext(ctx, text, args...)
	if err != nil {
		return nil, 0, total, err
	}
	defer rows.Close()
	n := len(q.By)
	buckets := []report.ProposalBucket{}
	bucketCount := 0
	for rows.Next() {
		keys := make([]*string, n)
		ids := make([]*int64, n)
		labels := make([]string, n)
		m := make([]string, 7)
		var isTotal bool
		var all int
		var sort *string
		dest := make([]any, 0, 3*n+10)
		for i := range n {
			dest = append(dest, &keys[i], &ids[i])
		}
		dest = append(dest, &isTotal, &all)
		for i := range m {
			dest = append(dest, &m[i])
		}
		for i := range n {
			dest = append(dest, &labels[i])
		}
		dest = append(dest, &sort)
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, total, err
		}
		measures, err := parseMeasures(m)
		if err != nil {
			return nil, 0, total, err
		}
		bucketCount = all
		if isTotal {
			total = measures
			continue
		}
		b := report.ProposalBucket{ProposalMeasures: measures}
		for i, dim := range q.By {
			b.Group = append(b.Group, report.GroupKey{Dimension: dim, Key: keys[i], ID: ids[i], Label: labels[i]})
		}
		buckets = append(buckets, b)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, total, err
	}
	if withTotal && bucketCount > 0 {
		bucketCount-- // the total row
	}
	return buckets, bucketCount, total, nil
}
