package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"tthc/internal/catalog"
	"tthc/internal/page"
)

// AuthorityLevels returns every authority level, highest first.
func (d *DB) AuthorityLevels(ctx context.Context) ([]catalog.AuthorityLevel, error) {
	var rows []struct {
		Code      string     `db:"code"`
		Name      string     `db:"name"`
		Rank      int        `db:"rank"`
		ValidFrom time.Time  `db:"valid_from"`
		ValidTo   *time.Time `db:"valid_to"`
	}
	if err := sel(ctx, d.db, &rows, `SELECT code, name, rank, valid_from, valid_to FROM authority_levels ORDER BY rank`); err != nil {
		return nil, fmt.Errorf("authority levels: list: %w", err)
	}
	out := make([]catalog.AuthorityLevel, len(rows))
	for i, r := range rows {
		out[i] = catalog.AuthorityLevel{Code: catalog.LevelCode(r.Code), Name: r.Name, Rank: r.Rank, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo}
	}
	return out, nil
}

// Sectors returns the sectors with the given ids, or all of them when ids
// is nil, by name.
func (d *DB) Sectors(ctx context.Context, ids []int64) ([]catalog.Sector, error) {
	var out []catalog.Sector
	q := `SELECT id AS "id", name AS "name", ministry_unit_id AS "ministryunitid" FROM sectors`
	var args []any
	if ids != nil {
		q += ` WHERE id = ANY($1)`
		args = append(args, pq.Array(ids))
	}
	if err := sel(ctx, d.db, &out, q+` ORDER BY name_key, id`, args...); err != nil {
		return nil, fmt.Errorf("sectors: list: %w", err)
	}
	return out, nil
}

// SectorProcedureCounts counts the procedures of each sector.
func (d *DB) SectorProcedureCounts(ctx context.Context, ids []int64) (map[int64]int, error) {
	var rows []struct {
		ID    int64 `db:"sector_id"`
		Count int   `db:"count"`
	}
	if err := sel(ctx, d.db, &rows, `SELECT sector_id, count(*) AS count FROM procedures WHERE sector_id = ANY($1) GROUP BY sector_id`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("sectors: count procedures: %w", err)
	}
	out := make(map[int64]int, len(ids))
	for _, r := range rows {
		out[r.ID] = r.Count
	}
	return out, nil
}

// AgenciesByIDs returns the agencies with the given ids.
func (d *DB) AgenciesByIDs(ctx context.Context, ids []int64) ([]catalog.Agency, error) {
	var out []catalog.Agency
	if err := sel(ctx, d.db, &out, `SELECT id AS "id", name AS "name", unit_id AS "unitid" FROM agencies WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("agencies: by ids: %w", err)
	}
	return out, nil
}

type unitRow struct {
	ID          int64          `db:"id"`
	Code        string         `db:"code"`
	Name        string         `db:"name"`
	Level       string         `db:"level_code"`
	ParentID    *int64         `db:"parent_id"`
	ValidFrom   time.Time      `db:"valid_from"`
	ValidTo     *time.Time     `db:"valid_to"`
	SuccessorID *int64         `db:"successor_id"`
	Central     bool           `db:"is_central_reviewer"`
	CursorKeys  pq.StringArray `db:"cursor_keys"`
}

func (r unitRow) unit() catalog.Unit {
	return catalog.Unit{ID: r.ID, Code: r.Code, Name: r.Name, Level: catalog.LevelCode(r.Level),
		ParentID: r.ParentID, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, SuccessorID: r.SuccessorID,
		IsCentralReviewer: r.Central}
}

func (r unitRow) cursorKeys() ([]string, int64) { return r.CursorKeys, r.ID }

const unitColumns = `u.id, u.code, u.name, u.level_code, u.parent_id, u.valid_from, u.valid_to, u.successor_id, u.is_central_reviewer`

// UnitsByIDs returns the administrative units with the given ids.
func (d *DB) UnitsByIDs(ctx context.Context, ids []int64) ([]catalog.Unit, error) {
	rows := make([]unitRow, 0, len(ids))
	if err := sel(ctx, d.db, &rows, `SELECT `+unitColumns+`, NULL AS cursor_keys FROM administrative_units u WHERE u.id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("units: by ids: %w", err)
	}
	return convert(rows, unitRow.unit), nil
}

// UnitChildren returns the units directly under each of the given units,
// by name.
func (d *DB) UnitChildren(ctx context.Context, parentIDs []int64) (map[int64][]catalog.Unit, error) {
	var rows []unitRow
	if err := sel(ctx, d.db, &rows, `SELECT `+unitColumns+`, NULL AS cursor_keys FROM administrative_units u
		WHERE u.parent_id = ANY($1) ORDER BY u.name_key, u.id`, pq.Array(parentIDs)); err != nil {
		return nil, fmt.Errorf("units: children: %w", err)
	}
	return groupBy(rows, len(parentIDs), func(r unitRow) int64 { return *r.ParentID }, unitRow.unit), nil
}

