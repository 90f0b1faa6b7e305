package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"tthc/demo"
	"tthc/internal/catalog"
	"tthc/internal/importer"
	"tthc/internal/postgres"
	"tthc/internal/report"
	"tthc/internal/testdb"
)

// demoDB returns a fresh copy of the shared catalog with the demo units,
// legal documents, proposals and one-stop desk figures, and a plain SQL
// connection to it.
func demoDB(t *testing.T) (*postgres.DB, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	url := testdb.Catalog(t)
	db := testdb.Open(t, url)
	if err := demo.SeedProposals(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedDossiers(ctx, db); err != nil {
		t.Fatal(err)
	}
	return db, rawDB(t, url)
}

// expectedDossierDims compute the dimensions straight from dossier_stats
// d, its procedure p and its unit u.
var expectedDossierDims = map[report.Dimension]string{
	report.ByUnit:      "d.unit_id::text",
	report.ByProcedure: "p.code",
	report.BySector:    "p.sector_id::text",
	report.ByLevel:     "u.level_code",
	report.ByMonth:     "to_char(d.period, 'YYYY-MM')",
	report.ByQuarter:   "extract(year FROM d.period) || '-Q' || extract(quarter FROM d.period)",
	report.ByYear:      "extract(year FROM d.period)::text",
}

func dossierKey(b report.DossierBucket) string {
	return fmt.Sprintf("%s => %d %d %d %d %d", groupKey(b.Group), b.Received, b.ReceivedOnline, b.ResolvedOnTime, b.ResolvedLate, b.Pending)
}

func expectedDossierBuckets(t *testing.T, raw *sql.DB, by []report.Dimension, cond string) map[string]bool {
	t.Helper()
	var keys []string
	for _, d := range by {
		keys = append(keys, "coalesce("+expectedDossierDims[d]+", '∅')")
	}
	rows, err := raw.Query(`SELECT concat_ws('|', ` + strings.Join(keys, ", ") + `), sum(received), sum(received_online),
		sum(resolved_on_time), sum(resolved_late), sum(pending)
		FROM dossier_stats d JOIN procedures p ON p.id = d.procedure_id JOIN administrative_units u ON u.id = d.unit_id
		WHERE ` + cond + ` GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var key string
		var b report.DossierBucket
		if err := rows.Scan(&key, &b.Received, &b.ReceivedOnline, &b.ResolvedOnTime, &b.ResolvedLate, &b.Pending); err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("%s => %d %d %d %d %d", key, b.Received, b.ReceivedOnline, b.ResolvedOnTime, b.ResolvedLate, b.Pending)] = true
	}
	return out
}

// TestDossierStatsMatchesSQL compares dossierStats, whichever rollup or
// table it reads, with plain SQL over dossier_stats on the demo data.
func TestDossierStatsMatchesSQL(t *testing.T) {
	db, raw := demoDB(t)
	ctx := context.Background()
	dl := scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = '40-DL'`)
	province := scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = '40'`)
	commune := scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = '40-TK-03'`)
	procedure := scalar[int64](t, raw, `SELECT min(procedure_id) FROM dossier_stats`)
	sector := scalar[int64](t, raw, `SELECT p.sector_id FROM dossier_stats d JOIN procedures p ON p.id = d.procedure_id
		GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)
	under := func(id int64) string {
		return fmt.Sprintf(`d.unit_id IN (WITH RECURSIVE s AS (SELECT id FROM administrative_units WHERE id = %d
			UNION SELECT a.id FROM administrative_units a JOIN s ON a.parent_id = s.id) SELECT id FROM s)`, id)
	}
	cases := []struct {
		name string
		f    report.DossierFilter
		cond string
	}{
		{"everything", report.DossierFilter{}, "true"},
		{"Đô Lương", report.DossierFilter{UnitID: &dl}, under(dl)},
		{"Nghệ An", report.DossierFilter{UnitID: &province}, under(province)},
		{"a commune", report.DossierFilter{UnitID: &commune}, fmt.Sprintf("d.unit_id = %d", commune)},
		{"a procedure", report.DossierFilter{ProcedureIDs: []int64{procedure}}, fmt.Sprintf("d.procedure_id = %d", procedure)},
		{"a sector", report.DossierFilter{SectorIDs: []int64{sector}}, fmt.Sprintf("p.sector_id = %d", sector)},
		{"communes", report.DossierFilter{Levels: []string{"COMMUNE"}}, "u.level_code = 'COMMUNE'"},
		{"districts", report.DossierFilter{Levels: []string{"DISTRICT"}}, "u.level_code = 'DISTRICT'"},
		{"spring 2024", report.DossierFilter{From: day("2024-03-15"), To: day("2024-06-30")}, "d.period BETWEEN '2024-03-01' AND '2024-06-30'"},
		{"Tân Kỳ's officer", report.DossierFilter{WithinUnitCode: "40-TK"},
			under(scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = '40-TK'`))},
		{"a sector of Đô Lương in 2025", report.DossierFilter{SectorIDs: []int64{sector}, UnitID: &dl, From: day("2025-01-01"), To: day("2025-12-31")},
			fmt.Sprintf("p.sector_id = %d AND %s AND d.period BETWEEN '2025-01-01' AND '2025-12-31'", sector, under(dl))},
	}
	sets := [][]report.Dimension{{report.ByUnit}, {report.ByProcedure}, {report.BySector}, {report.ByLevel},
		{report.ByMonth}, {report.ByQuarter}, {report.ByYear}, {report.ByUnit, report.ByProcedure},
		{report.BySector, report.ByYear}, {report.ByLevel, report.ByQuarter}, {report.ByUnit, report.ByMonth},
		{report.ByUnit, report.BySector}, {report.ByProcedure, report.ByMonth}, {report.ByLevel, report.BySector, report.ByUnit}}
	for _, c := range cases {
		for _, by := range sets {
			got, err := db.DossierStats(ctx, c.f, by, report.DossierOrder{}, nil)
			if err != nil {
				t.Fatalf("%s by %v: %v", c.name, by, err)
			}
			want := expectedDossierBuckets(t, raw, by, c.cond)
			gotKeys := map[string]bool{}
			for _, b := range got {
				gotKeys[dossierKey(b)] = true
			}
			for k := range want {
				if !gotKeys[k] {
					t.Errorf("%s by %v: missing %s", c.name, by, k)
				}
			}
			for k := range gotKeys {
				if !want[k] {
					t.Errorf("%s by %v: unexpected %s", c.name, by, k)
				}
			}
		}
	}
	// Buckets come by key, then label, then id, dimension after
	// dimension; the bucket without a value (a procedure without a
	// sector) comes last. Units come by label, which tells namesakes
	// apart (unit_labels_test.go).
	for _, c := range []struct {
		by    []report.Dimension
		order string
	}{
		{[]report.Dimension{report.ByUnit, report.BySector}, `SELECT concat_ws('|', d.unit_id, coalesce(p.sector_id::text, '∅'))
			FROM dossier_stats d JOIN procedures p ON p.id = d.procedure_id JOIN administrative_units u ON u.id = d.unit_id
			LEFT JOIN sectors s ON s.id = p.sector_id
			GROUP BY d.unit_id, u.label, p.sector_id, s.name ORDER BY u.label, d.unit_id, s.name NULLS LAST, p.sector_id`},
		{[]report.Dimension{report.ByProcedure, report.ByMonth}, `SELECT concat_ws('|', p.code, to_char(d.period, 'YYYY-MM'))
			FROM dossier_stats d JOIN procedures p ON p.id = d.procedure_id
			GROUP BY p.code, p.name, p.id, d.period ORDER BY p.code, p.name, p.id, d.period`},
	} {
		got, err := db.DossierStats(ctx, report.DossierFilter{}, c.by, report.DossierOrder{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := raw.Query(c.order)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			want = append(want, k)
		}
		rows.Close()
		var keys []string
		for _, b := range got {
			keys = append(keys, groupKey(b.Group))
		}
		if strings.Join(keys, ",") != strings.Join(want, ",") {
			t.Errorf("by %v: buckets in the order\n%v\nwant\n%v", c.by, keys, want)
		}
	}

	// The rates: Tân Kỳ's desks over the whole demo period.
	tk := scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = '40-TK'`)
	got, err := db.DossierStats(ctx, report.DossierFilter{UnitID: &tk}, []report.Dimension{report.ByYear}, report.DossierOrder{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range got {
		want := scalar[string](t, raw, `SELECT round(100.0 * sum(resolved_on_time) / nullif(sum(resolved_on_time + resolved_late), 0), 2)::text
			FROM dossier_stats d WHERE `+under(tk)+` AND extract(year FROM period)::text = $1`, *b.Group[0].Key)
		if r := b.OnTimeRate(); r == nil || r.StringFixed(2) != want {
			t.Errorf("Tân Kỳ %s: on-time rate %v, want %s", *b.Group[0].Key, r, want)
		}
	}
}

// TestDossierStatsSources checks that each question reads the smallest
// rollup that holds its dimensions and filters (TestDossierStatsMatchesSQL
// checks their buckets).
func TestDossierStatsSources(t *testing.T) {
	unit := int64(1)
	for _, c := range []struct {
		f    report.DossierFilter
		by   []report.Dimension
		want string
	}{
		{report.DossierFilter{}, []report.Dimension{report.ByLevel}, "dossier_level_months"},
		{report.DossierFilter{Levels: []string{"COMMUNE"}, From: day("2025-01-01")}, []report.Dimension{report.ByQuarter}, "dossier_level_months"},
		{report.DossierFilter{}, []report.Dimension{report.ByUnit, report.ByMonth}, "dossier_unit_months"},
		{report.DossierFilter{WithinUnitCode: "40"}, []report.Dimension{report.ByLevel}, "dossier_unit_months"},
		{report.DossierFilter{}, []report.Dimension{report.BySector, report.ByYear}, "dossier_procedure_months"},
		{report.DossierFilter{ProcedureIDs: []int64{1}}, []report.Dimension{report.ByMonth}, "dossier_procedure_months"},
		{report.DossierFilter{}, []report.Dimension{report.ByUnit, report.BySector}, "dossier_unit_procedures"},
		{report.DossierFilter{UnitID: &unit}, []report.Dimension{report.ByProcedure}, "dossier_unit_procedures"},
		{report.DossierFilter{SectorIDs: []int64{1}}, []report.Dimension{report.ByUnit, report.ByLevel}, "dossier_unit_procedures"},
		{report.DossierFilter{}, []report.Dimension{report.ByUnit, report.ByProcedure, report.ByMonth}, "dossier_stats"},
		{report.DossierFilter{UnitID: &unit, To: day("2025-06-30")}, []report.Dimension{report.BySector}, "dossier_stats"},
	} {
		if got := postgres.DossierStatsSource(c.f, c.by); got != c.want {
			t.Errorf("%+v by %v: reads %s, want %s", c.f, c.by, got, c.want)
		}
	}
}

// TestDossierRollupsFollowImports checks that the dossier rollups stay
// exact through imports, re-imports, deletions and moves, and that a bad
// row is reported by line and skipped while the others load.
func TestDossierRollupsFollowImports(t *testing.T) {
	db, raw := demoDB(t)
	ctx := context.Background()
	assertRollupsExact(t, db, "demo figures imported")
	before := scalar[int](t, raw, `SELECT count(*) FROM dossier_stats`)
	csv := "\ufeff" + strings.Join(importer.DossierColumns, ",") + "\n" +
		"40-DL-01,1.000005,2023-01,30,10,25,2,3\n" + // replaces a demo row
		"40-DL-01,1.000005,2019-05,5,5,5,0,0\n" + // a new month
		"40-DL-01,9.999999,2023-01,1,0,1,0,0\n" + // line 4: unknown procedure
		"NO-UNIT,1.000005,2023-01,1,0,1,0,0\n" + // line 5: unknown unit
		"40-DL-01,1.000005,2023-13,1,0,1,0,0\n" + // line 6: bad month
		"40-DL-01,1.000005,2023-02,3,4,1,0,0\n" + // line 7: more online than received
		"40-DL-01,1.000005,2023-03,-1,0,0,0,0\n" + // line 8: negative
		"40-DL-01,1.000005,2023-04,1,0\n" + // line 9: too few fields
		"40-TK-01,1.000005,2023-01,7,1,6,1,0\n"
	sum, err := importer.LoadDossiers(ctx, strings.NewReader(csv), db)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Read != 9 || sum.Saved != 3 || sum.Rejected != 6 {
		t.Errorf("import: %s, want read 9, saved 3, rejected 6", sum)
	}
	var lines []int
	for _, r := range sum.Rejects {
		lines = append(lines, r.Line)
	}
	if fmt.Sprint(lines) != "[6 7 8 9 4 5]" && fmt.Sprint(lines) != "[4 5 6 7 8 9]" {
		t.Errorf("rejected lines %v, want 4 to 9", lines)
	}
	if n := scalar[int](t, raw, `SELECT count(*) FROM dossier_stats`); n != before+1 {
		t.Errorf("%d rows after the import, want %d", n, before+1)
	}
	if n := scalar[int](t, raw, `SELECT received FROM dossier_stats d JOIN administrative_units u ON u.id = d.unit_id
		JOIN procedures p ON p.id = d.procedure_id WHERE u.code = '40-DL-01' AND p.code = '1.000005' AND period = '2023-01-01'`); n != 30 {
		t.Errorf("the re-imported row has %d received, want 30", n)
	}
	assertRollupsExact(t, db, "after a re-import")
	if err := db.Exec(ctx, `DELETE FROM dossier_stats WHERE period < '2023-04-01'`); err != nil {
		t.Fatal(err)
	}
	assertRollupsExact(t, db, "after deleting months")
	if err := db.Exec(ctx, `UPDATE dossier_stats SET unit_id = (SELECT id FROM administrative_units WHERE code = '40-X-DL')
		WHERE unit_id = (SELECT id FROM administrative_units WHERE code = '40-DL-02') AND period < '2024-01-01'`); err != nil {
		t.Fatal(err)
	}
	assertRollupsExact(t, db, "after moving rows to another unit")
	if err := db.Exec(ctx, `UPDATE administrative_units SET level_code = 'DISTRICT' WHERE code = '40-TK-07'`); err != nil {
		t.Fatal(err)
	}
	assertRollupsExact(t, db, "after a unit changed level")
	if err := db.Exec(ctx, `DELETE FROM dossier_stats`); err != nil {
		t.Fatal(err)
	}
	if n := scalar[int](t, raw, `SELECT (SELECT count(*) FROM dossier_unit_months) + (SELECT count(*) FROM dossier_level_months)
		+ (SELECT count(*) FROM dossier_procedure_months)`); n != 0 {
		t.Errorf("%d rollup rows left with no dossier figures", n)
	}
}

// TestLegalDocumentStatsTanKy checks the seed article's review of Tân
// Kỳ's legal documents: 21 expired, 14 kept in effect, 1 to amend or
// replace, 0 to repeal.
func TestLegalDocumentStatsTanKy(t *testing.T) {
	db, raw := demoDB(t)
	ctx := context.Background()
	tk := scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = '40-TK'`)
	f := catalog.LegalDocumentFilter{ReviewedByUnitID: &tk}
	counts := func(by report.Dimension) map[string]int {
		buckets, err := db.LegalDocumentStats(ctx, f, []report.Dimension{by})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, b := range buckets {
			out[groupKey(b.Group)] = b.Count
		}
		return out
	}
	if got := counts(report.ByStatus); fmt.Sprint(got) != "map[EXPIRED:21 IN_FORCE:15]" {
		t.Errorf("by validity: %v, want 21 expired and 15 in force", got)
	}
	// The 21 expired documents were reviewed, with no action proposed.
	got := counts(report.ByReviewOutcome)
	if got["KEEP"] != 14 || got["AMEND"]+got["REPLACE"] != 1 || got["REPEAL"] != 0 || got[report.ReviewedWithoutAction] != 21 || len(got) != 3 {
		t.Errorf("by review outcome: %v, want 14 kept, 1 to amend or replace, 0 to repeal, 21 without action (expired)", got)
	}
	if got := counts(report.ByUnit); len(got) != 1 || got[fmt.Sprint(tk)] != 36 {
		t.Errorf("by reviewing unit: %v, want Tân Kỳ's 36", got)
	}
}
