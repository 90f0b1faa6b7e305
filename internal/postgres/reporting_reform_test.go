package postgres_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/shopspring/decimal"

	"tthc/internal/auth"
	"tthc/internal/proposal"
	"tthc/internal/report"
)

// expectedReform computes a unit's (nil: the country's) reform figures
// for the window [baseline, year] with plain SQL (window functions where
// the rollup uses DISTINCT ON), as the schema defines them.
func expectedReform(t *testing.T, raw *sql.DB, unit *int64, baseline, year int) (cost, days report.ReformFigures) {
	t.Helper()
	k := reformKey{baseline: baseline, year: year}
	if unit != nil {
		k.unit = *unit
	}
	if f, ok := reformCache[k]; ok {
		return f[0], f[1]
	}
	defer func() { reformCache[k] = [2]report.ReformFigures{cost, days} }()
	var v [9]string
	err := raw.QueryRow(`
		WITH RECURSIVE sub AS (
			SELECT id FROM administrative_units WHERE $1::bigint IS NULL OR id = $1
			UNION SELECT a.id FROM administrative_units a JOIN sub ON a.parent_id = sub.id
		), w AS (
			SELECT make_date($2, 1, 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS starts,
				make_date($3 + 1, 1, 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS ends
		), inw AS (
			SELECT pr.*, (SELECT max(e.at) FROM proposal_events e WHERE e.proposal_id = pr.id AND e.to_status = 'IMPLEMENTED') AS implemented_at
			FROM proposals pr, w
			WHERE pr.status <> 'WITHDRAWN' AND pr.submitted_at >= w.starts AND pr.submitted_at < w.ends
				AND pr.proposing_unit_id IN (SELECT id FROM sub)
		), b AS (
			SELECT DISTINCT proposing_unit_id AS u, procedure_id AS p,
				first_value(annual_cost_before) OVER w1 AS cb, first_value(before_processing_days) OVER w1 AS db
			FROM inw WINDOW w1 AS (PARTITION BY proposing_unit_id, procedure_id ORDER BY submitted_at, id)
		), a AS (
			SELECT DISTINCT proposing_unit_id AS u, procedure_id AS p,
				first_value(annual_cost_after) OVER w2 AS ca, first_value(after_processing_days) OVER w2 AS da
			FROM inw, w WHERE status IN ('APPROVED', 'IMPLEMENTED') AND decided_at < w.ends
			WINDOW w2 AS (PARTITION BY proposing_unit_id, procedure_id ORDER BY decided_at DESC, id DESC)
		), i AS (
			SELECT DISTINCT proposing_unit_id AS u, procedure_id AS p,
				first_value(annual_cost_after) OVER w3 AS ci, first_value(after_processing_days) OVER w3 AS di
			FROM inw, w WHERE status = 'IMPLEMENTED' AND implemented_at < w.ends
			WINDOW w3 AS (PARTITION BY proposing_unit_id, procedure_id ORDER BY implemented_at DESC, id DESC)
		), fig AS (
			SELECT * FROM b LEFT JOIN a USING (u, p) LEFT JOIN i USING (u, p)
		)
		SELECT count(*)::text, count(ca)::text, count(ci)::text, coalesce(sum(cb), 0)::text, coalesce(sum(cb - ca), 0)::text,
			coalesce(sum(cb - ci), 0)::text, coalesce(sum(db), 0)::text, coalesce(sum(db - da), 0)::text, coalesce(sum(db - di), 0)::text
		FROM fig`, unit, baseline, year).Scan(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8])
	if err != nil {
		t.Fatal(err)
	}
	n := func(s string) int { return int(decimal.RequireFromString(s).IntPart()) }
	d := decimal.RequireFromString
	cost = report.ReformFigures{Procedures: n(v[0]), ProceduresApproved: n(v[1]), ProceduresImplemented: n(v[2]),
		Baseline: d(v[3]), CutApproved: d(v[4]), CutImplemented: d(v[5])}
	days = cost
	days.Baseline, days.CutApproved, days.CutImplemented = d(v[6]), d(v[7]), d(v[8])
	return cost, days
}

type reformKey struct {
	unit           int64
	baseline, year int
}

// reformCache keeps the expected figures of one test: both metrics come
// from one query.
var reformCache map[reformKey][2]report.ReformFigures

func sameFigures(a, b report.ReformFigures) bool {
	return a.Procedures == b.Procedures && a.ProceduresApproved == b.ProceduresApproved &&
		a.ProceduresImplemented == b.ProceduresImplemented && a.Baseline.Equal(b.Baseline) &&
		a.CutApproved.Equal(b.CutApproved) && a.CutImplemented.Equal(b.CutImplemented)
}

