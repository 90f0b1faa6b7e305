package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// Catalog maintenance by administrators. Each write runs in one
// transaction; refusals by the database's checks become user errors.

// UnitByCode returns the unit with code, or a NotFound error.
func (d *DB) UnitByCode(ctx context.Context, code string) (catalog.Unit, error) {
	var r unitRow
	err := get(ctx, d.db, &r, `SELECT `+unitColumns+`, NULL AS cursor_keys FROM administrative_units u WHERE u.code = $1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Unit{}, errs.Errorf(errs.NotFound, "no administrative unit with code %q", code)
	}
	if err != nil {
		return catalog.Unit{}, fmt.Errorf("units: by code %q: %w", code, err)
	}
	return r.unit(), nil
}

func unitByID(ctx context.Context, q queryer, id int64) (catalog.Unit, error) {
	var r unitRow
	err := get(ctx, q, &r, `SELECT `+unitColumns+`, NULL AS cursor_keys FROM administrative_units u WHERE u.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Unit{}, errs.Errorf(errs.NotFound, "no such administrative unit").At("id")
	}
	if err != nil {
		return catalog.Unit{}, fmt.Errorf("units: by id %d: %w", id, err)
	}
	return r.unit(), nil
}

func onlineIn(channels []catalog.Channel) bool {
	for _, c := range channels {
		if c.Kind == catalog.ChannelOnline {
			return true
		}
	}
	return false
}

// CreateProcedure adds a procedure to the catalog; its code must be new.
func (d *DB) CreateProcedure(ctx context.Context, dr catalog.ProcedureDraft) (catalog.Procedure, error) {
	dr.Procedure.OnlineAvailable = onlineIn(dr.Channels)
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		var exists bool
		if err := get(ctx, tx, &exists, `SELECT EXISTS (SELECT 1 FROM procedures WHERE code = $1)`, dr.Procedure.Code); err != nil {
			return fmt.Errorf("procedures: code %q taken: %w", dr.Procedure.Code, err)
		}
		if exists {
			return errs.Errorf(errs.Conflict, "a procedure with code %q exists", dr.Procedure.Code).At("code")
		}
		// An administrator's record has no import digest: the next import
		// of the same code from the portal replaces it.
		if _, err := saveProcedure(ctx, tx, dr, ""); err != nil {
			return fmt.Errorf("procedures: create %q: %w", dr.Procedure.Code, err)
		}
		return nil
	})
	if err != nil {
		return catalog.Procedure{}, dataError(err)
	}
	return d.ProcedureByCode(ctx, dr.Procedure.Code, catalog.AllTexts)
}

// UpdateProcedure applies p to procedure id.
func (d *DB) UpdateProcedure(ctx context.Context, id int64, p catalog.ProcedurePatch) (catalog.Procedure, error) {
	var code string
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := get(ctx, tx, &code, `SELECT code FROM procedures WHERE id = $1 FOR UPDATE`, id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Errorf(errs.NotFound, "no such procedure").At("id")
			}
			return fmt.Errorf("procedures: lock %d: %w", id, err)
		}
		var sectorID *int64
		if p.Sector != nil && *p.Sector != "" {
			id, err := upsertName(ctx, tx, "sectors", strings.TrimSpace(*p.Sector))
			if err != nil {
				return fmt.Errorf("procedures: sector %q: %w", *p.Sector, err)
			}
			sectorID = &id
		}
		// The patch's own fields bind by name; these are what it says
		// in the columns' terms.
		arg := struct {
			ID int64 `db:"id"`
			catalog.ProcedurePatch
			SetSector    bool   `db:"set_sector"`
			SectorID     *int64 `db:"sector_id"`
			AudienceList any    `db:"audience_list"`
			Online       *bool  `db:"online"`
		}{ID: id, ProcedurePatch: p, SetSector: p.Sector != nil, SectorID: sectorID}
		if p.Audiences != nil {
			arg.AudienceList = pq.Array(nonNil(*p.Audiences))
		}
		if p.Channels != nil {
			o := onlineIn(*p.Channels)
			arg.Online = &o
		}
		if _, err := execNamed(ctx, tx, `
			UPDATE procedures SET name = coalesce(:name, name),
				sector_id = CASE WHEN CAST(:set_sector AS boolean) THEN :sector_id ELSE sector_id END,
				procedure_type = coalesce(:type, procedure_type), decision_number = coalesce(:decisionnumber, decision_number),
				audiences = coalesce(:audience_list, audiences), steps = coalesce(:steps, steps),
				requirements = coalesce(:requirements, requirements), result = coalesce(:result, result),
				reception_address = coalesce(:receptionaddr, reception_address), status = coalesce(:status, status),
				online_available = coalesce(:online, online_available), updated_at = now()
			WHERE id = :id`, arg); err != nil {
			return fmt.Errorf("procedures: update %d: %w", id, err)
		}
		// Each list given replaces the stored one.
		var parts catalog.ProcedureDraft
		var replaced []string // the tables of the lists given
		if p.Levels != nil {
			parts.Levels, replaced = *p.Levels, append(replaced, "procedure_levels")
		}
		if p.Channels != nil {
			parts.Channels, replaced = *p.Channels, append(replaced, "procedure_channels")
		}
		if p.Documents != nil {
			parts.Documents, replaced = *p.Documents, append(replaced, "procedure_documents")
		}
		if p.LegalBasis != nil {
			parts.LegalBasis, replaced = *p.LegalBasis, append(replaced, "procedure_legal_documents")
		}
		for _, table := range replaced {
			if _, err := exec(ctx, tx, `DELETE FROM `+table+` WHERE procedure_id = $1`, id); err != nil {
				return fmt.Errorf("procedures: clear %s of %d: %w", table, id, err)
			}
		}
		if err := saveParts(ctx, tx, id, parts); err != nil {
			return fmt.Errorf("procedures: parts of %d: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return catalog.Procedure{}, dataError(err)
	}
	return d.ProcedureByCode(ctx, code, catalog.AllTexts)
}

