package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/lib/pq"

	"tthc/internal/testdb"
)

// TestMigrations applies every migration to an empty database, twice, and
// checks that the schema refuses bad rows by itself, whatever the
// application does.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	url := testdb.Empty(t)
	db := testdb.Open(t, url)
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })

	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("first migration run: %v", err)
	}
	state := func() (applied int, tables int) {
		t.Helper()
		if err := raw.QueryRow(`SELECT count(*) FROM goose_db_version WHERE version_id > 0 AND is_applied`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if err := raw.QueryRow(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		return applied, tables
	}
	applied, tables := state()
	if applied == 0 || tables < 12 {
		t.Fatalf("after migrating: %d migrations recorded, %d tables; want at least 1 and 12", applied, tables)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("second migration run: %v", err)
	}
	if a, tb := state(); a != applied || tb != tables {
		t.Errorf("second run changed the database: %d migrations and %d tables, before %d and %d", a, tb, applied, tables)
	}

	// Each bad row must be refused with the constraint violation it
	// breaks. Every statement runs in a transaction rolled back at the
	// end, so the cases do not depend on each other.
	setup := `
		INSERT INTO procedures (id, code, name) OVERRIDING SYSTEM VALUE VALUES (1, '1.000080', 'Thủ tục đăng ký nhận cha, mẹ, con');
		INSERT INTO administrative_units (id, code, name, level_code, valid_from, valid_to) OVERRIDING SYSTEM VALUE
			VALUES (1, '40', 'Tỉnh Nghệ An', 'PROVINCE', '1991-08-12', NULL);`
	cases := []struct {
		name, sql string
		code      pq.ErrorCode
	}{
		{"procedure code not shaped like a national code", `INSERT INTO procedures (code, name) VALUES ('abc', 'x')`, "23514"},
		{"procedure code with spaces", `INSERT INTO procedures (code, name) VALUES ('1.000 080', 'x')`, "23514"},
		{"empty procedure name", `INSERT INTO procedures (code, name) VALUES ('1.000081', '')`, "23514"},
		{"duplicate procedure code", `INSERT INTO procedures (code, name) VALUES ('1.000080', 'again')`, "23505"},
		{"unknown procedure status", `INSERT INTO procedures (code, name, status) VALUES ('1.000082', 'x', 'DRAFT')`, "23514"},
		{"channel of unknown kind", `INSERT INTO procedure_channels (procedure_id, position, kind) VALUES (1, 1, 'FAX')`, "23514"},
		{"channel time without unit", `INSERT INTO procedure_channels (procedure_id, position, kind, time_value) VALUES (1, 1, 'ONLINE', 5)`, "23514"},
		{"channel fee with a bad currency", `INSERT INTO procedure_channels (procedure_id, position, kind, fee_amount, fee_currency) VALUES (1, 1, 'ONLINE', 5, 'dong')`, "23514"},
		{"negative fee", `INSERT INTO procedure_channels (procedure_id, position, kind, fee_amount, fee_currency) VALUES (1, 1, 'ONLINE', -5, 'VND')`, "23514"},
		{"level of a missing procedure", `INSERT INTO procedure_levels (procedure_id, level_code) VALUES (999, 'COMMUNE')`, "23503"},
		{"unknown authority level", `INSERT INTO procedure_levels (procedure_id, level_code) VALUES (1, 'VILLAGE')`, "23503"},
		{"unit valid_to before valid_from", `INSERT INTO administrative_units (code, name, level_code, valid_from, valid_to) VALUES ('40-X', 'Xã X', 'COMMUNE', '2025-07-01', '2025-06-30')`, "23514"},
		{"unit with a successor but no end", `INSERT INTO administrative_units (code, name, level_code, valid_from, successor_id) VALUES ('40-Y', 'Xã Y', 'COMMUNE', '2000-01-01', 1)`, "23514"},
		{"unit of unknown level", `INSERT INTO administrative_units (code, name, level_code, valid_from) VALUES ('40-Z', 'Xã Z', 'HAMLET', '2000-01-01')`, "23503"},
		{"authority level ending before it starts", `INSERT INTO authority_levels (code, name, rank, valid_from, valid_to) VALUES ('HAMLET', 'Thôn', 9, '2025-01-01', '2024-01-01')`, "23514"},
		{"legal document number with spaces", `INSERT INTO legal_documents (number) VALUES ('23/2023 QH15')`, "23514"},
		{"unknown legal document type", `INSERT INTO legal_documents (number, doc_type) VALUES ('23/2023/QH15', 'EDICT')`, "23514"},
		{"proposal rollup row of an unknown grain", `INSERT INTO proposal_rollup (grain, status, level_code, key_id, proposals, cost_before,
			cost_after, days_before, days_after, documents_before, documents_after) VALUES ('UNIT_SECTOR', 'DRAFT', 'COMMUNE', 1, 1, 0, 0, 0, 0, 0, 0)`, "23514"},
		{"two desk totals for one unit and procedure", `INSERT INTO dossier_unit_procedures (unit_id, procedure_id, reports, received,
			received_online, resolved_on_time, resolved_late, pending) VALUES (1, 1, 1, 0, 0, 0, 0, 0), (1, 1, 1, 0, 0, 0, 0, 0)`, "23505"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx, err := raw.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			if _, err := tx.Exec(setup); err != nil {
				t.Fatalf("setup: %v", err)
			}
			_, err = tx.Exec(c.sql)
			var pqErr *pq.Error
			if !errors.As(err, &pqErr) {
				t.Fatalf("%s: accepted (err %v), want error %s", c.sql, err, c.code)
			}
			if pqErr.Code != c.code {
				t.Errorf("%s: error %s (%s), want %s", c.sql, pqErr.Code, pqErr.Message, c.code)
			}
		})
	}

	// The good rows of the setup are accepted, and the folded name columns
	// are computed by the database.
	t.Run("good rows", func(t *testing.T) {
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(setup); err != nil {
			t.Fatalf("setup: %v", err)
		}
		var words, core string
		if err := tx.QueryRow(`SELECT name_words, name_core FROM procedures WHERE id = 1`).Scan(&words, &core); err != nil {
			t.Fatal(err)
		}
		if words != "thu tuc dang ky nhan cha me con" || core != "dang ky nhan cha me con" {
			t.Errorf("name_words %q, name_core %q", words, core)
		}
	})
}
