package postgres

import (
	"context"
	"fmt"
	"strconv"

	"github.com/lib/pq"

	"tthc/internal/catalog"
)

// exportBatch is how many rows an export reads per statement. Reading in
// keyset batches keeps memory flat and every statement short, however
// large the export and however slow the client.
const exportBatch = 1000

// exportRows calls fn with every row that read returns, batch after batch:
// read gets the last row of the batch before (nil for the first) and
// returns at most exportBatch rows after it, in its keyset order. A short
// batch is the last.
func exportRows[R any](read func(last *R) ([]R, error), fn func(R) error) error {
	var last *R
	for {
		rows, err := read(last)
		if err != nil {
			return fmt.Errorf("export: read a batch: %w", err)
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return fmt.Errorf("export: write a row: %w", err)
			}
		}
		if len(rows) < exportBatch {
			return nil
		}
		last = &rows[len(rows)-1]
	}
}

// ProcedureExportRow is a procedure flattened for a spreadsheet.
type ProcedureExportRow struct {
	ID              int64          `db:"id"`
	Code            string         `db:"code"`
	Name            string         `db:"name"`
	Sector          string         `db:"sector"`
	Levels          string         `db:"levels"`
	Type            string         `db:"procedure_type"`
	Audiences       pq.StringArray `db:"audiences"`
	Agencies        string         `db:"agencies"`
	OnlineAvailable bool           `db:"online_available"`
	Status          string         `db:"status"`
	DecisionNumber  string         `db:"decision_number"`
	LegalDocuments  string         `db:"legal_documents"`
	SourceURL       string         `db:"source_url"`
}

// ExportProcedures calls fn with every procedure matching f, by code.
func (d *DB) ExportProcedures(ctx context.Context, f catalog.ProcedureFilter, fn func(ProcedureExportRow) error) error {
	return exportRows(func(last *ProcedureExportRow) ([]ProcedureExportRow, error) {
		w := procedureWhere(f)
		if last != nil {
			w.add(`(p.code, p.id) > (%s, %s)`, last.Code, last.ID)
		}
		var rows []ProcedureExportRow
		err := sel(ctx, d.db, &rows, `
			SELECT p.id, p.code, p.name, coalesce(s.name, '') AS sector, p.procedure_type, p.audiences,
				p.online_available, p.status, p.decision_number, p.source_url,
				coalesce((SELECT string_agg(al.name, ', ' ORDER BY al.rank) FROM procedure_levels pl
					JOIN authority_levels al ON al.code = pl.level_code WHERE pl.procedure_id = p.id), '') AS levels,
				coalesce((SELECT string_agg(a.name, '; ' ORDER BY pa.position) FROM procedure_agencies pa
					JOIN agencies a ON a.id = pa.agency_id WHERE pa.procedure_id = p.id AND pa.role = 'EXECUTING'), '') AS agencies,
				coalesce((SELECT string_agg(l.number, ', ' ORDER BY pld.position) FROM procedure_legal_documents pld
					JOIN legal_documents l ON l.id = pld.legal_document_id WHERE pld.procedure_id = p.id), '') AS legal_documents
			FROM procedures p LEFT JOIN sectors s ON s.id = p.sector_id
			`+w.sql()+`
			ORDER BY p.code, p.id LIMIT `+strconv.Itoa(exportBatch), w.args...)
		if err != nil {
			return nil, fmt.Errorf("procedures: export: %w", err)
		}
		return rows, nil
	}, fn)
}