// CreateUnit adds an administrative unit; its code must be new.
func (d *DB) CreateUnit(ctx context.Context, u catalog.Unit) (catalog.Unit, error) {
	var out catalog.Unit
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		var exists bool
		if err := get(ctx, tx, &exists, `SELECT EXISTS (SELECT 1 FROM administrative_units WHERE code = $1)`, u.Code); err != nil {
			return fmt.Errorf("units: code %q taken: %w", u.Code, err)
		}
		if exists {
			return errs.Errorf(errs.Conflict, "a unit with code %q exists", u.Code).At("code")
		}
		var id int64
		if err := getNamed(ctx, tx, &id, `
			INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from, valid_to, successor_id, is_central_reviewer)
			VALUES (:code, :name, :level, :parentid, :validfrom, :validto, :successorid, :iscentralreviewer) RETURNING id`, u); err != nil {
			return fmt.Errorf("units: create %q: %w", u.Code, err)
		}
		var err error
		if out, err = unitByID(ctx, tx, id); err != nil {
			return fmt.Errorf("units: read back %q: %w", u.Code, err)
		}
		return nil
	})
	return out, dataError(err)
}

// UpdateUnit applies p to unit id. A unit cannot be moved under itself.
func (d *DB) UpdateUnit(ctx context.Context, id int64, p catalog.UnitPatch) (catalog.Unit, error) {
	var out catalog.Unit
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := unitByID(ctx, tx, id); err != nil {
			return fmt.Errorf("units: update %d: %w", id, err)
		}
		if p.ParentID != nil {
			var cycle bool
			if err := get(ctx, tx, &cycle, `SELECT $2 IN (SELECT id FROM unit_subtree($1))`, id, *p.ParentID); err != nil {
				return fmt.Errorf("units: is %d under %d: %w", *p.ParentID, id, err)
			}
			if cycle {
				return errs.Fieldf("parent", "a unit cannot be placed under itself or a unit under it")
			}
		}
		if _, err := execNamed(ctx, tx, `
			UPDATE administrative_units SET name = coalesce(:name, name), level_code = coalesce(:level, level_code),
				parent_id = coalesce(:parentid, parent_id), valid_from = coalesce(:validfrom, valid_from),
				valid_to = coalesce(:validto, valid_to), successor_id = coalesce(:successorid, successor_id),
				is_central_reviewer = coalesce(:iscentralreviewer, is_central_reviewer)
			WHERE id = :id`, struct {
			ID int64 `db:"id"`
			catalog.UnitPatch
		}{id, p}); err != nil {
			return fmt.Errorf("units: update %d: %w", id, err)
		}
		var err error
		if out, err = unitByID(ctx, tx, id); err != nil {
			return fmt.Errorf("units: read back %d: %w", id, err)
		}
		return nil
	})
	return out, dataError(err)
}

// CreateLegalDocument adds a legal document.
func (d *DB) CreateLegalDocument(ctx context.Context, l catalog.LegalDocument) (catalog.LegalDocument, error) {
	var id int64
	err := getNamed(ctx, d.db, &id, `
		INSERT INTO legal_documents (number, title, doc_type, issuer, issued_on, effective_on, expires_on, validity, review_outcome, number_issues)
		VALUES (:number, :title, :type, :issuer, :issuedon, :effectiveon, :expireson, :validity, :reviewoutcome, :issues) RETURNING id`, struct {
		catalog.LegalDocument
		Issues any `db:"issues"`
	}{l, pq.Array(nonNil(numberIssues(l.Number)))})
	if err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "23505" {
			return catalog.LegalDocument{}, errs.Errorf(errs.Conflict, "legal document %q exists", l.Number).At("number")
		}
		return catalog.LegalDocument{}, fmt.Errorf("legal documents: create %q: %w", l.Number, dataError(err))
	}
	return d.legalDocumentByID(ctx, id)
}

