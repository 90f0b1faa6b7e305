package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// A procedure shown in depth reads its parts in its own statement: each
// part is a JSON array that PostgreSQL aggregates from the part's rows in
// their order (as PostGraphile answers a whole operation), or NULL when
// the caller does not show it. One statement instead of one per part,
// and no loader waiting to batch a single key.

// partColumns are the aggregates of the parts, in catalog.Parts order;
// the keys are the columns the batch loaders read (details.go), so one
// row type decodes both.
var partColumns = [4]string{
	`(SELECT json_agg(json_build_object('kind', c.kind, 'time_value', c.time_value, 'time_unit', c.time_unit,
		'time_text', c.time_text, 'fee_text', c.fee_text, 'fee_amount', c.fee_amount, 'fee_currency', c.fee_currency,
		'description', c.description) ORDER BY c.position)
	FROM procedure_channels c WHERE c.procedure_id = p.id) AS channels`,
	`(SELECT json_agg(json_build_object('group_name', d.group_name, 'name', d.name, 'form', d.form,
		'originals', d.originals, 'copies', d.copies, 'quantity', d.quantity) ORDER BY d.position)
	FROM procedure_documents d WHERE d.procedure_id = p.id) AS documents`,
	`(SELECT json_agg(json_build_object('role', pa.role, 'id', a.id, 'name', a.name, 'unit_id', a.unit_id) ORDER BY pa.role, pa.position)
	FROM procedure_agencies pa JOIN agencies a ON a.id = pa.agency_id WHERE pa.procedure_id = p.id) AS agencies`,
	// Dates as the instants lib/pq scans them to (midnight UTC), which
	// time.Time decodes.
	`(SELECT json_agg(json_build_object('id', l.id, 'number', l.number, 'title', l.title, 'doc_type', l.doc_type,
		'issuer', l.issuer, 'issued_on', to_char(l.issued_on, 'YYYY-MM-DD"T00:00:00Z"'),
		'effective_on', to_char(l.effective_on, 'YYYY-MM-DD"T00:00:00Z"'),
		'expires_on', to_char(l.expires_on, 'YYYY-MM-DD"T00:00:00Z"'),
		'validity', l.validity, 'review_outcome', l.review_outcome, 'number_issues', l.number_issues) ORDER BY pld.position)
	FROM procedure_legal_documents pld JOIN legal_documents l ON l.id = pld.legal_document_id
	WHERE pld.procedure_id = p.id) AS legal_documents`,
}

var partNames = [4]string{"channels", "documents", "agencies", "legal_documents"}

// partsColumns returns the columns that read parts, NULL for the others.
func partsColumns(parts catalog.Parts) string {
	want := [4]bool{parts.Channels, parts.Documents, parts.Agencies, parts.LegalDocuments}
	cols := make([]string, len(partColumns))
	for i, c := range partColumns {
		if want[i] {
			cols[i] = c
		} else {
			cols[i] = "NULL AS " + partNames[i]
		}
	}
	return strings.Join(cols, ",\n\t")
}

type procedureDetailRow struct {
	procedureRow
	Channels       []byte `db:"channels"`
	Documents      []byte `db:"documents"`
	Agencies       []byte `db:"agencies"`
	LegalDocuments []byte `db:"legal_documents"`
}

// ProcedureDetailByCode returns the procedure with the national code, with
// the long texts named by texts (the others empty) and the parts named by
// parts (the others nil), or a NotFound error.
func (d *DB) ProcedureDetailByCode(ctx context.Context, code string, texts catalog.TextFields, parts catalog.Parts) (catalog.ProcedureDetail, error) {
	var r procedureDetailRow
	err := get(ctx, d.db, &r, `SELECT `+procedureColumnsFor(texts)+`, NULL AS cursor_keys,
	`+partsColumns(parts)+`
	FROM procedures p WHERE p.code = $1`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.ProcedureDetail{}, errs.Errorf(errs.NotFound, "no procedure with code %q", code)
	}
	if err != nil {
		return catalog.ProcedureDetail{}, fmt.Errorf("procedures: by code %q: %w", code, err)
	}
	out := catalog.ProcedureDetail{Procedure: r.procedure()}
	if parts.Channels {
		if out.Channels, err = decodePart(r.Channels, channelRow.channel); err != nil {
			return out, fmt.Errorf("procedures: by code %q: channels: %w", code, err)
		}
	}
	if parts.Documents {
		if out.Documents, err = decodePart(r.Documents, documentRow.document); err != nil {
			return out, fmt.Errorf("procedures: by code %q: documents: %w", code, err)
		}
	}
	if parts.Agencies {
		if out.Agencies, err = decodePart(r.Agencies, agencyRow.agency); err != nil {
			return out, fmt.Errorf("procedures: by code %q: agencies: %w", code, err)
		}
	}
	if parts.LegalDocuments {
		if out.LegalDocuments, err = decodePart(r.LegalDocuments, legalDocumentRow.legalDocument); err != nil {
			return out, fmt.Errorf("procedures: by code %q: legal documents: %w", code, err)
		}
	}
	return out, nil
}

// decodePart decodes a part's JSON array (NULL when it has no rows) into
// rows of type R, each made a T by conv; never nil.
func decodePart[R, T any](data []byte, conv func(R) T) ([]T, error) {
	var rows []R
	if data != nil {
		if err := json.Unmarshal(data, &rows); err != nil {
			return nil, err
		}
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return out, nil
}
