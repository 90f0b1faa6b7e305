package postgres

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"tthc/internal/report"
)

// ResolveCodes maps unit and procedure codes to their ids.
func (d *DB) ResolveCodes(ctx context.Context, unitCodes, procedureCodes []string) (map[string]int64, map[string]int64, error) {
	type pair struct {
		Code string `db:"code"`
		ID   int64  `db:"id"`
	}
	var units, procs []pair
	if err := sel(ctx, d.db, &units, `SELECT code, id FROM administrative_units WHERE code = ANY($1)`, pq.Array(unitCodes)); err != nil {
		return nil, nil, fmt.Errorf("resolve unit codes: %w", err)
	}
	if err := sel(ctx, d.db, &procs, `SELECT code, id FROM procedures WHERE code = ANY($1)`, pq.Array(procedureCodes)); err != nil {
		return nil, nil, fmt.Errorf("resolve procedure codes: %w", err)
	}
	um, pm := make(map[string]int64, len(units)), make(map[string]int64, len(procs))
	for _, u := range units {
		um[u.Code] = u.ID
	}
	for _, p := range procs {
		pm[p.Code] = p.ID
	}
	return um, pm, nil
}

// SaveDossierStats upserts dossier statistics by unit, procedure and month,
// in one statement.
func (d *DB) SaveDossierStats(ctx context.Context, rows []report.DossierStat) error {
	if len(rows) == 0 {
		return nil
	}
	n := len(rows)
	units, procs := make([]int64, n), make([]int64, n)
	periods := make([]string, n)
	received, online, onTime, late, pending := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, r := range rows {
		units[i], procs[i], periods[i] = r.UnitID, r.ProcedureID, r.Period.Format("2006-01-02")
		received[i], online[i], onTime[i] = int64(r.Received), int64(r.ReceivedOnline), int64(r.ResolvedOnTime)
		late[i], pending[i] = int64(r.ResolvedLate), int64(r.Pending)
	}
	_, err := exec(ctx, d.db, `
		INSERT INTO dossier_stats (unit_id, procedure_id, period, received, received_online, resolved_on_time, resolved_late, pending)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::date[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[])
		ON CONFLICT (unit_id, procedure_id, period) DO UPDATE SET
			received = EXCLUDED.received, received_online = EXCLUDED.received_online,
			resolved_on_time = EXCLUDED.resolved_on_time, resolved_late = EXCLUDED.resolved_late,
			pending = EXCLUDED.pending`,
		pq.Array(units), pq.Array(procs), pq.Array(periods), pq.Array(received), pq.Array(online),
		pq.Array(onTime), pq.Array(late), pq.Array(pending))
	if err != nil {
		return fmt.Errorf("save %d dossier stats: %w", n, dataError(err))
	}
	return nil
}
