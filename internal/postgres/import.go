package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"tthc/internal/catalog"
)

// SaveProcedure writes a draft keyed by its national code. hash is a digest
// of the draft: when the stored row has the same one nothing is written and
// the outcome is Unchanged, which makes a repeated import a no-op.
// Everything is written in one transaction.
func (d *DB) SaveProcedure(ctx context.Context, dr catalog.ProcedureDraft, hash string) (catalog.Outcome, error) {
	var outcome catalog.Outcome
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		// An import writes thousands of small transactions; not waiting
		// for each to reach the disk makes it several times faster, and a
		// crash can only lose the last few, which the next run redoes.
		if _, err := exec(ctx, tx, `SET LOCAL synchronous_commit = off`); err != nil {
			return fmt.Errorf("set synchronous_commit: %w", err)
		}
		var err error
		if outcome, err = saveProcedure(ctx, tx, dr, hash); err != nil {
			return fmt.Errorf("save: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("save procedure %.60q: %w", dr.Procedure.Code, dataError(err))
	}
	return outcome, nil
}

func saveProcedure(ctx context.Context, tx *sqlx.Tx, dr catalog.ProcedureDraft, hash string) (catalog.Outcome, error) {
	p := dr.Procedure
	var sectorID *int64
	if dr.Sector != "" {
		id, err := upsertName(ctx, tx, "sectors", dr.Sector)
		if err != nil {
			return "", fmt.Errorf("sector: %w", err)
		}
		sectorID = &id
	}
	status := p.Status
	if status == "" {
		status = catalog.StatusInForce
	}
	var row struct {
		ID       int64 `db:"id"`
		Inserted bool  `db:"inserted"`
	}
	err := get(ctx, tx, &row, `
		INSERT INTO procedures (code, name, sector_id, procedure_type, decision_number, audiences,
			steps, requirements, result, result_codes, reception_address, related_text,
			online_available, status, source_url, portal_id, raw_text, source_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (code) DO UPDATE SET
			name = EXCLUDED.name, sector_id = EXCLUDED.sector_id, procedure_type = EXCLUDED.procedure_type,
			decision_number = EXCLUDED.decision_number, audiences = EXCLUDED.audiences, steps = EXCLUDED.steps,
			requirements = EXCLUDED.requirements, result = EXCLUDED.result, result_codes = EXCLUDED.result_codes,
			reception_address = EXCLUDED.reception_address, related_text = EXCLUDED.related_text,
			online_available = EXCLUDED.online_available, status = EXCLUDED.status,
			source_url = EXCLUDED.source_url, portal_id = EXCLUDED.portal_id, raw_text = EXCLUDED.raw_text,
			source_hash = EXCLUDED.source_hash, updated_at = now()
		WHERE procedures.source_hash IS DISTINCT FROM EXCLUDED.source_hash
		RETURNING id, (xmax = 0) AS inserted`,
		p.Code, p.Name, sectorID, p.Type, p.DecisionNumber, pq.Array(nonNil(p.Audiences)),
		p.Steps, p.Requirements, p.Result, pq.Array(nonNil(p.ResultCodes)), p.ReceptionAddr, p.RelatedText,
		p.OnlineAvailable, string(status), p.SourceURL, p.PortalID, p.RawText, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Unchanged, nil
	}
	if err != nil {
		return "", fmt.Errorf("upsert: %w", err)
	}
	if !row.Inserted {
		for _, table := range []string{"procedure_levels", "procedure_agencies", "procedure_channels", "procedure_documents", "procedure_legal_documents"} {
			if _, err := exec(ctx, tx, `DELETE FROM `+table+` WHERE procedure_id = $1`, row.ID); err != nil {
				return "", fmt.Errorf("replace %s: %w", table, err)
			}
		}
	}
	if err := saveParts(ctx, tx, row.ID, dr); err != nil {
		return "", fmt.Errorf("parts: %w", err)
	}
	if row.Inserted {
		return catalog.Inserted, nil
	}
	return catalog.Updated, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// upsertName returns the id of the row of table (sectors or agencies) with
// the name, creating it if needed.
func upsertName(ctx context.Context, tx *sqlx.Tx, table, name string) (int64, error) {
	var id int64
	err := get(ctx, tx, &id, `WITH ins AS (
			INSERT INTO `+table+` (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM `+table+` WHERE name = $1 LIMIT 1`, name)
	if err != nil {
		return 0, fmt.Errorf("%s: upsert a name: %w", table, err)
	}
	return id, nil
}

// saveParts inserts a procedure's levels, agencies, channels, documents and
// legal basis, one statement per part.
func saveParts(ctx context.Context, tx *sqlx.Tx, id int64, dr catalog.ProcedureDraft) error {
	if len(dr.Levels) > 0 {
		if _, err := exec(ctx, tx, `INSERT INTO procedure_levels (procedure_id, level_code)
			SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, id, pq.Array(dr.Levels)); err != nil {
			return fmt.Errorf("levels: %w", err)
		}
	}
	if len(dr.Agencies) > 0 {
		names := make([]string, len(dr.Agencies))
		roles := make([]string, len(dr.Agencies))
		for i, a := range dr.Agencies {
			names[i], roles[i] = a.Name, string(a.Role)
		}
		if _, err := exec(ctx, tx, `INSERT INTO agencies (name) SELECT DISTINCT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`, pq.Array(names)); err != nil {
			return fmt.Errorf("agencies: %w", err)
		}
		if _, err := exec(ctx, tx, `INSERT INTO procedure_agencies (procedure_id, agency_id, role, position)
			SELECT $1, a.id, x.role, x.position
			FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(name, role, position)
			JOIN agencies a ON a.name = x.name
			ON CONFLICT DO NOTHING`, id, pq.Array(names), pq.Array(roles)); err != nil {
			return fmt.Errorf("procedure agencies: %w", err)
		}
	}
	if len(dr.Channels) > 0 {
		type channelJSON struct {
			Position    int     `json:"position"`
			Kind        string  `json:"kind"`
			TimeValue   *string `json:"time_value"`
			TimeUnit    *string `json:"time_unit"`
			TimeText    string  `json:"time_text"`
			FeeText     string  `json:"fee_text"`
			FeeAmount   *string `json:"fee_amount"`
			FeeCurrency *string `json:"fee_currency"`
			Description string  `json:"description"`
		}
		rows := make([]channelJSON, len(dr.Channels))
		for i, c := range dr.Channels {
			rows[i] = channelJSON{Position: i + 1, Kind: string(c.Kind), TimeText: c.TimeText, FeeText: c.Fee.Text, Description: c.Description}
			if c.ProcessingTime != nil {
				v, u := c.ProcessingTime.Value.String(), string(c.ProcessingTime.Unit)
				rows[i].TimeValue, rows[i].TimeUnit = &v, &u
			}
			if c.Fee.Amount != nil {
				v, cur := c.Fee.Amount.String(), c.Fee.Currency
				rows[i].FeeAmount, rows[i].FeeCurrency = &v, &cur
			}
		}
		if err := insertJSON(ctx, tx, `INSERT INTO procedure_channels
			(procedure_id, position, kind, time_value, time_unit, time_text, fee_text, fee_amount, fee_currency, description)
			SELECT $1, x.position, x.kind, x.time_value, x.time_unit, x.time_text, x.fee_text, x.fee_amount, x.fee_currency, x.description
			FROM jsonb_to_recordset($2) AS x(position int, kind text, time_value numeric, time_unit text, time_text text,
				fee_text text, fee_amount numeric, fee_currency text, description text)`, id, rows); err != nil {
			return fmt.Errorf("channels: %w", err)
		}
	}
	if len(dr.Documents) > 0 {
		type documentJSON struct {
			Position  int    `json:"position"`
			Group     string `json:"group_name"`
			Name      string `json:"name"`
			Form      string `json:"form"`
			Originals *int   `json:"originals"`
			Copies    *int   `json:"copies"`
			Quantity  string `json:"quantity"`
		}
		rows := make([]documentJSON, len(dr.Documents))
		for i, doc := range dr.Documents {
			rows[i] = documentJSON{i + 1, doc.Group, doc.Name, doc.Form, doc.Originals, doc.Copies, doc.Quantity}
		}
		if err := insertJSON(ctx, tx, `INSERT INTO procedure_documents
			(procedure_id, position, group_name, name, form, originals, copies, quantity)
			SELECT $1, x.position, x.group_name, x.name, x.form, x.originals, x.copies, x.quantity
			FROM jsonb_to_recordset($2) AS x(position int, group_name text, name text, form text,
				originals int, copies int, quantity text)`, id, rows); err != nil {
			return fmt.Errorf("documents: %w", err)
		}
	}
	if len(dr.LegalBasis) > 0 {
		numbers := make([]string, len(dr.LegalBasis))
		titles := make([]string, len(dr.LegalBasis))
		types := make([]sql.NullString, len(dr.LegalBasis))
		issuers := make([]string, len(dr.LegalBasis))
		issues := make([]string, len(dr.LegalBasis))
		for i, l := range dr.LegalBasis {
			numbers[i], titles[i] = l.Number, l.Title
			typ, issuer := catalog.LegalTypeFromNumber(l.Number)
			types[i] = sql.NullString{String: typ, Valid: typ != ""}
			issuers[i] = issuer
			issues[i] = strings.Join(numberIssues(l.Number), ",")
		}
		// A document keeps the first title that names it: one that only
		// repeats its type and number ("Luật 60/2014/QH13", title_generic)
		// gives way to the first that names it ("Luật Hộ tịch"). An
		// administrator's title is never generic, so it stays.
		if _, err := exec(ctx, tx, `INSERT INTO legal_documents (number, title, doc_type, issuer, number_issues)
			SELECT DISTINCT ON (n) n, t, ty, i, coalesce(string_to_array(nullif(iss, ''), ','), '{}')
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(n, t, ty, i, iss, ord)
			ORDER BY n, ord
			ON CONFLICT (number, issuer) DO UPDATE SET
				title = CASE WHEN legal_documents.title_generic AND NOT legal_title_generic(EXCLUDED.title)
					THEN EXCLUDED.title ELSE legal_documents.title END,
				number_issues = EXCLUDED.number_issues
			WHERE (legal_documents.title_generic AND NOT legal_title_generic(EXCLUDED.title))
				OR legal_documents.number_issues IS DISTINCT FROM EXCLUDED.number_issues`,
			pq.Array(numbers), pq.Array(titles), pq.Array(types), pq.Array(issuers), pq.Array(issues)); err != nil {
			return fmt.Errorf("legal documents: %w", err)
		}
		if _, err := exec(ctx, tx, `INSERT INTO procedure_legal_documents (procedure_id, legal_document_id, position, cited_title)
			SELECT $1, l.id, x.position, x.title
			FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(number, title, issuer, position)
			JOIN legal_documents l ON l.number = x.number AND l.issuer = x.issuer
			ON CONFLICT DO NOTHING`, id, pq.Array(numbers), pq.Array(titles), pq.Array(issuers)); err != nil {
			return fmt.Errorf("procedure legal documents: %w", err)
		}
	}
	return nil
}

// legalNumberIssues reads the number_issues column.
func legalNumberIssues(a []string) []catalog.LegalNumberIssue {
	if len(a) == 0 {
		return nil // a sound number, as a new catalog.LegalDocument has
	}
	out := make([]catalog.LegalNumberIssue, len(a))
	for i, s := range a {
		out[i] = catalog.LegalNumberIssue(s)
	}
	return out
}

// numberIssues flags a legal document number that cannot be right as
// written (catalog.LegalNumberIssues), for the number_issues column.
func numberIssues(number string) []string {
	var out []string
	for _, issue := range catalog.LegalNumberIssues(number, time.Now().Year()) {
		out = append(out, string(issue))
	}
	return out
}

// insertJSON runs an INSERT that reads its rows from a JSON array ($2), so
// a procedure's parts go in with one statement.
func insertJSON(ctx context.Context, tx *sqlx.Tx, query string, id int64, rows any) error {
	b, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("encode the parts of %d: %w", id, err)
	}
	if _, err = exec(ctx, tx, query, id, string(b)); err != nil {
		return fmt.Errorf("insert the parts of %d: %w", id, err)
	}
	return nil
}
