package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"tthc/internal/errs"
	"tthc/internal/report"
)

// Reform progress reads reform_unit_progress (migrations/00005), which
// triggers keep per proposing unit and reform window: a unit's progress is
// a sum over its subtree, a few thousand rows at most.

type reformTargetRow struct {
	Unit         *int64          `db:"unit"` // the unit asked about; nil: national
	ID           int64           `db:"id"`
	Year         int             `db:"year"`
	UnitID       *int64          `db:"unit_id"`
	Metric       string          `db:"metric"`
	CutPercent   decimal.Decimal `db:"cut_percent"`
	BaselineYear int             `db:"baseline_year"`
	Source       string          `db:"source"`
}

func (r reformTargetRow) target() *report.ReformTarget {
	return &report.ReformTarget{ID: r.ID, Year: r.Year, UnitID: r.UnitID, Metric: report.Metric(r.Metric),
		CutPercent: r.CutPercent, BaselineYear: r.BaselineYear, Source: r.Source}
}

// ReformTargets lists the targets, by year, national first, then by unit
// and metric.
func (d *DB) ReformTargets(ctx context.Context, year *int) ([]report.ReformTarget, error) {
	var rows []reformTargetRow
	err := sel(ctx, d.db, &rows, `
		SELECT NULL::bigint AS unit, id, year, unit_id, metric, cut_percent, baseline_year, source
		FROM reform_targets WHERE $1::int IS NULL OR year = $1
		ORDER BY year, unit_id NULLS FIRST, metric`, year)
	if err != nil {
		return nil, fmt.Errorf("reform targets: %w", err)
	}
	out := make([]report.ReformTarget, len(rows))
	for i, r := range rows {
		out[i] = *r.target()
	}
	return out, nil
}

// reformSums are the sums of reform_unit_progress of one unit's subtree
// in one window.
type reformSums struct {
	Child        *int64          `db:"child"` // nil: the unit asked about itself
	ChildName    string          `db:"child_name"`
	BaselineYear int             `db:"baseline_year"`
	Procedures   int             `db:"procedures"`
	Approved     int             `db:"procedures_approved"`
	Implemented  int             `db:"procedures_implemented"`
	CostBaseline decimal.Decimal `db:"cost_baseline"`
	CostApproved decimal.Decimal `db:"cost_cut_approved"`
	CostImpl     decimal.Decimal `db:"cost_cut_implemented"`
	DaysBaseline decimal.Decimal `db:"days_baseline"`
	DaysApproved decimal.Decimal `db:"days_cut_approved"`
	DaysImpl     decimal.Decimal `db:"days_cut_implemented"`
}

func (s reformSums) figures(m report.Metric) report.ReformFigures {
	f := report.ReformFigures{Procedures: s.Procedures, ProceduresApproved: s.Approved, ProceduresImplemented: s.Implemented}
	if m == report.MetricCost {
		f.Baseline, f.CutApproved, f.CutImplemented = s.CostBaseline, s.CostApproved, s.CostImpl
	} else {
		f.Baseline, f.CutApproved, f.CutImplemented = s.DaysBaseline, s.DaysApproved, s.DaysImpl
	}
	return f
}

