package postgres_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lib/pq"

	"tthc/internal/postgres"
	"tthc/internal/testdb"
	"tthc/migrations"
)

// privateTables are the tables of the public schema that no anonymous
// read shows, so the catalog version need not follow them: proposals and
// what is derived from them, dossier figures and their rollups, the
// reform progress, and the bookkeeping of migrations and of the version
// itself. A new table is either tracked by catalog_version_track in its
// migration or listed here, with the reason.
var privateTables = []string{
	"goose_db_version", "catalog_version",
	"proposals", "proposal_amendments", "proposal_events", "proposal_rollup",
	"dossier_stats", "dossier_unit_months", "dossier_level_months", "dossier_procedure_months", "dossier_unit_procedures",
	"reform_unit_progress",
}

// TestCatalogVersionCoversPublicTables checks that every table of the
// public schema is either tracked by the catalog version's triggers or
// known to be private: a table the public reads that the version did not
// follow would be served stale from every cache.
func TestCatalogVersionCoversPublicTables(t *testing.T) {
	raw := rawDB(t, testdb.New(t))
	rows, err := raw.Query(`
		SELECT c.relname, EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'catalog_version_lock')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	tracked := 0
	for rows.Next() {
		var name string
		var hasTrigger bool
		if err := rows.Scan(&name, &hasTrigger); err != nil {
			t.Fatal(err)
		}
		private := slices.Contains(privateTables, name)
		switch {
		case hasTrigger && private:
			t.Errorf("table %s is tracked by the catalog version but listed as private", name)
		case !hasTrigger && !private:
			t.Errorf("table %s is neither tracked by the catalog version (SELECT catalog_version_track('%s') in a migration) nor listed in privateTables", name, name)
		case hasTrigger:
			tracked++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if tracked < 12 {
		t.Errorf("%d tables tracked, want at least the 12 of the catalog", tracked)
	}
}

// TestCatalogVersion checks what bumps the catalog version and what it
// announces: a change to any part of the catalog, by any path, bumps it
// once per transaction and NOTIFYs the new version at commit; a statement
// that changes no row, a rolled back transaction and a write to private
// data leave it alone.
func TestCatalogVersion(t *testing.T) {
	ctx := context.Background()
	url := testdb.New(t)
	db := testdb.Open(t, url)
	raw := rawDB(t, url)

	listener := pq.NewListener(url, time.Second, time.Second, nil)
	t.Cleanup(func() { listener.Close() })
	if err := listener.Listen(postgres.CatalogVersionChannel); err != nil {
		t.Fatal(err)
	}
	version := func() int64 {
		t.Helper()
		v, err := db.CatalogVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// notified returns the versions announced since the last call.
	notified := func() []int64 {
		t.Helper()
		// A NOTIFY sent before this SELECT is delivered before its answer
		// on the listener's connection, so it is in the channel by then.
		if err := listener.Ping(); err != nil {
			t.Fatal(err)
		}
		var out []int64
		for {
			select {
			case n := <-listener.Notify:
				v, err := strconv.ParseInt(n.Extra, 10, 64)
				if err != nil {
					t.Fatalf("payload %q: %v", n.Extra, err)
				}
				out = append(out, v)
			case <-time.After(200 * time.Millisecond):
				return out
			}
		}
	}
	exec := func(sql string) {
		t.Helper()
		if _, err := raw.Exec(sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}

	start := version()
	if start < time.Now().Add(-24*time.Hour).UnixMilli() {
		t.Errorf("initial version %d: want at least the Unix time in milliseconds of the migration", start)
	}

	writes := []struct{ name, sql string }{
		{"insert a procedure", `INSERT INTO procedures (code, name) VALUES ('1.000001', 'Thủ tục một')`},
		{"update it", `UPDATE procedures SET name = 'Thủ tục một (sửa)' WHERE code = '1.000001'`},
		{"add a level", `INSERT INTO procedure_levels SELECT id, 'COMMUNE' FROM procedures WHERE code = '1.000001'`},
		{"add a channel", `INSERT INTO procedure_channels (procedure_id, position, kind) SELECT id, 1, 'ONLINE' FROM procedures WHERE code = '1.000001'`},
		{"add a document", `INSERT INTO procedure_documents (procedure_id, position, name) SELECT id, 1, 'Tờ khai' FROM procedures WHERE code = '1.000001'`},
		{"a sector", `INSERT INTO sectors (name) VALUES ('Hộ tịch')`},
		{"an agency", `INSERT INTO agencies (name) VALUES ('Ủy ban nhân dân cấp xã')`},
		{"a legal document", `INSERT INTO legal_documents (number) VALUES ('60/2014/QH13')`},
		{"a unit", `INSERT INTO administrative_units (code, name, level_code, valid_from) VALUES ('40', 'Tỉnh Nghệ An', 'PROVINCE', '1991-08-12')`},
		{"a local catalog", `INSERT INTO unit_procedures (unit_id, procedure_id) SELECT u.id, p.id FROM administrative_units u, procedures p`},
		{"an authority level", `UPDATE authority_levels SET name = 'Cấp xã' WHERE code = 'COMMUNE'`},
		{"a reform target", `UPDATE reform_targets SET source = source || '.' WHERE year = 2025`},
		{"delete the procedure and its parts", `DELETE FROM procedures WHERE code = '1.000001'`},
		{"truncate the local catalogs", `TRUNCATE unit_procedures`},
		{"two statements in one transaction", `BEGIN; INSERT INTO sectors (name) VALUES ('Đất đai'); INSERT INTO sectors (name) VALUES ('Xây dựng'); COMMIT`},
	}
	last := start
	for _, w := range writes {
		exec(w.sql)
		v := version()
		if v <= last {
			t.Errorf("%s: version %d, was %d: want it bumped", w.name, v, last)
		}
		if got := notified(); !slices.Equal(got, []int64{v}) {
			t.Errorf("%s: notified %v, want [%d] once", w.name, got, v)
		}
		last = v
	}

	nothing := []struct{ name, sql string }{
		{"an update of no row", `UPDATE procedures SET name = 'x' WHERE false`},
		{"an insert that conflicts", `INSERT INTO sectors (name) VALUES ('Hộ tịch') ON CONFLICT DO NOTHING`},
		{"a rolled back change", `BEGIN; INSERT INTO sectors (name) VALUES ('Thuế'); ROLLBACK`},
		{"a read", `SELECT count(*) FROM procedures`},
		{"a private write", `INSERT INTO dossier_stats (unit_id, procedure_id, period, received, received_online, resolved_on_time, resolved_late, pending)
			SELECT u.id, p.id, '2025-01-01', 1, 0, 1, 0, 0 FROM administrative_units u, procedures p LIMIT 0`},
	}
	for _, w := range nothing {
		exec(w.sql)
		if v := version(); v != last {
			t.Errorf("%s: version %d, want %d unchanged", w.name, v, last)
		}
		if got := notified(); len(got) > 0 {
			t.Errorf("%s: notified %v, want nothing", w.name, got)
		}
	}

	t.Run("announced at commit", func(t *testing.T) {
		tx, err := raw.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`INSERT INTO sectors (name) VALUES ('Tư pháp')`); err != nil {
			t.Fatal(err)
		}
		// Others read the old version, and hear nothing, until it commits.
		if v := version(); v != last {
			t.Errorf("before commit: version %d, want %d", v, last)
		}
		if got := notified(); len(got) > 0 {
			t.Errorf("before commit: notified %v", got)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		v := version()
		if v <= last {
			t.Errorf("after commit: version %d, want above %d", v, last)
		}
		if got := notified(); !slices.Equal(got, []int64{v}) {
			t.Errorf("after commit: notified %v, want [%d]", got, v)
		}
		last = v
	})

	t.Run("a migration run bumps it", func(t *testing.T) {
		// A migration that changes no row (DDL) still bumps it, once per
		// run that applied any; a run with nothing to apply leaves it.
		fsys := fstest.MapFS{"99999_comment.sql": {Data: []byte("-- +goose Up\nCOMMENT ON COLUMN procedures.name IS 'Tên thủ tục';\n")}}
		files, err := fs.Glob(migrations.FS, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := fs.ReadFile(migrations.FS, f)
			if err != nil {
				t.Fatal(err)
			}
			fsys[f] = &fstest.MapFile{Data: b}
		}
		if err := db.MigrateFS(ctx, fsys); err != nil {
			t.Fatal(err)
		}
		v := version()
		if v <= last {
			t.Errorf("after a migration: version %d, want above %d", v, last)
		}
		if got := notified(); !slices.Equal(got, []int64{v}) {
			t.Errorf("after a migration: notified %v, want [%d]", got, v)
		}
		if err := db.MigrateFS(ctx, fsys); err != nil {
			t.Fatal(err)
		}
		if got := version(); got != v {
			t.Errorf("a run with nothing to apply: version %d, want %d", got, v)
		}
		if got := notified(); len(got) > 0 {
			t.Errorf("a run with nothing to apply: notified %v", got)
		}
		last = v
	})

	t.Run("an unchanged import leaves it alone", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(testdb.ModuleRoot(), "internal/importer/testdata/sample.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		load(t, db, data)
		afterFirst := version()
		if afterFirst <= last {
			t.Errorf("first import: version %d, want above %d", afterFirst, last)
		}
		notified()
		load(t, db, data)
		if v := version(); v != afterFirst {
			t.Errorf("second, unchanged import: version %d, want %d", v, afterFirst)
		}
		if got := notified(); len(got) > 0 {
			t.Errorf("second, unchanged import: notified %v", got)
		}
	})
}