// UpdateLegalDocument applies p to legal document id.
func (d *DB) UpdateLegalDocument(ctx context.Context, id int64, p catalog.LegalDocumentPatch) (catalog.LegalDocument, error) {
	var issues []string
	if p.Number != nil {
		issues = numberIssues(*p.Number)
	}
	res, err := execNamed(ctx, d.db, `
		UPDATE legal_documents SET number = coalesce(:number, number), title = coalesce(:title, title),
			doc_type = coalesce(:type, doc_type), issuer = coalesce(:issuer, issuer), issued_on = coalesce(:issuedon, issued_on),
			effective_on = coalesce(:effectiveon, effective_on), expires_on = coalesce(:expireson, expires_on),
			validity = coalesce(:validity, validity), review_outcome = coalesce(:reviewoutcome, review_outcome),
			number_issues = CASE WHEN CAST(:number AS text) IS NULL THEN number_issues ELSE :issues END
		WHERE id = :id`, struct {
		ID int64 `db:"id"`
		catalog.LegalDocumentPatch
		Issues any `db:"issues"`
	}{id, p, pq.Array(nonNil(issues))})
	if err != nil {
		return catalog.LegalDocument{}, fmt.Errorf("legal documents: update %d: %w", id, dataError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return catalog.LegalDocument{}, errs.Errorf(errs.NotFound, "no such legal document").At("id")
	}
	return d.legalDocumentByID(ctx, id)
}

func (d *DB) legalDocumentByID(ctx context.Context, id int64) (catalog.LegalDocument, error) {
	docs, err := d.LegalDocumentsByIDs(ctx, []int64{id})
	if err != nil {
		return catalog.LegalDocument{}, fmt.Errorf("legal documents: read back %d: %w", id, err)
	}
	if len(docs) == 0 {
		return catalog.LegalDocument{}, errs.Errorf(errs.NotFound, "no such legal document").At("id")
	}
	return docs[0], nil
}

// AddUnitProcedures adds procedures to a unit's local catalog and returns
// how many were new.
func (d *DB) AddUnitProcedures(ctx context.Context, unitID int64, procedureIDs []int64) (int, error) {
	if _, err := unitByID(ctx, d.db, unitID); err != nil {
		return 0, relabel(err, "unit")
	}
	var missing int
	if err := get(ctx, d.db, &missing, `SELECT count(*) FROM unnest($1::bigint[]) x(id)
		WHERE NOT EXISTS (SELECT 1 FROM procedures p WHERE p.id = x.id)`, pq.Array(procedureIDs)); err != nil {
		return 0, fmt.Errorf("unit procedures: missing procedures: %w", err)
	}
	if missing > 0 {
		return 0, errs.Errorf(errs.NotFound, "%d of the procedures do not exist", missing).At("procedures")
	}
	res, err := exec(ctx, d.db, `INSERT INTO unit_procedures (unit_id, procedure_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, unitID, pq.Array(procedureIDs))
	if err != nil {
		return 0, fmt.Errorf("unit procedures: add to %d: %w", unitID, dataError(err))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// RemoveUnitProcedures removes procedures from a unit's local catalog and
// returns how many were there.
func (d *DB) RemoveUnitProcedures(ctx context.Context, unitID int64, procedureIDs []int64) (int, error) {
	if _, err := unitByID(ctx, d.db, unitID); err != nil {
		return 0, relabel(err, "unit")
	}
	res, err := exec(ctx, d.db, `DELETE FROM unit_procedures WHERE unit_id = $1 AND procedure_id = ANY($2)`, unitID, pq.Array(procedureIDs))
	if err != nil {
		return 0, fmt.Errorf("unit procedures: remove from %d: %w", unitID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// SetSectorMinistry sets (or, with nil, clears) the ministry that owns a
// sector.
func (d *DB) SetSectorMinistry(ctx context.Context, sectorID int64, ministryID *int64) (catalog.Sector, error) {
	if ministryID != nil {
		u, err := unitByID(ctx, d.db, *ministryID)
		if err != nil {
			return catalog.Sector{}, relabel(err, "ministry")
		}
		if u.Level != catalog.LevelMinistry {
			return catalog.Sector{}, errs.Fieldf("ministry", "%s is not a ministry", u.Name)
		}
	}
	res, err := exec(ctx, d.db, `UPDATE sectors SET ministry_unit_id = $2 WHERE id = $1`, sectorID, ministryID)
	if err != nil {
		return catalog.Sector{}, fmt.Errorf("sectors: set the ministry of %d: %w", sectorID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return catalog.Sector{}, errs.Errorf(errs.NotFound, "no such sector").At("id")
	}
	s, err := d.Sectors(ctx, []int64{sectorID})
	if err != nil {
		return catalog.Sector{}, fmt.Errorf("sectors: read back %d: %w", sectorID, err)
	}
	if len(s) == 0 {
		return catalog.Sector{}, errs.Errorf(errs.NotFound, "no such sector").At("id")
	}
	return s[0], nil
}

// relabel points a NotFound error at field.
func relabel(err error, field string) error {
	var e *errs.Error
	if errors.As(err, &e) && e.Kind == errs.NotFound {
		return e.At(field)
	}
	return fmt.Errorf("%s: %w", field, err)
}
