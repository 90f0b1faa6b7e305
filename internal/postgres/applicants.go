package postgres

import "context"

// applicantsLastYear returns the dossiers received for a procedure at a
// unit and the units under it over the last 12 complete months (the
// one-stop desk statistics): the default of a proposal's applicants a
// year. It reads dossier_stats by its primary key.
func applicantsLastYear(ctx context.Context, q queryer, unitID, procedureID int64) (int64, error) {
	var n int64
	err := get(ctx, q, &n, `
		SELECT coalesce(sum(received), 0) FROM dossier_stats
		WHERE unit_id IN (SELECT id FROM unit_subtree($1)) AND procedure_id = $2
			AND period >= (vn_month(now()) - interval '12 months')::date AND period < vn_month(now())`, unitID, procedureID)
	return n, err
}
