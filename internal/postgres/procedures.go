package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/page"
)

type procedureRow struct {
	ID              int64          `db:"id"`
	Code            string         `db:"code"`
	Name            string         `db:"name"`
	SectorID        *int64         `db:"sector_id"`
	Type            string         `db:"procedure_type"`
	DecisionNumber  string         `db:"decision_number"`
	Audiences       pq.StringArray `db:"audiences"`
	Steps           string         `db:"steps"`
	Requirements    string         `db:"requirements"`
	Result          string         `db:"result"`
	ResultCodes     pq.StringArray `db:"result_codes"`
	ReceptionAddr   string         `db:"reception_address"`
	RelatedText     string         `db:"related_text"`
	OnlineAvailable bool           `db:"online_available"`
	Status          string         `db:"status"`
	SourceURL       string         `db:"source_url"`
	PortalID        string         `db:"portal_id"`
	RawText         string         `db:"raw_text"`
	CreatedAt       time.Time      `db:"created_at"`
	UpdatedAt       time.Time      `db:"updated_at"`
	LevelCodes      pq.StringArray `db:"level_codes"`
	SectorName      *string        `db:"sector_name"`
	SectorMinistry  *int64         `db:"sector_ministry_unit_id"`
	CursorKeys      pq.StringArray `db:"cursor_keys"`
	Total           *int           `db:"total_count"`
}

func (r procedureRow) procedure() catalog.Procedure {
	return catalog.Procedure{
		ID: r.ID, Code: r.Code, Name: r.Name, SectorID: r.SectorID, Type: r.Type,
		DecisionNumber: r.DecisionNumber, Audiences: r.Audiences, Steps: r.Steps,
		Requirements: r.Requirements, Result: r.Result, ResultCodes: r.ResultCodes,
		ReceptionAddr: r.ReceptionAddr, RelatedText: r.RelatedText,
		OnlineAvailable: r.OnlineAvailable, Status: catalog.Status(r.Status),
		SourceURL: r.SourceURL, PortalID: r.PortalID, RawText: r.RawText,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Levels: levelCodes(r.LevelCodes), Sector: r.sector(),
	}
}

func (r procedureRow) cursorKeys() ([]string, int64) { return r.CursorKeys, r.ID }

func (r procedureRow) sector() *catalog.Sector {
	if r.SectorID == nil || r.SectorName == nil {
		return nil
	}
	return &catalog.Sector{ID: *r.SectorID, Name: *r.SectorName, MinistryUnitID: r.SectorMinistry}
}

// levelCodes converts the level_codes column; never nil, so that the
// procedure shows its levels were read.
func levelCodes(codes []string) []catalog.LevelCode {
	out := make([]catalog.LevelCode, len(codes))
	for i, c := range codes {
		out[i] = catalog.LevelCode(c)
	}
	return out
}

// procedureColumns read a procedure with its levels (in code order: a
// join to order them by rank doubled the cost of the statement) and its
// sector: the subqueries cost an index lookup each, and PostgreSQL runs
// them only for the rows a page returns (after its sort and limit), where
// the loaders would have spent two more statements.
const procedureColumns = `p.id, p.code, p.name, p.sector_id, p.procedure_type, p.decision_number,
	p.audiences, p.steps, p.requirements, p.result, p.result_codes, p.reception_address,
	p.related_text, p.online_available, p.status, p.source_url, p.portal_id, p.raw_text,
	p.created_at, p.updated_at,
	ARRAY(SELECT pl.level_code FROM procedure_levels pl WHERE pl.procedure_id = p.id ORDER BY pl.level_code) AS level_codes,
	(SELECT s.name FROM sectors s WHERE s.id = p.sector_id) AS sector_name,
	(SELECT s.ministry_unit_id FROM sectors s WHERE s.id = p.sector_id) AS sector_ministry_unit_id`