// ReformProgress returns the progress of unit (nil: the whole country)
// and of each unit directly under it with procedures in scope, for the
// targets of year.
func (d *DB) ReformProgress(ctx context.Context, unit *int64, year int) (report.ReformProgress, error) {
	out := report.ReformProgress{UnitID: unit, Year: year, Units: []report.UnitProgress{}}
	if unit != nil {
		var name string
		err := get(ctx, d.db, &name, `SELECT name FROM administrative_units WHERE id = $1`, *unit)
		if errors.Is(err, sql.ErrNoRows) {
			return out, errs.Errorf(errs.NotFound, "no such administrative unit").At("unit")
		}
		if err != nil {
			return out, fmt.Errorf("reform progress: unit %d: %w", *unit, err)
		}
	}
	// The sums of each unit directly under the one asked about (its
	// subtree), and of the unit's own proposals (child NULL), per window.
	var sums []reformSums
	err := sel(ctx, d.db, &sums, `
		WITH RECURSIVE sub AS (
			SELECT id, id AS child FROM administrative_units
			WHERE CASE WHEN $1::bigint IS NULL THEN parent_id IS NULL ELSE parent_id = $1 END
			UNION
			SELECT u.id, sub.child FROM administrative_units u JOIN sub ON u.parent_id = sub.id
		), rows AS (
			SELECT sub.child, r.* FROM sub JOIN reform_unit_progress r ON r.unit_id = sub.id AND r.year = $2
			UNION ALL
			SELECT NULL, r.* FROM reform_unit_progress r WHERE r.unit_id = $1 AND r.year = $2
		)
		SELECT rows.child, coalesce(cu.name, '') AS child_name, rows.baseline_year,
			sum(procedures) AS procedures, sum(procedures_approved) AS procedures_approved,
			sum(procedures_implemented) AS procedures_implemented,
			sum(cost_baseline) AS cost_baseline, sum(cost_cut_approved) AS cost_cut_approved,
			sum(cost_cut_implemented) AS cost_cut_implemented, sum(days_baseline) AS days_baseline,
			sum(days_cut_approved) AS days_cut_approved, sum(days_cut_implemented) AS days_cut_implemented
		FROM rows LEFT JOIN administrative_units cu ON cu.id = rows.child
		GROUP BY rows.child, cu.name, rows.baseline_year
		ORDER BY cu.name NULLS FIRST, rows.child, rows.baseline_year`, unit, year)
	if err != nil {
		return out, fmt.Errorf("reform progress: sums of %d: %w", year, err)
	}
	// The targets of the unit asked about and of its children in scope.
	units := []*int64{unit}
	var children []int64
	names := map[int64]string{}
	for _, s := range sums {
		if s.Child != nil && names[*s.Child] == "" {
			children = append(children, *s.Child)
			names[*s.Child] = s.ChildName
			units = append(units, s.Child)
		}
	}
	var targets []reformTargetRow
	err = sel(ctx, d.db, &targets, `
		SELECT u.unit, t.id, t.year, t.unit_id, t.metric, t.cut_percent, t.baseline_year, t.source
		FROM unnest($1::bigint[]) AS u(unit)
		CROSS JOIN (VALUES ('COST'), ('TIME')) AS m(metric)
		JOIN LATERAL reform_target_for(u.unit, $2, m.metric) t ON true`, int64Ptrs(units), year)
	if err != nil {
		return out, fmt.Errorf("reform progress: targets of %d: %w", year, err)
	}
	type unitMetric struct {
		unit   int64 // 0: the unit asked about
		metric report.Metric
	}
	target := map[unitMetric]*report.ReformTarget{}
	for _, t := range targets {
		k := unitMetric{metric: report.Metric(t.Metric)}
		if t.Unit != nil && (unit == nil || *t.Unit != *unit) {
			k.unit = *t.Unit
		}
		target[k] = t.target()
	}
	rootCost, rootTime := target[unitMetric{0, report.MetricCost}], target[unitMetric{0, report.MetricTime}]
	if rootCost == nil && rootTime == nil {
		return out, errs.Fieldf("year", "there is no reform target for %d", year)
	}
	// A unit's window for a metric is its target's; without one, the
	// window of the unit asked about.
	rootWindow := map[report.Metric]int{}
	for _, m := range report.Metrics {
		t := target[unitMetric{0, m}]
		if t == nil {
			t = rootCost
			if t == nil {
				t = rootTime
			}
		}
		rootWindow[m] = t.BaselineYear
	}
	progress := func(child int64, m report.Metric) report.MetricProgress {
		p := report.MetricProgress{Metric: m, Target: target[unitMetric{child, m}]}
		window := rootWindow[m]
		if p.Target != nil {
			window = p.Target.BaselineYear
		}
		for _, s := range sums {
			if s.BaselineYear != window {
				continue
			}
			if child == 0 || (s.Child != nil && *s.Child == child) {
				p.ReformFigures = p.ReformFigures.Add(s.figures(m))
			}
		}
		return p
	}
	out.Cost, out.Time = progress(0, report.MetricCost), progress(0, report.MetricTime)
	for _, c := range children {
		u := report.UnitProgress{UnitID: c, UnitName: names[c], Cost: progress(c, report.MetricCost), Time: progress(c, report.MetricTime)}
		if u.Cost.Procedures > 0 || u.Time.Procedures > 0 {
			out.Units = append(out.Units, u)
		}
	}
	return out, nil
}

func int64Ptrs(ps []*int64) any {
	out := make([]sql.NullInt64, len(ps))
	for i, p := range ps {
		if p != nil {
			out[i] = sql.NullInt64{Int64: *p, Valid: true}
		}
	}
	return pq.Array(out)
}

// UnitWithin tells whether unit id is the unit of code ancestorCode or a
// unit under it: an officer may see the reform progress of their subtree.
func (d *DB) UnitWithin(ctx context.Context, id int64, ancestorCode string) (bool, error) {
	var ok bool
	err := get(ctx, d.db, &ok, `SELECT $1 IN (SELECT id FROM unit_subtree((SELECT id FROM administrative_units WHERE code = $2)))`, id, ancestorCode)
	if err != nil {
		return false, fmt.Errorf("unit %d within %s: %w", id, ancestorCode, err)
	}
	return ok, nil
}

// RefreshRollups rebuilds every reporting rollup and the units' labels
// from the base tables, in one transaction: `tthc refresh-rollups`.
func (d *DB) RefreshRollups(ctx context.Context) error {
	return d.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, `SET LOCAL statement_timeout = 0`); err != nil {
			return fmt.Errorf("refresh rollups: %w", err)
		}
		if _, err := exec(ctx, tx, `SELECT reporting_rollups_refresh(), unit_labels_refresh()`); err != nil {
			return fmt.Errorf("refresh rollups: %w", err)
		}
		return nil
	})
}
