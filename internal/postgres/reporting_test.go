package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"tthc/internal/catalog"
	"tthc/internal/postgres"
	"tthc/internal/proposal"
	"tthc/internal/report"
	"tthc/internal/testdb"
)

// smallDB returns a fresh copy of `tthc generate --scale small --seed 7`
// (20,000 proposals with their events, 48,000 dossier rows), generated once
// per test run, and a plain SQL connection to it for independent checks.
func smallDB(t *testing.T) (*postgres.DB, *sql.DB) {
	t.Helper()
	url := testdb.Small(t)
	return testdb.Open(t, url), rawDB(t, url)
}

func rawDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func scalar[T any](t *testing.T, raw *sql.DB, query string, args ...any) T {
	t.Helper()
	var v T
	if err := raw.QueryRow(query, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

// assertRollupsExact fails the test when a rollup differs from what a
// rebuild from the base tables gives.
func assertRollupsExact(t *testing.T, db *postgres.DB, when string) {
	t.Helper()
	drift, err := db.RollupDrift(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(drift) > 0 {
		t.Errorf("%s: rollups differ from a rebuild (rows per table): %v", when, drift)
	}
}

// measuresKey renders measures for comparison; decimals compare by value.
func measuresKey(m report.ProposalMeasures) string {
	return fmt.Sprintf("n=%d before=%s after=%s days=%s/%s docs=%d/%d", m.Count, m.CostBefore.String(), m.CostAfter.String(),
		m.DaysBefore.String(), m.DaysAfter.String(), m.DocumentsBefore, m.DocumentsAfter)
}

// groupKey renders the group of a bucket as the expected queries do.
func groupKey(g []report.GroupKey) string {
	parts := make([]string, len(g))
	for i, k := range g {
		switch {
		case k.Key != nil:
			parts[i] = *k.Key
		case k.ID != nil:
			parts[i] = fmt.Sprint(*k.ID)
		default:
			parts[i] = "∅"
		}
	}
	return strings.Join(parts, "|")
}

// expectedDims are the dimensions as the expected queries compute them,
// straight from proposals pr, its proposing unit u and procedure p.
var expectedDims = map[string]string{
	"STATUS":            "pr.status",
	"KIND":              "k.kind",
	"LEVEL":             "u.level_code",
	"SECTOR":            "p.sector_id::text",
	"UNIT":              "pr.proposing_unit_id::text",
	"REVIEWING_UNIT":    "pr.reviewing_unit_id::text",
	"SUBMITTED_MONTH":   "to_char(pr.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM')",
	"SUBMITTED_QUARTER": "to_char(pr.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY') || '-Q' || extract(quarter FROM pr.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')",
	"SUBMITTED_YEAR":    "extract(year FROM pr.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::text",
	"DECIDED_MONTH":     "to_char(pr.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM')",
	"DECIDED_QUARTER":   "to_char(pr.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY') || '-Q' || extract(quarter FROM pr.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh')",
	"DECIDED_YEAR":      "extract(year FROM pr.decided_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::text",
	// the first unit of the level walking up from the proposing unit
	"UNIT@PROVINCE": `(WITH RECURSIVE up AS (SELECT a.id, a.parent_id, a.level_code, 0 AS depth FROM administrative_units a WHERE a.id = pr.proposing_unit_id
		UNION ALL SELECT a.id, a.parent_id, a.level_code, up.depth + 1 FROM administrative_units a JOIN up ON a.id = up.parent_id)
		SELECT id FROM up WHERE level_code = 'PROVINCE' ORDER BY depth LIMIT 1)::text`,
	"UNIT@COMMUNE": `(WITH RECURSIVE up AS (SELECT a.id, a.parent_id, a.level_code, 0 AS depth FROM administrative_units a WHERE a.id = pr.proposing_unit_id
		UNION ALL SELECT a.id, a.parent_id, a.level_code, up.depth + 1 FROM administrative_units a JOIN up ON a.id = up.parent_id)
		SELECT id FROM up WHERE level_code = 'COMMUNE' ORDER BY depth LIMIT 1)::text`,
}

// expectedProposalBuckets computes the buckets with plain SQL: the rows
// of proposals matching cond, grouped by the dimensions.
func expectedProposalBuckets(t *testing.T, raw *sql.DB, dims []string, cond string, args ...any) map[string]string {
	t.Helper()
	keys := []string{"''"}
	from := "proposals pr JOIN administrative_units u ON u.id = pr.proposing_unit_id JOIN procedures p ON p.id = pr.procedure_id"
	if len(dims) > 0 {
		keys = keys[:0]
	}
	for _, d := range dims {
		keys = append(keys, "coalesce("+expectedDims[d]+", '∅')")
		if d == "KIND" {
			from += " CROSS JOIN LATERAL (SELECT DISTINCT kind FROM unnest(pr.kinds) kind) k"
		}
	}
	rows, err := raw.Query(`SELECT concat_ws('|', `+strings.Join(keys, ", ")+`) AS key, count(*),
		sum(pr.annual_cost_before)::text, sum(pr.annual_cost_after)::text,
		sum(pr.before_processing_days)::text, sum(pr.after_processing_days)::text,
		sum(pr.before_documents), sum(pr.after_documents)
		FROM `+from+` WHERE `+cond+` GROUP BY 1`, args...)
	if err != nil {
		t.Fatalf("expected buckets: %v", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, before, after, daysBefore, daysAfter string
		var m report.ProposalMeasures
		if err := rows.Scan(&key, &m.Count, &before, &after, &daysBefore, &daysAfter, &m.DocumentsBefore, &m.DocumentsAfter); err != nil {
			t.Fatal(err)
		}
		m.CostBefore, m.CostAfter = decimal.RequireFromString(before), decimal.RequireFromString(after)
		m.DaysBefore, m.DaysAfter = decimal.RequireFromString(daysBefore), decimal.RequireFromString(daysAfter)
		out[key] = measuresKey(m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func bucketMap(stats report.ProposalStats) map[string]string {
	out := map[string]string{}
	for _, b := range stats.Buckets {
		out[groupKey(b.Group)] = measuresKey(b.ProposalMeasures)
	}
	return out
}

func diffMaps(want, got map[string]string) string {
	var lines []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			lines = append(lines, fmt.Sprintf("missing %s: %s", k, w))
		} else if g != w {
			lines = append(lines, fmt.Sprintf("bucket %s:\n\tgot  %s\n\twant %s", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			lines = append(lines, fmt.Sprintf("extra %s: %s", k, g))
		}
	}
	sort.Strings(lines)
	if len(lines) > 10 {
		lines = append(lines[:10], fmt.Sprintf("... and %d more", len(lines)-10))
	}
	return strings.Join(lines, "\n")
}

// dimsOf turns test names such as "UNIT@PROVINCE" into dimensions and a
// unit level.
func dimsOf(names []string) ([]report.Dimension, string) {
	var by []report.Dimension
	level := ""
	for _, n := range names {
		d, l, _ := strings.Cut(n, "@")
		by = append(by, report.Dimension(d))
		if l != "" {
			level = l
		}
	}
	return by, level
}

// TestProposalStatsMatchesSQL compares proposalStats, read from the
// rollup and from the proposals table, with plain SQL over proposals, for
// every dimension under many filters and every kind of caller, and checks
// that totals are the sum of the buckets and the count of the proposals
// list.
func TestProposalStatsMatchesSQL(t *testing.T) {
	db, raw := smallDB(t)
	ctx := context.Background()
	province := scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = 'T34-05'`)
	commune := scalar[int64](t, raw, `SELECT min(proposing_unit_id) FROM proposals pr JOIN administrative_units u ON u.id = pr.proposing_unit_id WHERE u.level_code = 'COMMUNE'`)
	sector := scalar[int64](t, raw, `SELECT min(id) + 4 FROM sectors`)
	procedure := scalar[int64](t, raw, `SELECT procedure_id FROM proposals GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)
	ministry := scalar[int64](t, raw, `SELECT reviewing_unit_id FROM proposals pr JOIN administrative_units u ON u.id = pr.reviewing_unit_id
		WHERE u.level_code = 'MINISTRY' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)
	vn := func(s string) string { return "'" + s + " 00:00+07'" }
	subtree := fmt.Sprintf("(u.id = %d OR u.parent_id = %d)", province, province) // provinces of today have communes right under them
	all := []string{"STATUS", "KIND", "LEVEL", "SECTOR", "UNIT", "UNIT@PROVINCE", "UNIT@COMMUNE", "REVIEWING_UNIT",
		"SUBMITTED_MONTH", "SUBMITTED_QUARTER", "SUBMITTED_YEAR", "DECIDED_MONTH", "DECIDED_QUARTER", "DECIDED_YEAR"}
	some := []string{"STATUS", "KIND", "SECTOR", "UNIT@PROVINCE", "SUBMITTED_QUARTER"}
	cases := []struct {
		name string
		v    proposal.Visibility
		f    proposal.Filter
		cond string
		dims []string
	}{
		{"everything", analyst, proposal.Filter{}, "true", all},
		{"approved", analyst, proposal.Filter{Statuses: []proposal.Status{"APPROVED", "IMPLEMENTED"}}, "pr.status IN ('APPROVED', 'IMPLEMENTED')", all},
		{"communes", analyst, proposal.Filter{Levels: []catalog.LevelCode{"COMMUNE"}}, "u.level_code = 'COMMUNE'", some},
		{"a province", analyst, proposal.Filter{UnitID: &province}, subtree, all},
		{"a commune", analyst, proposal.Filter{UnitID: &commune}, fmt.Sprintf("pr.proposing_unit_id = %d", commune), some},
		{"a sector", analyst, proposal.Filter{SectorIDs: []int64{sector}}, fmt.Sprintf("p.sector_id = %d", sector), some},
		{"one kind", analyst, proposal.Filter{Kinds: []proposal.Kind{"CUT_TIME"}}, "'CUT_TIME' = ANY(pr.kinds)", some},
		{"two kinds", analyst, proposal.Filter{Kinds: []proposal.Kind{"CUT_TIME", "FULL_ONLINE"}}, "pr.kinds && ARRAY['CUT_TIME', 'FULL_ONLINE']", some},
		{"a reviewer", analyst, proposal.Filter{ReviewingUnitID: &ministry}, fmt.Sprintf("pr.reviewing_unit_id = %d", ministry), some},
		{"submitted in 2025", analyst, proposal.Filter{Submitted: proposal.DateRange{From: day("2025-01-01"), To: day("2025-12-31")}},
			"pr.submitted_at >= " + vn("2025-01-01") + " AND pr.submitted_at < " + vn("2026-01-01"), some},
		{"decided in a quarter", analyst, proposal.Filter{Decided: proposal.DateRange{From: day("2025-04-01"), To: day("2025-06-30")}},
			"pr.decided_at >= " + vn("2025-04-01") + " AND pr.decided_at < " + vn("2025-07-01"), some},
		{"submitted since a day", analyst, proposal.Filter{Submitted: proposal.DateRange{From: day("2025-03-10")}},
			"pr.submitted_at >= " + vn("2025-03-10"), some},
		{"created since 2024", analyst, proposal.Filter{Created: proposal.DateRange{From: day("2024-01-01")}},
			"pr.created_at >= " + vn("2024-01-01"), some},
		{"created in five weeks", analyst, proposal.Filter{Created: proposal.DateRange{From: day("2024-03-10"), To: day("2024-04-13")}},
			"pr.created_at >= " + vn("2024-03-10") + " AND pr.created_at < " + vn("2024-04-14"), some},
		{"searched", analyst, proposal.Filter{Search: "so 42"}, "pr.title LIKE '%42%'", some},
		{"a procedure", analyst, proposal.Filter{ProcedureIDs: []int64{procedure}}, fmt.Sprintf("pr.procedure_id = %d", procedure), some},
		{"a province, approved", analyst, proposal.Filter{UnitID: &province, Statuses: []proposal.Status{"APPROVED"}},
			subtree + " AND pr.status = 'APPROVED'", some},
		{"a sector in 2025", analyst, proposal.Filter{SectorIDs: []int64{sector}, Submitted: proposal.DateRange{From: day("2025-01-01"), To: day("2025-12-31")}},
			fmt.Sprintf("p.sector_id = %d", sector) + " AND pr.submitted_at >= " + vn("2025-01-01") + " AND pr.submitted_at < " + vn("2026-01-01"), some},
		{"officer of a province", proposal.Visibility{SubtreeOf: "T34-05"}, proposal.Filter{}, subtree, all},
		{"reviewer of a province", proposal.Visibility{ReviewedBy: "T34-05"}, proposal.Filter{},
			fmt.Sprintf("pr.reviewing_unit_id = %d", province), some},
		{"officer and reviewer", proposal.Visibility{SubtreeOf: "T34-05", ReviewedBy: "T34-05"}, proposal.Filter{},
			fmt.Sprintf("(%s OR pr.reviewing_unit_id = %d)", subtree, province), some},
		{"officer of an unknown unit", proposal.Visibility{SubtreeOf: "NO-SUCH"}, proposal.Filter{}, "false", []string{"STATUS"}},
		{"nobody", proposal.Visibility{}, proposal.Filter{}, "false", []string{"STATUS", "UNIT"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			count, err := db.CountProposals(ctx, c.v, c.f)
			if err != nil {
				t.Fatal(err)
			}
			wantTotal := expectedProposalBuckets(t, raw, nil, c.cond)
			if len(wantTotal) == 0 { // nothing matches: one empty total
				wantTotal = map[string]string{"": measuresKey(report.ProposalMeasures{})}
			}
			sets := [][]string{nil}
			for _, d := range c.dims {
				sets = append(sets, []string{d})
			}
			// Crossings, among them those that the two-key grains answer
			// (SECTOR_SUBMITTED, UNIT_KIND).
			sets = append(sets, []string{"SECTOR", "STATUS"}, []string{"LEVEL", "SUBMITTED_YEAR"}, []string{"KIND", "STATUS"},
				[]string{"SECTOR", "SUBMITTED_YEAR"}, []string{"SUBMITTED_MONTH", "SECTOR"}, []string{"KIND", "UNIT"},
				[]string{"KIND", "UNIT@PROVINCE"})
			for _, names := range sets {
				by, level := dimsOf(names)
				q := report.ProposalStatsQuery{Filter: c.f, By: by, UnitLevel: level, First: report.MaxBuckets}
				want := expectedProposalBuckets(t, raw, names, c.cond)
				for _, source := range []string{"chosen", "base"} {
					var got report.ProposalStats
					if source == "chosen" {
						got, err = db.ProposalStats(ctx, c.v, q)
					} else {
						got, err = db.ProposalStatsFromBase(ctx, c.v, q)
					}
					if err != nil {
						t.Fatalf("%v (%s): %v", names, source, err)
					}
					what := fmt.Sprintf("%v from %s (rollup grain %q)", names, source, postgres.ProposalStatsGrain(c.v, q))
					if len(by) == 0 {
						if got.Totals.Count != count || len(got.Buckets) != 1 {
							t.Errorf("%s: %d buckets, total count %d, want 1 and the list's %d", what, len(got.Buckets), got.Totals.Count, count)
						}
						continue
					}
					if d := diffMaps(want, bucketMap(got)); d != "" {
						t.Errorf("%s:\n%s", what, d)
					}
					if got.BucketCount != len(want) {
						t.Errorf("%s: bucketCount %d, want %d", what, got.BucketCount, len(want))
					}
					if tk := measuresKey(got.Totals.ProposalMeasures); tk != wantTotal[""] || got.Totals.Count != count {
						t.Errorf("%s: totals %s, want %s (list count %d)", what, tk, wantTotal[""], count)
					}
					if got.Overlap != (names[0] == "KIND") {
						t.Errorf("%s: bucketsOverlap %v", what, got.Overlap)
					}
					if !got.Overlap {
						var sum report.ProposalMeasures
						for _, b := range got.Buckets {
							sum = sum.Add(b.ProposalMeasures)
						}
						if measuresKey(sum) != measuresKey(got.Totals.ProposalMeasures) {
							t.Errorf("%s: the buckets add up to %s, the totals say %s", what, measuresKey(sum), measuresKey(got.Totals.ProposalMeasures))
						}
					}
				}
			}
		})
	}
}

// TestProposalStatsCrossingGrains checks that the national crossings read
// the two-key grains of the rollup, also under the filters that a grain
// holds (TestProposalStatsMatchesSQL checks their buckets).
func TestProposalStatsCrossingGrains(t *testing.T) {
	province := int64(1)
	cases := []struct {
		v    proposal.Visibility
		f    proposal.Filter
		by   []report.Dimension
		want string
	}{
		{analyst, proposal.Filter{}, []report.Dimension{report.BySector, report.BySubmittedYear}, "SECTOR_SUBMITTED"},
		{analyst, proposal.Filter{Statuses: []proposal.Status{"APPROVED"}}, []report.Dimension{report.BySubmittedMonth, report.BySector}, "SECTOR_SUBMITTED"},
		{analyst, proposal.Filter{Submitted: proposal.DateRange{From: day("2025-01-01"), To: day("2025-12-31")}},
			[]report.Dimension{report.BySector}, "SECTOR_SUBMITTED"},
		{analyst, proposal.Filter{SectorIDs: []int64{3}}, []report.Dimension{report.BySubmittedQuarter}, "SECTOR_SUBMITTED"},
		{analyst, proposal.Filter{}, []report.Dimension{report.ByUnit, report.ByKind}, "UNIT_KIND"},
		{analyst, proposal.Filter{UnitID: &province}, []report.Dimension{report.ByKind}, "UNIT_KIND"},
		{proposal.Visibility{SubtreeOf: "T34-05"}, proposal.Filter{}, []report.Dimension{report.ByKind}, "UNIT_KIND"},
		{analyst, proposal.Filter{Kinds: []proposal.Kind{"CUT_TIME"}}, []report.Dimension{report.ByUnit}, "UNIT_KIND"},
		// what no grain holds
		{analyst, proposal.Filter{Kinds: []proposal.Kind{"CUT_TIME", "CUT_FEE"}}, []report.Dimension{report.ByUnit}, ""},
		{analyst, proposal.Filter{}, []report.Dimension{report.ByUnit, report.BySector}, ""},
		{analyst, proposal.Filter{Submitted: proposal.DateRange{From: day("2025-01-10")}}, []report.Dimension{report.BySector}, ""},
	}
	for _, c := range cases {
		q := report.ProposalStatsQuery{Filter: c.f, By: c.by, First: 10}
		if got := postgres.ProposalStatsGrain(c.v, q); got != c.want {
			t.Errorf("%+v by %v: grain %q, want %q", c.f, c.by, got, c.want)
		}
	}
}

// TestProposalStatsOrderAndFirst checks the ordering of buckets and the
// cut of `first`: the totals and bucket count still cover every bucket.
func TestProposalStatsOrderAndFirst(t *testing.T) {
	db, raw := smallDB(t)
	ctx := context.Background()
	all, err := db.ProposalStats(ctx, analyst, report.ProposalStatsQuery{By: []report.Dimension{report.BySector}, First: report.MaxBuckets})
	if err != nil {
		t.Fatal(err)
	}
	// Sectors by name, as KEY orders entities; the proposals without a
	// sector (none here) would come last.
	names := scalar[int](t, raw, `SELECT count(DISTINCT p.sector_id) FROM proposals pr JOIN procedures p ON p.id = pr.procedure_id`)
	if len(all.Buckets) != names {
		t.Fatalf("%d sector buckets, want %d", len(all.Buckets), names)
	}
	for i := 1; i < len(all.Buckets); i++ {
		a, b := all.Buckets[i-1].Group[0], all.Buckets[i].Group[0]
		if a.Label > b.Label || (a.Label == b.Label && *a.ID > *b.ID) {
			t.Fatalf("KEY order: %q before %q", a.Label, b.Label)
		}
	}
	top, err := db.ProposalStats(ctx, analyst, report.ProposalStatsQuery{By: []report.Dimension{report.BySector}, First: 5,
		Order: report.ProposalStatsOrder{Field: report.OrderSaving, Desc: true}})
	if err != nil {
		t.Fatal(err)
	}
	savings := make([]decimal.Decimal, len(all.Buckets))
	for i, b := range all.Buckets {
		savings[i] = b.Saving()
	}
	sort.Slice(savings, func(i, j int) bool { return savings[i].GreaterThan(savings[j]) })
	if len(top.Buckets) != 5 || top.BucketCount != len(all.Buckets) {
		t.Fatalf("first 5: %d buckets of %d, want 5 of %d", len(top.Buckets), top.BucketCount, len(all.Buckets))
	}
	for i, b := range top.Buckets {
		if !b.Saving().Equal(savings[i]) {
			t.Errorf("bucket %d saves %s, want %s", i, b.Saving(), savings[i])
		}
	}
	if measuresKey(top.Totals.ProposalMeasures) != measuresKey(all.Totals.ProposalMeasures) {
		t.Errorf("totals with first 5: %s, want all: %s", measuresKey(top.Totals.ProposalMeasures), measuresKey(all.Totals.ProposalMeasures))
	}
	// first: 0 lists no bucket but still counts them, also by KIND,
	// whose totals are asked apart.
	kinds := scalar[int](t, raw, `SELECT count(DISTINCT k) FROM proposals, unnest(kinds) k`)
	for _, dim := range []report.Dimension{report.ByKind, report.BySector} {
		for _, rollups := range []bool{true, false} {
			q := report.ProposalStatsQuery{By: []report.Dimension{dim}, First: 0}
			got, err := db.ProposalStats(ctx, analyst, q)
			if !rollups {
				got, err = db.ProposalStatsFromBase(ctx, analyst, q)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := len(all.Buckets)
			if dim == report.ByKind {
				want = kinds
			}
			if len(got.Buckets) != 0 || got.BucketCount != want || got.Totals.Count != all.Totals.Count {
				t.Errorf("by %s, first 0 (rollups %v): %d buckets, bucketCount %d, total %d; want 0, %d, %d", dim, rollups,
					len(got.Buckets), got.BucketCount, got.Totals.Count, want, all.Totals.Count)
			}
		}
	}
	// Every ordering runs, from the rollup and the table alike.
	for _, f := range []report.ProposalStatsOrderField{report.OrderKey, report.OrderCount, report.OrderCostBefore,
		report.OrderSaving, report.OrderPercentCut, report.OrderDaysCut, report.OrderDocsRemoved} {
		for _, desc := range []bool{false, true} {
			q := report.ProposalStatsQuery{By: []report.Dimension{report.ByStatus, report.ByLevel}, First: 3,
				Order: report.ProposalStatsOrder{Field: f, Desc: desc}}
			a, err := db.ProposalStats(ctx, analyst, q)
			if err != nil {
				t.Fatal(err)
			}
			b, err := db.ProposalStatsFromBase(ctx, analyst, q)
			if err != nil {
				t.Fatal(err)
			}
			for i := range a.Buckets {
				if groupKey(a.Buckets[i].Group) != groupKey(b.Buckets[i].Group) {
					t.Errorf("order %s desc %v: rollup and table differ at %d: %s, %s", f, desc, i,
						groupKey(a.Buckets[i].Group), groupKey(b.Buckets[i].Group))
				}
			}
		}
	}
	for _, bad := range []report.ProposalStatsQuery{
		{By: []report.Dimension{report.ByStatus, report.ByStatus}, First: 1},
		{By: []report.Dimension{report.ByProcedure}, First: 1},
		{By: []report.Dimension{report.ByStatus}, UnitLevel: "PROVINCE", First: 1},
		{By: []report.Dimension{report.ByStatus}, First: report.MaxBuckets + 1},
	} {
		if _, err := db.ProposalStats(ctx, analyst, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
