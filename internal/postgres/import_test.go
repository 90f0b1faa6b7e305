package postgres_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"tthc/internal/importer"
	"tthc/internal/postgres"
	"tthc/internal/testdb"
)

func load(t *testing.T, db *postgres.DB, data []byte) importer.Summary {
	t.Helper()
	sum, err := importer.Load(context.Background(), bytes.NewReader(data), db, nil)
	if err != nil {
		t.Fatalf("import failed: %v (%s)", err, sum)
	}
	return sum
}

func queryInt(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestImportSharedFile imports the whole shared portal file into an empty
// catalog, then again unchanged, then with one record edited.
func TestImportSharedFile(t *testing.T) {
	data, err := os.ReadFile(testdb.SharedFile(t))
	if err != nil {
		t.Fatal(err)
	}
	url := testdb.New(t)
	db := testdb.Open(t, url)
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })

	sum := load(t, db, data)
	if sum.Read != testdb.SharedRecords || sum.Inserted != testdb.SharedRecords || sum.Rejected != 0 || sum.Updated != 0 {
		t.Fatalf("first import: %s, want %d inserted and none rejected; rejects: %v", sum, testdb.SharedRecords, sum.Rejects)
	}

	// Every part of a record got rows. The lower bounds are well under
	// what the file holds (3,323 channels, 678 legal documents, 1,182
	// procedures with an agency),
	// so a parser change does not break them, but a part that stops being
	// stored does.
	counts := map[string]struct {
		query string
		min   int
	}{
		"procedures":                    {`SELECT count(*) FROM procedures`, testdb.SharedRecords},
		"procedures with a level":       {`SELECT count(DISTINCT procedure_id) FROM procedure_levels`, testdb.SharedRecords - 10},
		"procedures with a channel":     {`SELECT count(DISTINCT procedure_id) FROM procedure_channels`, 1200},
		"channels":                      {`SELECT count(*) FROM procedure_channels`, 3000},
		"channels with a parsed time":   {`SELECT count(*) FROM procedure_channels WHERE time_value IS NOT NULL`, 1500},
		"legal documents":               {`SELECT count(*) FROM legal_documents`, 500},
		"procedures with a legal basis": {`SELECT count(DISTINCT procedure_id) FROM procedure_legal_documents`, 1100},
		"dossier documents":             {`SELECT count(*) FROM procedure_documents`, 5000},
		"sectors":                       {`SELECT count(*) FROM sectors`, 80},
		"agencies":                      {`SELECT count(*) FROM agencies`, 100},
		"procedures with an agency":     {`SELECT count(DISTINCT procedure_id) FROM procedure_agencies`, 1100},
	}
	for what, c := range counts {
		if n := queryInt(t, raw, c.query); n < c.min {
			t.Errorf("%s: %d rows, want at least %d", what, n, c.min)
		}
	}
	// The level codes are the five known ones, and each procedure's sector
	// is set when the portal names one.
	if n := queryInt(t, raw, `SELECT count(DISTINCT level_code) FROM procedure_levels`); n < 3 {
		t.Errorf("%d distinct levels used, want at least 3", n)
	}
	if n := queryInt(t, raw, `SELECT count(*) FROM procedures WHERE code = '1.001022' AND name = 'Thủ tục đăng ký nhận cha, mẹ, con'`); n != 1 {
		t.Errorf("procedure 1.001022 not stored with its name")
	}

	t.Run("second run changes nothing", func(t *testing.T) {
		before := queryInt(t, raw, `SELECT count(*) FROM procedures WHERE updated_at > created_at`)
		sum := load(t, db, data)
		if sum.Inserted != 0 || sum.Updated != 0 || sum.Unchanged != testdb.SharedRecords || sum.Rejected != 0 {
			t.Fatalf("second import: %s, want %d unchanged", sum, testdb.SharedRecords)
		}
		if after := queryInt(t, raw, `SELECT count(*) FROM procedures WHERE updated_at > created_at`); after != before {
			t.Errorf("an unchanged import touched %d rows", after-before)
		}
	})

	t.Run("one edited record is updated", func(t *testing.T) {
		lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
		const edited = 500
		var rec map[string]any
		if err := json.Unmarshal(lines[edited], &rec); err != nil {
			t.Fatal(err)
		}
		code := rec["ma_thu_tuc"].(string)
		name := rec["ten_thu_tuc"].(string) + " (sửa đổi)"
		rec["ten_thu_tuc"] = name
		b, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		changed := append([][]byte{}, lines...)
		changed[edited] = b
		channelsBefore := queryInt(t, raw, `SELECT count(*) FROM procedure_channels pc JOIN procedures p ON p.id = pc.procedure_id WHERE p.code = $1`, code)

		sum := load(t, db, bytes.Join(changed, []byte("\n")))
		if sum.Updated != 1 || sum.Inserted != 0 || sum.Unchanged != testdb.SharedRecords-1 || sum.Rejected != 0 {
			t.Fatalf("import with one edited record: %s, want 1 updated", sum)
		}
		if n := queryInt(t, raw, `SELECT count(*) FROM procedures WHERE code = $1 AND name = $2 AND updated_at > created_at`, code, name); n != 1 {
			t.Errorf("procedure %s does not have its new name and a new updated_at", code)
		}
		if n := queryInt(t, raw, `SELECT count(*) FROM procedures WHERE updated_at > created_at`); n != 1 {
			t.Errorf("%d procedures were touched, want 1", n)
		}
		// Its parts were rewritten, not lost or doubled.
		if n := queryInt(t, raw, `SELECT count(*) FROM procedure_channels pc JOIN procedures p ON p.id = pc.procedure_id WHERE p.code = $1`, code); n != channelsBefore {
			t.Errorf("procedure %s has %d channels after its update, %d before", code, n, channelsBefore)
		}
	})
}

