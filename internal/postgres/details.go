package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"tthc/internal/catalog"
)

// The functions here fetch the parts of many procedures at once, for the
// API's batch loaders: one statement per part, whatever the page size.
// convert and groupBy make domain values of the rows read, here and for
// the other batch reads.

// convert makes each row a T.
func convert[R, T any](rows []R, conv func(R) T) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return out
}

// groupBy groups rows by key, in their order, each made a T by conv; n
// is the number of keys expected.
func groupBy[R, T any](rows []R, n int, key func(R) int64, conv func(R) T) map[int64][]T {
	out := make(map[int64][]T, n)
	for _, r := range rows {
		k := key(r)
		out[k] = append(out[k], conv(r))
	}
	return out
}

// channelRow is a channel as read from procedure_channels, by a
// statement (db) or as JSON aggregated in one (json, procedureParts).
type channelRow struct {
	ProcedureID int64            `db:"procedure_id"`
	Kind        string           `db:"kind" json:"kind"`
	TimeValue   *decimal.Decimal `db:"time_value" json:"time_value"`
	TimeUnit    *string          `db:"time_unit" json:"time_unit"`
	TimeText    string           `db:"time_text" json:"time_text"`
	FeeText     string           `db:"fee_text" json:"fee_text"`
	FeeAmount   *decimal.Decimal `db:"fee_amount" json:"fee_amount"`
	FeeCurrency *string          `db:"fee_currency" json:"fee_currency"`
	Description string           `db:"description" json:"description"`
}

func (r channelRow) channel() catalog.Channel {
	c := catalog.Channel{
		Kind:        catalog.ChannelKind(r.Kind),
		TimeText:    r.TimeText,
		Fee:         catalog.Fee{Text: r.FeeText, Amount: r.FeeAmount},
		Description: r.Description,
	}
	if r.TimeValue != nil && r.TimeUnit != nil {
		c.ProcessingTime = &catalog.ProcessingTime{Value: *r.TimeValue, Unit: catalog.TimeUnit(*r.TimeUnit)}
	}
	if r.FeeCurrency != nil {
		c.Fee.Currency = *r.FeeCurrency
	}
	return c
}

// ChannelsByProcedure returns the channels of each procedure, in the
// portal's order.
func (d *DB) ChannelsByProcedure(ctx context.Context, ids []int64) (map[int64][]catalog.Channel, error) {
	var rows []channelRow
	if err := sel(ctx, d.db, &rows, `
		SELECT procedure_id, kind, time_value, time_unit, time_text, fee_text, fee_amount, fee_currency, description
		FROM procedure_channels WHERE procedure_id = ANY($1)
		ORDER BY procedure_id, position`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("procedures: channels: %w", err)
	}
	return groupBy(rows, len(ids), func(r channelRow) int64 { return r.ProcedureID }, channelRow.channel), nil
}

type documentRow struct {
	ProcedureID int64  `db:"procedure_id"`
	Group       string `db:"group_name" json:"group_name"`
	Name        string `db:"name" json:"name"`
	Form        string `db:"form" json:"form"`
	Originals   *int   `db:"originals" json:"originals"`
	Copies      *int   `db:"copies" json:"copies"`
	Quantity    string `db:"quantity" json:"quantity"`
}

func (r documentRow) document() catalog.Document {
	return catalog.Document{Group: r.Group, Name: r.Name, Form: r.Form, Originals: r.Originals, Copies: r.Copies, Quantity: r.Quantity}
}

// DocumentsByProcedure returns the dossier documents of each procedure.
func (d *DB) DocumentsByProcedure(ctx context.Context, ids []int64) (map[int64][]catalog.Document, error) {
	var rows []documentRow
	if err := sel(ctx, d.db, &rows, `
		SELECT procedure_id, group_name, name, form, originals, copies, quantity
		FROM procedure_documents WHERE procedure_id = ANY($1)
		ORDER BY procedure_id, position`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("procedures: documents: %w", err)
	}
	return groupBy(rows, len(ids), func(r documentRow) int64 { return r.ProcedureID }, documentRow.document), nil
}

