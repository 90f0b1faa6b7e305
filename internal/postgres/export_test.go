package postgres

import (
	"context"
	"io/fs"

	"tthc/internal/catalog"
	"tthc/internal/page"
)

// ExplainListProcedures returns the JSON plan of the statement that
// ListProcedures runs, for plan tests.
func (d *DB) ExplainListProcedures(ctx context.Context, f catalog.ProcedureFilter, o catalog.ProcedureOrder, args page.Args) (string, error) {
	q, err := listProceduresQuery(f, o, args)
	if err != nil {
		return "", err
	}
	var plan string
	err = d.db.GetContext(ctx, &plan, "EXPLAIN (FORMAT JSON) "+q.sql, q.args...)
	return plan, err
}

// Exec runs a statement, for test fixtures.
func (d *DB) Exec(ctx context.Context, query string, args ...any) error {
	_, err := d.db.ExecContext(ctx, query, args...)
	return err
}

// MigrateFS applies the pending migrations of fsys as Migrate does, for
// tests of what a migration run does.
func (d *DB) MigrateFS(ctx context.Context, fsys fs.FS) error { return d.migrate(ctx, fsys) }