var unitOrdering = ordering{name: "unit", keys: []sortKey{{"u.name_key", textKey}}}

func unitWhere(f catalog.UnitFilter) *where {
	w := &where{}
	if f.Search != "" {
		w.add(`u.name_key LIKE '%%' || vn_fold(%s) || '%%'`, escapeLike(f.Search))
	}
	if len(f.Levels) > 0 {
		w.add(`u.level_code = ANY(%s)`, pq.Array(f.Levels))
	}
	if f.ParentID != nil {
		w.add(`u.parent_id = %s`, *f.ParentID)
	}
	if f.ValidOn != nil {
		w.add(`u.valid_from <= %s AND (u.valid_to IS NULL OR u.valid_to >= %[1]s)`, *f.ValidOn)
	}
	return w
}

// ListUnits returns one page of administrative units by name.
func (d *DB) ListUnits(ctx context.Context, f catalog.UnitFilter, args page.Args) (page.Page[catalog.Unit], error) {
	p, err := listPage(ctx, d.db, unitOrdering, args, unitWhere(f), unitColumns, "administrative_units u", "u.id", unitRow.unit)
	if err != nil {
		return p, fmt.Errorf("units: list: %w", err)
	}
	return p, nil
}

// CountUnits counts the units matching f.
func (d *DB) CountUnits(ctx context.Context, f catalog.UnitFilter) (int, error) {
	w := unitWhere(f)
	var n int
	if err := get(ctx, d.db, &n, `SELECT count(*) FROM administrative_units u `+w.sql(), w.args...); err != nil {
		return 0, fmt.Errorf("units: count: %w", err)
	}
	return n, nil
}

// LegalDocumentsByIDs returns the legal documents with the given ids.
func (d *DB) LegalDocumentsByIDs(ctx context.Context, ids []int64) ([]catalog.LegalDocument, error) {
	var rows []legalDocumentRow
	if err := sel(ctx, d.db, &rows, `SELECT `+legalDocumentColumns+` FROM legal_documents l WHERE l.id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("legal documents: by ids: %w", err)
	}
	return convert(rows, legalDocumentRow.legalDocument), nil
}

// listedLegalDocument is a legal document read for a page.
type listedLegalDocument struct {
	legalDocumentRow
	CursorKeys pq.StringArray `db:"cursor_keys"`
}

func (r listedLegalDocument) cursorKeys() ([]string, int64) { return r.CursorKeys, r.ID }

var legalDocumentOrdering = ordering{name: "legal", keys: []sortKey{{"l.number", textKey}}}

func legalDocumentWhere(f catalog.LegalDocumentFilter) *where {
	w := &where{}
	if f.Search != "" {
		w.add(`(l.number_key LIKE '%%' || vn_fold(%s) || '%%' OR l.title_key LIKE '%%' || vn_fold(%[1]s) || '%%')`, escapeLike(f.Search))
	}
	if len(f.Types) > 0 {
		w.add(`l.doc_type = ANY(%s)`, pq.Array(f.Types))
	}
	if f.Validity != nil {
		w.add(`l.validity = %s`, *f.Validity)
	}
	if f.Flagged != nil {
		w.add(`(l.number_issues <> '{}') = %s`, *f.Flagged)
	}
	if f.ReviewOutcome != nil {
		w.add(`l.review_outcome = %s`, *f.ReviewOutcome)
	}
	if f.ReviewedByUnitID != nil {
		w.add(fmt.Sprintf(unitSubtree, "l.reviewed_by_unit_id", "%s"), *f.ReviewedByUnitID)
	}
	return w
}

// ListLegalDocuments returns one page of legal documents by number.
func (d *DB) ListLegalDocuments(ctx context.Context, f catalog.LegalDocumentFilter, args page.Args) (page.Page[catalog.LegalDocument], error) {
	p, err := listPage(ctx, d.db, legalDocumentOrdering, args, legalDocumentWhere(f), legalDocumentColumns, "legal_documents l", "l.id",
		listedLegalDocument.legalDocument)
	if err != nil {
		return p, fmt.Errorf("legal documents: list: %w", err)
	}
	return p, nil
}

// CountLegalDocuments counts the legal documents matching f.
func (d *DB) CountLegalDocuments(ctx context.Context, f catalog.LegalDocumentFilter) (int, error) {
	w := legalDocumentWhere(f)
	var n int
	if err := get(ctx, d.db, &n, `SELECT count(*) FROM legal_documents l `+w.sql(), w.args...); err != nil {
		return 0, fmt.Errorf("legal documents: count: %w", err)
	}
	return n, nil
}