// TestImportRejectsBadLines imports a few records with bad lines among
// them: each bad line is rejected with its number and the others go in.
func TestImportRejectsBadLines(t *testing.T) {
	data, err := os.ReadFile(testdb.SharedFile(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitN(data, []byte("\n"), 11)[:10]
	var missingCode map[string]any
	if err := json.Unmarshal(lines[0], &missingCode); err != nil {
		t.Fatal(err)
	}
	delete(missingCode, "ma_thu_tuc")
	noCode, _ := json.Marshal(missingCode)

	var in [][]byte
	in = append(in, lines[:3]...)                         // lines 1-3
	in = append(in, []byte(`{"ma_thu_tuc": "1.000001",`)) // line 4: invalid JSON
	in = append(in, lines[3:6]...)                        // lines 5-7
	in = append(in, noCode)                               // line 8: no code
	in = append(in, []byte(""))                           // line 9: blank, skipped
	in = append(in, lines[6:]...)                         // lines 10-13

	url := testdb.New(t)
	db := testdb.Open(t, url)
	sum := load(t, db, bytes.Join(in, []byte("\n")))
	if sum.Inserted != 10 || sum.Rejected != 2 || sum.Read != 12 {
		t.Fatalf("import: %s, want 12 read, 10 inserted, 2 rejected", sum)
	}
	want := map[int]string{4: "invalid JSON", 8: "missing code"}
	for _, r := range sum.Rejects {
		if w, ok := want[r.Line]; !ok || !strings.Contains(r.Reason, w) {
			t.Errorf("rejected line %d (%q), want lines 4 (invalid JSON) and 8 (missing code)", r.Line, r.Reason)
		}
		delete(want, r.Line)
	}
	if len(want) > 0 {
		t.Errorf("lines not rejected: %v", want)
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if n := queryInt(t, raw, `SELECT count(*) FROM procedures`); n != 10 {
		t.Errorf("%d procedures stored, want 10", n)
	}
}

// TestImportRefusesOversizedFields imports real records with a BOM before
// the first and, among them, records whose fields exceed the documented
// limits: those are rejected with their line numbers and the rest go in.
func TestImportRefusesOversizedFields(t *testing.T) {
	data, err := os.ReadFile(testdb.SharedFile(t))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitN(data, []byte("\n"), 7)[:6]
	edited := func(line []byte, key, value string) []byte {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatal(err)
		}
		rec[key] = value
		b, _ := json.Marshal(rec)
		return b
	}
	// Within every limit the catalog checks, but 4-byte characters make
	// the index entry larger than PostgreSQL allows: the database's
	// refusal is a reject too, not the end of the import.
	var wide strings.Builder
	for i := 0; i < 1000; i++ {
		wide.WriteRune(rune(0x1F600 + i%80))
		wide.WriteRune(rune(0x20000 + i*7))
	}
	in := [][]byte{
		append([]byte("\ufeff"), lines[0]...),                         // line 1, after a BOM
		edited(lines[1], "ten_thu_tuc", strings.Repeat("x", 200_000)), // line 2
		lines[2], // line 3
		edited(lines[3], "linh_vuc", strings.Repeat("x", 200_000)), // line 4
		edited(lines[4], "ten_thu_tuc", wide.String()[:4*1000]),    // line 5
		edited(lines[5], "ma_thu_tuc", "1.0\x1b[2J\u202e"),         // line 6
	}
	url := testdb.New(t)
	db := testdb.Open(t, url)
	sum := load(t, db, bytes.Join(in, []byte("\n")))
	if sum.Read != 6 || sum.Inserted != 2 || sum.Rejected != 4 {
		t.Fatalf("import: %s, want 6 read, 2 inserted, 4 rejected; rejects %v", sum, sum.Rejects)
	}
	want := map[int]string{
		2: "ten_thu_tuc (name): 200000 characters, at most 1000 allowed",
		4: "linh_vuc (sector): 200000 characters, at most 300 allowed",
		5: "refused by the database",
		6: "not a national code",
	}
	for _, r := range sum.Rejects {
		if !strings.Contains(r.Reason, want[r.Line]) || want[r.Line] == "" {
			t.Errorf("line %d rejected with %q, want %q", r.Line, r.Reason, want[r.Line])
		}
		if s := r.String(); strings.ContainsAny(s, "\x1b\u202e") {
			t.Errorf("reject line keeps control characters: %q", s)
		}
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var first map[string]any
	if err := json.Unmarshal(lines[0], &first); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, raw, `SELECT count(*) FROM procedures WHERE code = $1`, first["ma_thu_tuc"]); n != 1 {
		t.Errorf("the record after the BOM (%s) was not imported", first["ma_thu_tuc"])
	}
}
