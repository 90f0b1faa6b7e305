package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"tthc/internal/proposal"
)

// ProposalExportRow is a proposal flattened for a spreadsheet.
type ProposalExportRow struct {
	ID                  int64           `db:"id"`
	Title               string          `db:"title"`
	ProcedureCode       string          `db:"procedure_code"`
	ProcedureName       string          `db:"procedure_name"`
	Sector              string          `db:"sector"`
	ProposingUnit       string          `db:"proposing_unit"`
	ProposingLevel      string          `db:"proposing_level"`
	ReviewingUnit       string          `db:"reviewing_unit"`
	Status              string          `db:"status"`
	Kinds               pq.StringArray  `db:"kinds"`
	DaysBefore          decimal.Decimal `db:"before_processing_days"`
	DaysAfter           decimal.Decimal `db:"after_processing_days"`
	DocumentsBefore     int             `db:"before_documents"`
	DocumentsAfter      int             `db:"after_documents"`
	CostBefore          decimal.Decimal `db:"annual_cost_before"`
	CostAfter           decimal.Decimal `db:"annual_cost_after"`
	Saving              decimal.Decimal `db:"annual_saving"`
	NeedsCentralChange  bool            `db:"needs_central_legal_change"`
	ImplementedByNumber string          `db:"implemented_by_number"`
	CreatedAt           time.Time       `db:"created_at"`
	SubmittedAt         *time.Time      `db:"submitted_at"`
	DecidedAt           *time.Time      `db:"decided_at"`
}

// ExportProposals calls fn with every proposal the actor may read that
// matches f, by id. It reads in keyset batches inside one read-only
// snapshot: memory stays flat however many rows, and the file is
// consistent even while proposals move through the workflow.
func (d *DB) ExportProposals(ctx context.Context, v proposal.Visibility, f proposal.Filter, fn func(ProposalExportRow) error) error {
	tx, err := d.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("proposals: export: begin: %w", err)
	}
	defer tx.Rollback()
	err = exportRows(func(last *ProposalExportRow) ([]ProposalExportRow, error) {
		w := proposalWhere(v, f)
		if last != nil {
			w.add(`pr.id > %s`, last.ID)
		}
		var rows []ProposalExportRow
		if err := sel(ctx, tx, &rows, exportProposalsSQL+w.sql()+`
			ORDER BY pr.id LIMIT `+strconv.Itoa(exportBatch), w.args...); err != nil {
			return nil, fmt.Errorf("proposals: export: %w", err)
		}
		return rows, nil
	}, fn)
	if err != nil {
		return fmt.Errorf("proposals: export: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("proposals: export: commit: %w", err)
	}
	return nil
}

// exportProposalsSQL reads proposals for the export, up to the WHERE
// clause.
const exportProposalsSQL = `
		SELECT pr.id, pr.title, p.code AS procedure_code, p.name AS procedure_name, coalesce(s.name, '') AS sector,
			pu.label AS proposing_unit, al.name AS proposing_level, coalesce(ru.label, '') AS reviewing_unit,
			pr.status, pr.kinds, pr.before_processing_days, pr.after_processing_days,
			pr.before_documents, pr.after_documents, pr.annual_cost_before, pr.annual_cost_after, pr.annual_saving,
			pr.needs_central_legal_change, coalesce(pr.implemented_by_number, '') AS implemented_by_number,
			pr.created_at, pr.submitted_at, pr.decided_at
		FROM proposals pr
		JOIN procedures p ON p.id = pr.procedure_id
		LEFT JOIN sectors s ON s.id = p.sector_id
		JOIN administrative_units pu ON pu.id = pr.proposing_unit_id
		JOIN authority_levels al ON al.code = pu.level_code
		LEFT JOIN administrative_units ru ON ru.id = pr.reviewing_unit_id
		`