// procedureWhere turns a filter into SQL conditions on procedures p.
func procedureWhere(f catalog.ProcedureFilter) *where {
	w := &where{}
	if terms := catalog.SearchTerms(f.Search); len(terms) > 0 {
		// Every word must match the start of a word of the folded name or
		// code (so typing "giay ph" already finds "Giấy phép"), or the
		// whole search is a code prefix.
		code := strings.TrimSpace(f.Search)
		w.add(`(p.search_vector @@ (SELECT to_tsquery('simple', string_agg(quote_literal(vn_fold(t)) || ':*', ' & ')) FROM unnest(%s::text[]) t)
			OR p.code LIKE %s)`, pq.Array(terms), escapeLike(code)+"%")
	}
	if len(f.Levels) > 0 {
		w.add(`EXISTS (SELECT 1 FROM procedure_levels pl WHERE pl.procedure_id = p.id AND pl.level_code = ANY(%s))`, pq.Array(f.Levels))
	}
	if len(f.SectorIDs) > 0 {
		w.add(`p.sector_id = ANY(%s)`, pq.Array(f.SectorIDs))
	}
	if len(f.AgencyIDs) > 0 {
		w.add(`EXISTS (SELECT 1 FROM procedure_agencies pa WHERE pa.procedure_id = p.id AND pa.agency_id = ANY(%s))`, pq.Array(f.AgencyIDs))
	}
	if f.UnitID != nil {
		w.add(`EXISTS (SELECT 1 FROM unit_procedures up WHERE up.procedure_id = p.id AND up.unit_id = %s)`, *f.UnitID)
	}
	if f.Channel != nil {
		w.add(`EXISTS (SELECT 1 FROM procedure_channels pc WHERE pc.procedure_id = p.id AND pc.kind = %s)`, string(*f.Channel))
	}
	if f.Status != nil {
		w.add(`p.status = %s`, string(*f.Status))
	}
	if f.LegalDocumentID != nil {
		w.add(`EXISTS (SELECT 1 FROM procedure_legal_documents pld WHERE pld.procedure_id = p.id AND pld.legal_document_id = %s)`, *f.LegalDocumentID)
	}
	return w
}

// procedureOrdering returns the whitelisted ordering for o. Relevance puts
// exact matches of the code or the name first, then prefixes, then names
// holding the search as a phrase, then the other matches.
func procedureOrdering(o catalog.ProcedureOrder, w *where, search string) (ordering, error) {
	switch o.Field {
	case catalog.OrderName:
		return ordering{name: "name", keys: []sortKey{{"p.name_key", textKey}}, desc: o.Desc}, nil
	case catalog.OrderCode:
		return ordering{name: "code", keys: []sortKey{{"p.code", textKey}}, desc: o.Desc}, nil
	case catalog.OrderUpdatedAt:
		return ordering{name: "updated", keys: []sortKey{{"p.updated_at", timeKey}}, desc: o.Desc}, nil
	case catalog.OrderRelevance:
		terms := catalog.SearchTerms(search)
		if len(terms) == 0 {
			return ordering{}, errs.Fieldf("orderBy", "RELEVANCE ordering needs a search")
		}
		words := w.arg(strings.Join(terms, " "))
		code := w.arg(strings.TrimSpace(search))
		codePrefix := w.arg(escapeLike(strings.TrimSpace(search)))
		tier := `(CASE
			WHEN p.code = ` + code + ` OR p.name_core = vn_fold(` + words + `) THEN 0
			WHEN p.code LIKE ` + codePrefix + ` || '%' OR p.name_core LIKE vn_fold(` + words + `) || '%' THEN 1
			WHEN p.name_words LIKE '%' || vn_fold(` + words + `) || '%' THEN 2
			ELSE 3 END)`
		// Within a tier, shorter names match more closely.
		return ordering{name: "relevance", keys: []sortKey{{tier, intKey}, {"length(p.name_words)", intKey}, {"p.name_key", textKey}}, desc: o.Desc}, nil
	}
	return ordering{}, errs.Fieldf("orderBy", "unknown ordering %q", o.Field)
}

// procedureListQuery builds the statement that reads one page.
type procedureListQuery struct {
	sql  string
	args []any
	ord  ordering
	req  page.Request
	// withTotal: the statement counts all matching rows (total_count)
	withTotal bool
}

// procedureSummaryColumns are procedureColumns with every long text left
// empty, for pages whose reader shows none of them (page.Args.Summary).
// Reading, sorting and sending the raw page text and the other long texts
// of every candidate row was most of the cost of a search page.
var procedureSummaryColumns = procedureColumnsFor(catalog.TextFields{})

func listProceduresQuery(f catalog.ProcedureFilter, o catalog.ProcedureOrder, args page.Args) (procedureListQuery, error) {
	w := procedureWhere(f)
	ord, err := procedureOrdering(o, w, f.Search)
	if err != nil {
		return procedureListQuery{}, fmt.Errorf("procedures: order: %w", err)
	}
	req, err := ord.page(args)
	if err != nil {
		return procedureListQuery{}, fmt.Errorf("procedures: %w", err)
	}
	tail := ord.apply(w, req, "p.id")
	cols := procedureColumns
	if args.Summary {
		cols = procedureSummaryColumns
	}
	// Without a cursor the page's statement sees every matching row, so
	// it counts them too (the sort reads them all anyway) and the total
	// costs no statement of its own.
	withTotal := args.WithTotal && req.After == nil && req.Before == nil
	if withTotal {
		cols += `, count(*) OVER () AS total_count`
	}
	q := `SELECT ` + cols + `, ` + ord.cursorKeys() + ` AS cursor_keys
		FROM procedures p ` + w.sql() + ` ` + tail
	return procedureListQuery{sql: q, args: w.args, ord: ord, req: req, withTotal: withTotal}, nil
}

