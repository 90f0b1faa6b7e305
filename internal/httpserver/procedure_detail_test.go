package httpserver_test

import (
	"bytes"
	"encoding/json"
	"testing"
)

// procedureParts is every field of the parts of a procedure.
const procedureParts = `code
	channels { kind processingTime { value unit } processingTimeText fee { text amount currency } description }
	documents { group name form originals copies quantityText }
	agencies { role agency { id name } }
	executing: agencies(role: EXECUTING) { agency { name } }
	legalDocuments { id number title type issuer issuedOn effectiveOn expiresOn validity reviewOutcome }`

// TestProcedureInDepth checks that procedure(code:), which reads the parts
// it shows in its own statement (as JSON that PostgreSQL aggregates),
// answers every procedure of the catalog exactly as a page of procedures
// does, whose parts the batch loaders read, and that it costs one
// statement whatever parts it shows.
func TestProcedureInDepth(t *testing.T) {
	a := newCatalogAPI(t)
	// The portal gives no dates nor reviews of legal documents: give some
	// of them all, others some.
	a.exec(t, `UPDATE legal_documents SET issued_on = date '2015-01-01' + (id % 3000)::int,
		effective_on = CASE WHEN id % 2 = 0 THEN date '2015-02-28' + (id % 3000)::int END,
		expires_on = CASE WHEN id % 4 = 0 THEN date '2030-12-31' END,
		validity = (ARRAY['IN_FORCE', 'EXPIRED', 'PARTLY_EXPIRED', 'SUSPENDED'])[1 + id % 4],
		review_outcome = CASE WHEN id % 5 > 0 THEN (ARRAY['KEEP', 'AMEND', 'REPLACE', 'REPEAL'])[1 + id % 4] END
		WHERE id % 3 > 0`)
	type pageResult struct {
		Procedures struct {
			Nodes    []json.RawMessage
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	listed := map[string]json.RawMessage{}
	var after *string
	for {
		var page pageResult
		a.query(t, `query($after: String) { procedures(first: 100, after: $after, orderBy: {field: CODE}) {
			nodes { `+procedureParts+` } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &page)
		for _, n := range page.Procedures.Nodes {
			var p struct{ Code string }
			if err := json.Unmarshal(n, &p); err != nil {
				t.Fatal(err)
			}
			listed[p.Code] = n
		}
		if !page.Procedures.PageInfo.HasNextPage {
			break
		}
		after = page.Procedures.PageInfo.EndCursor
	}
	if n := a.count(t, `SELECT count(*) FROM procedures`); len(listed) != n {
		t.Fatalf("listed %d procedures, the catalog has %d", len(listed), n)
	}
	// The catalog must exercise every part, nulls included.
	for what, q := range map[string]string{
		"channels with a fee amount":          `SELECT count(*) FROM procedure_channels WHERE fee_amount IS NOT NULL`,
		"channels with a processing time":     `SELECT count(*) FROM procedure_channels WHERE time_value IS NOT NULL`,
		"documents with counts":               `SELECT count(*) FROM procedure_documents WHERE originals IS NOT NULL`,
		"agencies":                            `SELECT count(*) FROM procedure_agencies`,
		"legal documents with an issue date":  `SELECT count(*) FROM procedure_legal_documents pl JOIN legal_documents l ON l.id = pl.legal_document_id WHERE l.issued_on IS NOT NULL`,
		"legal documents without one":         `SELECT count(*) FROM procedure_legal_documents pl JOIN legal_documents l ON l.id = pl.legal_document_id WHERE l.issued_on IS NULL`,
		"procedures without legal documents":  `SELECT count(*) FROM procedures p WHERE NOT EXISTS (SELECT 1 FROM procedure_legal_documents WHERE procedure_id = p.id)`,
		"legal documents without a type":      `SELECT count(*) FROM legal_documents WHERE doc_type IS NULL`,
		"procedures without dossier document": `SELECT count(*) FROM procedures p WHERE NOT EXISTS (SELECT 1 FROM procedure_documents WHERE procedure_id = p.id)`,
	} {
		if a.count(t, q) == 0 {
			t.Errorf("the catalog has no %s", what)
		}
	}

	for code, want := range listed {
		var got struct{ Procedure json.RawMessage }
		res := a.query(t, `query($code: String!) { procedure(code: $code) { `+procedureParts+` } }`, map[string]any{"code": code}, &got)
		if !bytes.Equal(got.Procedure, want) {
			t.Fatalf("procedure %s alone:\n%s\nin a page:\n%s", code, got.Procedure, want)
		}
		if res.Statements != 1 {
			t.Fatalf("procedure %s with its parts ran %d SQL statements, want 1", code, res.Statements)
		}
	}

	// Without parts, or with some, still one statement; a fragment on
	// Node counts as shown.
	for _, q := range []string{
		`{ procedure(code: "1.001193") { code name } }`,
		`{ procedure(code: "1.001193") { code documents { name } } }`,
		`{ procedure(code: "1.001193") { ... on Node { ... on Procedure { channels { kind } legalDocuments { number } } } } }`,
	} {
		if res := a.query(t, q, nil, nil); res.Statements != 1 {
			t.Errorf("%s ran %d SQL statements, want 1", q, res.Statements)
		}
	}
}