func checkProgress(t *testing.T, raw *sql.DB, what string, unit *int64, year int, p report.MetricProgress, baseline int) {
	t.Helper()
	cost, days := expectedReform(t, raw, unit, baseline, year)
	want := cost
	if p.Metric == report.MetricTime {
		want = days
	}
	if !sameFigures(p.ReformFigures, want) {
		t.Errorf("%s %s: %+v\nwant %+v", what, p.Metric, p.ReformFigures, want)
	}
	if p.Target == nil {
		return
	}
	if r := p.TargetReached(); r != nil {
		manual := want.CutImplemented.Mul(decimal.NewFromInt(100)).DivRound(want.Baseline, 10).Round(2).
			Mul(decimal.NewFromInt(100)).DivRound(p.Target.CutPercent, 10).Round(2)
		if !r.Equal(manual) {
			t.Errorf("%s %s: target reached %s%%, want %s%%", what, p.Metric, r, manual)
		}
	}
}

// TestReformProgressMatchesSQL compares reformProgress with plain SQL
// over proposals and their events, for the country and a province, with
// the national targets and with a province's own target.
func TestReformProgressMatchesSQL(t *testing.T) {
	db, raw := smallDB(t)
	ctx := context.Background()
	province := scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = 'T34-05'`)
	reformCache = map[reformKey][2]report.ReformFigures{}
	check := func(unit *int64, year int, baselines map[int64]map[report.Metric]int) report.ReformProgress {
		t.Helper()
		p, err := db.ReformProgress(ctx, unit, year)
		if err != nil {
			t.Fatal(err)
		}
		root := int64(0)
		if unit != nil {
			root = *unit
		}
		checkProgress(t, raw, "root", unit, year, p.Cost, baselines[root][report.MetricCost])
		checkProgress(t, raw, "root", unit, year, p.Time, baselines[root][report.MetricTime])
		if len(p.Units) == 0 {
			t.Fatalf("%d: no unit under %v has procedures in scope", year, unit)
		}
		// The province of the test, and a few others: each costs a query.
		for i, u := range p.Units {
			if i >= 4 && u.UnitID != province {
				continue
			}
			b, ok := baselines[u.UnitID]
			if !ok {
				b = baselines[-1]
			}
			checkProgress(t, raw, u.UnitName, &u.UnitID, year, u.Cost, b[report.MetricCost])
			checkProgress(t, raw, u.UnitName, &u.UnitID, year, u.Time, b[report.MetricTime])
		}
		behind := p.FurthestBehind(len(p.Units))
		for i := 1; i < len(behind); i++ {
			a, b := behind[i-1].Behind(), behind[i].Behind()
			if a != nil && b != nil && a.GreaterThan(*b) || a == nil && b != nil {
				t.Errorf("furthest behind out of order at %d: %v then %v", i, a, b)
			}
		}
		return p
	}
	national := map[report.Metric]int{report.MetricCost: 2024, report.MetricTime: 2024}
	for _, year := range []int{2025, 2026} {
		check(nil, year, map[int64]map[report.Metric]int{0: national, -1: national})
		check(&province, year, map[int64]map[report.Metric]int{province: national, -1: national})
	}
	// The province sets its own, earlier baseline for cost in 2025.
	if err := db.Exec(ctx, `INSERT INTO reform_targets (year, unit_id, metric, cut_percent, baseline_year)
		VALUES (2025, $1, 'COST', 40, 2023)`, province); err != nil {
		t.Fatal(err)
	}
	own := map[report.Metric]int{report.MetricCost: 2023, report.MetricTime: 2024}
	p := check(nil, 2025, map[int64]map[report.Metric]int{0: national, -1: national, province: own})
	for _, u := range p.Units {
		if u.UnitID == province && (u.Cost.Target == nil || !u.Cost.Target.CutPercent.Equal(decimal.NewFromInt(40)) || u.Time.Target.UnitID != nil) {
			t.Errorf("the province's targets: cost %+v, time %+v", u.Cost.Target, u.Time.Target)
		}
	}
	check(&province, 2025, map[int64]map[report.Metric]int{province: own, -1: own})
	assertRollupsExact(t, db, "after a new target")
	if _, err := db.ReformProgress(ctx, nil, 2031); err == nil {
		t.Error("a year without targets: no error")
	}
	targets, err := db.ReformTargets(ctx, nil)
	if err != nil || len(targets) != 5 || targets[0].Year != 2025 || targets[0].UnitID != nil {
		t.Errorf("targets: %+v, %v", targets, err)
	}
}

// TestRollupsFollowWorkflow takes proposals of the demo through the
// workflow with the proposal store, edits the catalog under them, and
// checks after each step that every rollup equals a rebuild.
func TestRollupsFollowWorkflow(t *testing.T) {
	db, raw := demoDB(t)
	ctx := context.Background()
	reformCache = map[reformKey][2]report.ReformFigures{}
	assertRollupsExact(t, db, "demo seeded")
	officer := auth.Actor{Subject: "officer.doluong", Name: "Cán bộ Đô Lương", Roles: []auth.Role{auth.Officer}, UnitCode: "40-DL"}
	reviewer := auth.Actor{Subject: "reviewer.nghean", Name: "Chuyên viên Nghệ An", Roles: []auth.Role{auth.Reviewer}, UnitCode: "40"}
	procedure := scalar[int64](t, raw, `SELECT up.procedure_id FROM unit_procedures up JOIN administrative_units u ON u.id = up.unit_id
		WHERE u.code = '40-DL' ORDER BY 1 OFFSET 20 LIMIT 1`)
	params := func(days, applicants int64) proposal.CostParameters {
		return proposal.CostParameters{ProcessingDays: decimal.NewFromInt(days), Fee: decimal.NewFromInt(50000), Documents: 4,
			Hours: decimal.NewFromInt(6), HourlyRate: decimal.NewFromInt(37500), TimesPerYear: decimal.NewFromInt(1), ApplicantsPerYear: applicants}
	}
	workflow := proposal.NewService(db)
	p, _, err := workflow.Create(ctx, officer, proposal.New{ProcedureID: procedure, Content: proposal.Content{
		Kinds: []proposal.Kind{proposal.KindCutTime, proposal.KindReduceDocuments}, Title: "Thử nghiệm thống kê",
		Before: params(10, 500), After: params(4, 500)}})
	if err != nil {
		t.Fatal(err)
	}
	assertRollupsExact(t, db, "draft created")
	p, err = workflow.Update(ctx, officer, p.ID, p.Version, func(p *proposal.Proposal) error {
		p.Before = params(12, 800)
		return nil
	}, proposal.Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	assertRollupsExact(t, db, "draft edited")
	for _, step := range []struct {
		who  auth.Actor
		step proposal.Step
	}{
		{officer, proposal.Step{Action: proposal.ActionSubmit, To: proposal.StatusSubmitted}},
		{reviewer, proposal.Step{Action: proposal.ActionStartReview, To: proposal.StatusUnderReview}},
		{reviewer, proposal.Step{Action: proposal.ActionDecide, To: proposal.StatusApproved}},
		{officer, proposal.Step{Action: proposal.ActionMarkImplemented, To: proposal.StatusImplemented, ImplementedByNumber: "01/2026/QĐ-UBND"}},
	} {
		if p, _, err = workflow.Transition(ctx, step.who, p.ID, p.Version, step.step); err != nil {
			t.Fatalf("%s: %v", step.step.To, err)
		}
		assertRollupsExact(t, db, "after "+string(step.step.To))
	}
	// It counts now in the 2026 progress of Đô Lương, as implemented.
	dl := scalar[int64](t, raw, `SELECT id FROM administrative_units WHERE code = '40-DL'`)
	progress, err := db.ReformProgress(ctx, &dl, 2026)
	if err != nil {
		t.Fatal(err)
	}
	checkProgress(t, raw, "Đô Lương", &dl, 2026, progress.Cost, 2024)
	if progress.Cost.ProceduresImplemented < 1 {
		t.Errorf("Đô Lương 2026: %+v, want the new proposal implemented", progress.Cost.ReformFigures)
	}
	// The catalog changes under the proposals.
	for _, change := range []string{
		`UPDATE procedures SET sector_id = (SELECT max(id) FROM sectors) WHERE id = ` + itoa(procedure),
		`UPDATE administrative_units SET parent_id = (SELECT id FROM administrative_units WHERE code = '40-TK') WHERE code = '40-DL-01'`,
		`UPDATE administrative_units SET name = name || ' (mới)' WHERE code = '40-DL-02'`,
		`UPDATE reform_targets SET baseline_year = 2023 WHERE year = 2026 AND metric = 'TIME'`,
		`INSERT INTO proposals (procedure_id, proposing_unit_id, kinds, title, before_processing_days, before_fee, before_documents,
			before_hours, before_hourly_rate, before_times_per_year, before_applicants_per_year, after_processing_days, after_fee,
			after_documents, after_hours, after_hourly_rate, after_times_per_year, after_applicants_per_year, created_by_subject,
			status, reviewing_unit_id, submitted_at)
		 SELECT ` + itoa(procedure) + `, id, ARRAY['CUT_FEE'], 'Nhập thẳng', 5, 10000, 2, 1, 30000, 2, 100, 5, 0, 2, 1, 30000, 2, 100, 'sql',
			'SUBMITTED', parent_id, now() FROM administrative_units WHERE code LIKE '40-TK-0%'`,
		`UPDATE proposals SET after_fee = 5000 WHERE title = 'Nhập thẳng'`,
		`DELETE FROM proposals WHERE title = 'Nhập thẳng' AND proposing_unit_id IN (SELECT id FROM administrative_units WHERE code IN ('40-TK-01', '40-TK-02'))`,
	} {
		if err := db.Exec(ctx, change); err != nil {
			t.Fatalf("%s: %v", change, err)
		}
		assertRollupsExact(t, db, change)
	}
}

func itoa(n int64) string { return decimal.NewFromInt(n).String() }