type agencyRow struct {
	ProcedureID int64  `db:"procedure_id"`
	Role        string `db:"role" json:"role"`
	ID          int64  `db:"id" json:"id"`
	Name        string `db:"name" json:"name"`
	UnitID      *int64 `db:"unit_id" json:"unit_id"`
}

func (r agencyRow) agency() catalog.ProcedureAgency {
	return catalog.ProcedureAgency{Role: catalog.AgencyRole(r.Role), Agency: catalog.Agency{ID: r.ID, Name: r.Name, UnitID: r.UnitID}}
}

// AgenciesByProcedure returns the agencies of each procedure with their roles.
func (d *DB) AgenciesByProcedure(ctx context.Context, ids []int64) (map[int64][]catalog.ProcedureAgency, error) {
	var rows []agencyRow
	if err := sel(ctx, d.db, &rows, `
		SELECT pa.procedure_id, pa.role, a.id, a.name, a.unit_id
		FROM procedure_agencies pa JOIN agencies a ON a.id = pa.agency_id
		WHERE pa.procedure_id = ANY($1)
		ORDER BY pa.procedure_id, pa.role, pa.position`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("procedures: agencies: %w", err)
	}
	return groupBy(rows, len(ids), func(r agencyRow) int64 { return r.ProcedureID }, agencyRow.agency), nil
}

type legalDocumentRow struct {
	ID            int64          `db:"id" json:"id"`
	Number        string         `db:"number" json:"number"`
	Title         string         `db:"title" json:"title"`
	Type          *string        `db:"doc_type" json:"doc_type"`
	Issuer        string         `db:"issuer" json:"issuer"`
	IssuedOn      *time.Time     `db:"issued_on" json:"issued_on"`
	EffectiveOn   *time.Time     `db:"effective_on" json:"effective_on"`
	ExpiresOn     *time.Time     `db:"expires_on" json:"expires_on"`
	Validity      *string        `db:"validity" json:"validity"`
	ReviewOutcome *string        `db:"review_outcome" json:"review_outcome"`
	NumberIssues  pq.StringArray `db:"number_issues" json:"number_issues"`
}

const legalDocumentColumns = `l.id, l.number, l.title, l.doc_type, l.issuer, l.issued_on, l.effective_on, l.expires_on, l.validity, l.review_outcome, l.number_issues`

func (r legalDocumentRow) legalDocument() catalog.LegalDocument {
	return catalog.LegalDocument{
		ID: r.ID, Number: r.Number, Title: r.Title, Type: r.Type, Issuer: r.Issuer,
		IssuedOn: r.IssuedOn, EffectiveOn: r.EffectiveOn, ExpiresOn: r.ExpiresOn,
		Validity: r.Validity, ReviewOutcome: r.ReviewOutcome, NumberIssues: legalNumberIssues(r.NumberIssues),
	}
}

// LegalDocumentsByProcedure returns the legal basis of each procedure.
func (d *DB) LegalDocumentsByProcedure(ctx context.Context, ids []int64) (map[int64][]catalog.LegalDocument, error) {
	type basisRow struct {
		ProcedureID int64 `db:"procedure_id"`
		legalDocumentRow
	}
	var rows []basisRow
	if err := sel(ctx, d.db, &rows, `
		SELECT pld.procedure_id, `+legalDocumentColumns+`
		FROM procedure_legal_documents pld JOIN legal_documents l ON l.id = pld.legal_document_id
		WHERE pld.procedure_id = ANY($1)
		ORDER BY pld.procedure_id, pld.position`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("procedures: legal documents: %w", err)
	}
	return groupBy(rows, len(ids), func(r basisRow) int64 { return r.ProcedureID }, basisRow.legalDocument), nil
}
