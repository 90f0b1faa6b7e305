// Package demo holds the demo data shipped with the repository: the
// national-portal records (gzip JSONL) and demo administrative units for
// Nghệ An province, loaded by `tthc seed-demo`.
package demo

import (
	"compress/gzip"
	"context"
	"embed"
	"io"

	"tthc/internal/importer"
	"tthc/internal/postgres"
)

//go:embed catalog.jsonl.gz units.sql
var files embed.FS

// Seed loads the demo catalog and units into db. It is idempotent: a
// second run changes nothing.
func Seed(ctx context.Context, db *postgres.DB, progress io.Writer) (importer.Summary, error) {
	f, err := files.Open("catalog.jsonl.gz")
	if err != nil {
		return importer.Summary{}, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return importer.Summary{}, err
	}
	sum, err := importer.Load(ctx, gz, db, progress)
	if err != nil {
		return sum, err
	}
	return sum, SeedUnits(ctx, db)
}

// SeedUnits loads the demo administrative units and their local catalogs.
// Procedures must be loaded first.
func SeedUnits(ctx context.Context, db *postgres.DB) error {
	units, err := files.ReadFile("units.sql")
	if err != nil {
		return err
	}
	return db.ExecScript(ctx, string(units))
}
