package postgres_test

import (
	"context"
	"database/sql"
	"reflect"
	"testing"

	"tthc/internal/catalog"
	"tthc/internal/page"
	"tthc/internal/testdb"
)

// TestLegalDocumentsOfTheSharedFile checks the legal documents an import
// of the whole shared file leaves: the real titles, one entry per
// document, and the numbers flagged for reviewers.
func TestLegalDocumentsOfTheSharedFile(t *testing.T) {
	ctx := context.Background()
	url := testdb.Catalog(t)
	db := testdb.Open(t, url)
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })

	// Most procedures cite the Law on Civil Status as "Luật 60/2014/QH13";
	// one names it. The catalog keeps the name, so a search finds the law.
	var title string
	if err := raw.QueryRow(`SELECT title FROM legal_documents WHERE number = '60/2014/QH13'`).Scan(&title); err != nil {
		t.Fatal(err)
	}
	if title != "Luật Hộ tịch" {
		t.Errorf("60/2014/QH13 is titled %q, want Luật Hộ tịch", title)
	}
	first := 20
	found, err := db.ListLegalDocuments(ctx, catalog.LegalDocumentFilter{Search: "hộ tịch", Types: []string{"LAW"}}, page.Args{First: &first})
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, e := range found.Edges {
		numbers = append(numbers, e.Node.Number)
	}
	if !reflect.DeepEqual(numbers, []string{"60/2014/QH13"}) {
		t.Errorf(`legalDocuments(filter: {search: "hộ tịch", types: [LAW]}) = %v, want the Law on Civil Status`, numbers)
	}
	// A generic title never wins over a real one.
	if n := queryInt(t, raw, `SELECT count(*) FROM legal_documents l WHERE l.title_generic AND EXISTS (
		SELECT 1 FROM procedure_legal_documents p WHERE p.legal_document_id = l.id AND NOT legal_title_generic(p.cited_title))`); n != 0 {
		t.Errorf("%d documents keep a generic title though a procedure names them", n)
	}

	// No document is split in two: a symbol cut short ("46/2020",
	// "52/2024/NĐ") next to the whole one.
	rows, err := raw.Query(`SELECT a.number, b.number FROM legal_documents a JOIN legal_documents b
		ON a.id <> b.id AND (b.number LIKE a.number || '/%' OR b.number LIKE a.number || '-%')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		t.Errorf("legal document %s is a cut %s", a, b)
	}
	rows.Close()

	// The portal's "Luật Quản lý thuế số 78/2006/QH10" cannot be: the law
	// of 2006 belongs to the 11th legislature. It is kept, and flagged.
	flagged := true
	list, err := db.ListLegalDocuments(ctx, catalog.LegalDocumentFilter{Flagged: &flagged}, page.Args{First: &first})
	if err != nil {
		t.Fatal(err)
	}
	issues := map[string][]catalog.LegalNumberIssue{}
	for _, e := range list.Edges {
		issues[e.Node.Number] = e.Node.NumberIssues
	}
	if got := issues["78/2006/QH10"]; !reflect.DeepEqual(got, []catalog.LegalNumberIssue{catalog.IssueYearOutsideTerm}) {
		t.Errorf("78/2006/QH10 flagged %v, want YEAR_OUTSIDE_TERM; flagged documents: %v", got, issues)
	}
	if _, ok := issues["60/2014/QH13"]; ok {
		t.Errorf("a sound number is flagged")
	}
}

// TestLegalDocumentMigration checks migration 00008 on its own: the
// number_issues column takes only known issues, and legal_title_generic
// tells a title that names a document from one that repeats its number.
func TestLegalDocumentMigration(t *testing.T) {
	url := testdb.New(t)
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	if _, err := raw.Exec(`INSERT INTO legal_documents (number, number_issues) VALUES ('1/2020/X', '{TYPO}')`); err == nil {
		t.Error("an unknown number issue was accepted")
	}
	if _, err := raw.Exec(`INSERT INTO legal_documents (number, number_issues) VALUES ('12/2025/QH13', '{YEAR_OUTSIDE_TERM}')`); err != nil {
		t.Errorf("a known number issue was refused: %v", err)
	}
	for title, want := range map[string]bool{
		"":                           true,
		"Luật 60/2014/QH13":          true,
		"Thông tư":                   true,
		"Nghị định số 46/2020/NĐ-CP": true,
		"Luật số: 59/2020/QH14 ngày 17/6/2020": true,
		"Luật Hộ tịch":                         false,
		"Thông tư số 73/2024/TT-BTC ngày 21/10/2024 của Bộ Tài chính quy định mức thu": false,
	} {
		var got bool
		if err := raw.QueryRow(`SELECT legal_title_generic($1)`, title).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("legal_title_generic(%q) = %v, want %v", title, got, want)
		}
	}
}
