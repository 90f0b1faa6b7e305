package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/lib/pq"

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

// The grains of proposal_rollup (its grain column): the key each holds
// besides status and level.
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

// proposalSort is the sort value of a bucket g for each order field.
var proposalSort = map[report.ProposalStatsOrderField]string{
	report.OrderCount:       "g.n",
	report.OrderCostBefore:  "g.cost_before",
	report.OrderSaving:      "g.cost_before - g.cost_after",
	report.OrderPercentCut:  "(g.cost_before - g.cost_after) / NULLIF(g.cost_before, 0)",
	report.OrderDaysCut:     "(g.days_before - g.days_after) / NULLIF(g.n, 0)",
	report.OrderDocsRemoved: "g.documents_before - g.documents_after",
}

// proposalMeasures are the sums of a bucket, scanned by
// proposalMeasuresInto.
var proposalMeasures = []measure{
	{"n", "coalesce(sum(f.n), 0)"},
	{"cost_before", "coalesce(sum(f.cost_before), 0)"},
	{"cost_after", "coalesce(sum(f.cost_after), 0)"},
	{"days_before", "coalesce(sum(f.days_before), 0)"},
	{"days_after", "coalesce(sum(f.days_after), 0)"},
	{"documents_before", "coalesce(sum(f.documents_before), 0)"},
	{"documents_after", "coalesce(sum(f.documents_after), 0)"},
}

func proposalMeasuresInto(m *report.ProposalMeasures) []any {
	return []any{&m.Count, &m.CostBefore, &m.CostAfter, &m.DaysBefore, &m.DaysAfter, &m.DocumentsBefore, &m.DocumentsAfter}
}

// ProposalStats sums the proposals the actor may read that match the
// query, by its dimensions. Totals count each proposal once.
func (d *DB) ProposalStats(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery) (report.ProposalStats, error) {
	return d.proposalStats(ctx, v, q, true)
}

// proposalStats answers from the rollup when rollups is true and a grain
// answers, else from the proposals table (tests compare the two).
func (d *DB) proposalStats(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery, rollups bool) (report.ProposalStats, error) {
	out := report.ProposalStats{Overlap: slices.Contains(q.By, report.ByKind)}
	groups, err := proposalGroupsQuery(v, q, rollups)
	if err != nil {
		return out, fmt.Errorf("proposal stats by %v: %w", q.By, err)
	}
	if len(q.By) == 0 {
		m, err := d.proposalTotals(ctx, v, q, rollups)
		out.Totals.ProposalMeasures = m
		out.Buckets = []report.ProposalBucket{{Group: []report.GroupKey{}, ProposalMeasures: m}}
		out.BucketCount = 1
		if q.First == 0 {
			out.Buckets = out.Buckets[:0]
		}
		if err != nil {
			return out, fmt.Errorf("proposal stats: totals: %w", err)
		}
		return out, nil
	}
	out.Buckets = []report.ProposalBucket{}
	var m, total report.ProposalMeasures
	out.BucketCount, err = groups.run(ctx, d.db, proposalMeasuresInto(&m), func(group []report.GroupKey, isTotal bool) {
		if isTotal {
			total = m
			return
		}
		out.Buckets = append(out.Buckets, report.ProposalBucket{Group: group, ProposalMeasures: m})
	})
	if err != nil {
		return out, fmt.Errorf("proposal stats by %v: %w", q.By, err)
	}
	// A proposal with several kinds is in several kind buckets: their
	// grand total would count it more than once, so it is asked apart.
	if out.Overlap {
		if total, err = d.proposalTotals(ctx, v, q, rollups); err != nil {
			return out, fmt.Errorf("proposal stats by %v: totals: %w", q.By, err)
		}
	}
	out.Totals = report.ProposalBucket{Group: []report.GroupKey{}, ProposalMeasures: total}
	return out, nil
}

// proposalTotals sums the proposals of q without grouping.
func (d *DB) proposalTotals(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery, rollups bool) (report.ProposalMeasures, error) {
	var m report.ProposalMeasures
	_, err := proposalTotalsQuery(v, q, rollups).run(ctx, d.db, proposalMeasuresInto(&m), func([]report.GroupKey, bool) {})
	if err != nil {
		return m, fmt.Errorf("proposal totals: %w", err)
	}
	return m, nil
}

func proposalTotalsQuery(v proposal.Visibility, q report.ProposalStatsQuery, rollups bool) groupedQuery {
	facts, w := proposalFacts(v, q.Filter, nil, rollups)
	return groupedQuery{from: "(" + facts + ") f", where: &where{args: w.args}, measures: proposalMeasures}
}

// proposalGroupsQuery returns the grouped statement of q, with the grand
// total first and the number of buckets.
func proposalGroupsQuery(v proposal.Visibility, q report.ProposalStatsQuery, rollups bool) (groupedQuery, error) {
	dims, err := pickDimensions(proposalDims, q.By)
	if err != nil {
		return groupedQuery{}, fmt.Errorf("proposal stats: dimensions: %w", err)
	}
	if q.First < 0 || q.First > report.MaxBuckets {
		return groupedQuery{}, errs.Fieldf("first", "first must be between 0 and %d", report.MaxBuckets)
	}
	if q.Order.Field != "" && q.Order.Field != report.OrderKey && proposalSort[q.Order.Field] == "" {
		return groupedQuery{}, errs.Fieldf("orderBy", "unknown ordering %q", q.Order.Field)
	}
	facts, w := proposalFacts(v, q.Filter, q.By, rollups)
	if q.UnitLevel != "" {
		i := slices.Index(q.By, report.ByUnit)
		if i < 0 {
			return groupedQuery{}, errs.Fieldf("unitLevel", "unitLevel applies to grouping by UNIT")
		}
		dims[i] = unitAtLevelDim(w.arg(q.UnitLevel))
	}
	f := q.Filter
	wide := v.All && len(f.IDs) == 0 && len(f.ProcedureIDs) == 0 && len(f.SectorIDs) == 0 && f.UnitID == nil &&
		f.ReviewingUnitID == nil && strings.TrimSpace(f.Search) == ""
	// The facts' conditions are inside their subquery; their parameters
	// are the statement's.
	return groupedQuery{from: "(" + facts + ") f", where: &where{args: w.args}, by: q.By, dims: dims,
		measures: proposalMeasures, wide: wide, total: true,
		order: groupOrder{measure: proposalSort[q.Order.Field], desc: q.Order.Desc, limit: &q.First}}, nil
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
func proposalStatsSQL(v proposal.Visibility, q report.ProposalStatsQuery) ([][]any, error) {
	var out [][]any
	if len(q.By) > 0 {
		g, err := proposalGroupsQuery(v, q, true)
		if err != nil {
			return nil, fmt.Errorf("proposal stats statements: %w", err)
		}
		out = append(out, append([]any{g.sql()}, g.where.args...))
	}
	if len(q.By) == 0 || slices.Contains(q.By, report.ByKind) {
		t := proposalTotalsQuery(v, q, true)
		out = append(out, append([]any{t.sql()}, t.where.args...))
	}
	return out, nil
}