// ListProcedures returns one page of procedures matching f in order o.
func (d *DB) ListProcedures(ctx context.Context, f catalog.ProcedureFilter, o catalog.ProcedureOrder, args page.Args) (page.Page[catalog.Procedure], error) {
	q, err := listProceduresQuery(f, o, args)
	if err != nil {
		return page.Page[catalog.Procedure]{}, fmt.Errorf("procedures: list: %w", err)
	}
	if q.req.Limit == 0 {
		return page.Page[catalog.Procedure]{}, nil
	}
	// Sized for the page: growing a slice of wide rows as they come was a
	// tenth of the allocations of a request.
	rows := make([]procedureRow, 0, q.req.Limit+1)
	if err := sel(ctx, d.db, &rows, q.sql, q.args...); err != nil {
		return page.Page[catalog.Procedure]{}, fmt.Errorf("procedures: list: %w", err)
	}
	out := pageOf(rows, q.req, q.ord, procedureRow.procedure)
	if q.withTotal {
		total := 0 // every row holds the count of all
		if len(rows) > 0 && rows[0].Total != nil {
			total = *rows[0].Total
		}
		out.Total = &total
	}
	return out, nil
}

// CountProcedures counts the procedures matching f.
func (d *DB) CountProcedures(ctx context.Context, f catalog.ProcedureFilter) (int, error) {
	w := procedureWhere(f)
	var n int
	if err := get(ctx, d.db, &n, `SELECT count(*) FROM procedures p `+w.sql(), w.args...); err != nil {
		return 0, fmt.Errorf("procedures: count: %w", err)
	}
	return n, nil
}

// ProcedureByCode returns the procedure with the national code, with the
// long texts named by texts (the others empty), or a NotFound error.
func (d *DB) ProcedureByCode(ctx context.Context, code string, texts catalog.TextFields) (catalog.Procedure, error) {
	p, err := d.ProcedureDetailByCode(ctx, code, texts, catalog.Parts{})
	return p.Procedure, err
}

// procedureColumnsFor returns procedureColumns with the long texts that
// texts leaves out read as empty strings. The reception address and the
// related text, which the API does not show, are read only with every
// text (for the store's own callers).
func procedureColumnsFor(texts catalog.TextFields) string {
	return procedureColumnsByTexts[texts]
}

// procedureColumnsByTexts holds the columns for every TextFields, made
// once rather than for each read.
var procedureColumnsByTexts = func() map[catalog.TextFields]string {
	m := map[catalog.TextFields]string{}
	for i := range 16 {
		t := catalog.TextFields{Steps: i&1 != 0, Requirements: i&2 != 0, Result: i&4 != 0, RawText: i&8 != 0}
		m[t] = blankTexts(t)
	}
	return m
}()

func blankTexts(texts catalog.TextFields) string {
	if texts == catalog.AllTexts {
		return procedureColumns
	}
	blank := []string{"reception_address", "related_text"}
	for _, c := range []struct {
		keep   bool
		column string
	}{{texts.Steps, "steps"}, {texts.Requirements, "requirements"}, {texts.Result, "result"}, {texts.RawText, "raw_text"}} {
		if !c.keep {
			blank = append(blank, c.column)
		}
	}
	var pairs []string
	for _, c := range blank {
		pairs = append(pairs, "p."+c+",", "'' AS "+c+",")
	}
	return strings.NewReplacer(pairs...).Replace(procedureColumns)
}

// ProceduresByIDs returns the procedures with the given ids, in no order.
func (d *DB) ProceduresByIDs(ctx context.Context, ids []int64) ([]catalog.Procedure, error) {
	return d.proceduresByIDs(ctx, procedureColumns, ids)
}

// ProcedureSummariesByIDs returns the procedures with the given ids, in
// no order, with their long texts (steps, requirements, result, reception
// address, related text, raw page text) left empty: for lists that show
// none of them, such as a page of proposals.
func (d *DB) ProcedureSummariesByIDs(ctx context.Context, ids []int64) ([]catalog.Procedure, error) {
	return d.proceduresByIDs(ctx, procedureSummaryColumns, ids)
}

func (d *DB) proceduresByIDs(ctx context.Context, columns string, ids []int64) ([]catalog.Procedure, error) {
	rows := make([]procedureRow, 0, len(ids))
	if err := sel(ctx, d.db, &rows, `SELECT `+columns+`, NULL AS cursor_keys FROM procedures p WHERE p.id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("procedures: by ids: %w", err)
	}
	return convert(rows, procedureRow.procedure), nil
}
