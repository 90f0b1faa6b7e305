package postgres

import (
	"context"
	"strings"

	"github.com/lib/pq"

	"tthc/internal/proposal"
	"tthc/internal/report"
)

// ExplainDossierStats returns the JSON plan of the statement DossierStats
// runs, and the table it reads, for plan tests.
func (d *DB) ExplainDossierStats(ctx context.Context, f report.DossierFilter, by []report.Dimension) (string, string, error) {
	q, err := dossierStatsQuery(f, by, true, groupOrder{})
	if err != nil {
		return "", "", err
	}
	var plan string
	err = d.db.GetContext(ctx, &plan, "EXPLAIN (FORMAT JSON) "+q.sql(), q.where.args...)
	return plan, q.from, err
}

// ExplainProposalStats returns the JSON plans of the statements that
// ProposalStats runs, for plan tests.
func (d *DB) ExplainProposalStats(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery) ([]string, error) {
	statements, err := proposalStatsSQL(v, q)
	if err != nil {
		return nil, err
	}
	var plans []string
	for _, s := range statements {
		var plan string
		if err := d.db.GetContext(ctx, &plan, "EXPLAIN (FORMAT JSON) "+s[0].(string), s[1:]...); err != nil {
			return nil, err
		}
		plans = append(plans, plan)
	}
	return plans, nil
}

// DossierStatsSource returns the table DossierStats reads for f and by.
func DossierStatsSource(f report.DossierFilter, by []report.Dimension) string {
	table, _, _ := strings.Cut(dossierSourceFor(f, by).from, " ")
	return table
}

// ProposalStatsGrain returns the rollup grain ProposalStats reads for q,
// "" for the proposals table.
func ProposalStatsGrain(v proposal.Visibility, q report.ProposalStatsQuery) string {
	return proposalGrain(v, q.Filter, q.By)
}

// ExplainReformRefresh returns the JSON plan of the statement that
// recomputes the reform progress of proposing units, which triggers run
// on every workflow step.
func (d *DB) ExplainReformRefresh(ctx context.Context, units []int64) (string, error) {
	var query, plan string
	if err := d.db.GetContext(ctx, &query, `SELECT reform_progress_sql()`); err != nil {
		return "", err
	}
	err := d.db.GetContext(ctx, &plan, "EXPLAIN (FORMAT JSON) "+query, pq.Array(units))
	return plan, err
}

// ProposalStatsFromBase answers like ProposalStats but from the proposals
// table only, never the rollup.
func (d *DB) ProposalStatsFromBase(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery) (report.ProposalStats, error) {
	return d.proposalStats(ctx, v, q, false)
}

// DossierStatsFromBase answers like DossierStats but from dossier_stats
// only, never a rollup.
func (d *DB) DossierStatsFromBase(ctx context.Context, f report.DossierFilter, by []report.Dimension) ([]report.DossierBucket, error) {
	return d.dossierStats(ctx, f, by, false, groupOrder{})
}

// Get runs a query returning one row into dst, for tests.
func (d *DB) Get(ctx context.Context, dst any, query string, args ...any) error {
	return d.db.GetContext(ctx, dst, query, args...)
}

// rollupTables are the tables the reporting triggers maintain.
var rollupTables = []string{"dossier_unit_months", "dossier_level_months", "dossier_procedure_months",
	"dossier_unit_procedures", "proposal_rollup", "reform_unit_progress", "unit_closure"}

// RollupDrift rebuilds every rollup from the base tables inside a
// transaction it rolls back, and returns, for each rollup table whose
// rows differ from the rebuilt ones, how many rows differ: the triggers
// kept them exact when it is empty.
func (d *DB) RollupDrift(ctx context.Context) (map[string]int, error) {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, t := range rollupTables {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE kept_`+t+` ON COMMIT DROP AS SELECT * FROM `+t); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, `SELECT reporting_rollups_refresh()`); err != nil {
		return nil, err
	}
	drift := map[string]int{}
	for _, t := range rollupTables {
		var n int
		err := tx.GetContext(ctx, &n, `SELECT (SELECT count(*) FROM (SELECT * FROM kept_`+t+` EXCEPT ALL SELECT * FROM `+t+`) a)
			+ (SELECT count(*) FROM (SELECT * FROM `+t+` EXCEPT ALL SELECT * FROM kept_`+t+`) b)`)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			drift[t] = n
		}
	}
	return drift, nil
}
