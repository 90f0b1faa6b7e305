// Package demo holds the demo data shipped with the repository: the
// national-portal records (gzip JSONL), demo administrative units for
// Nghệ An province with their local catalogs, Tân Kỳ's legal document
// review and one-stop desk statistics, loaded by `tthc seed-demo`.
package demo

import (
	"compress/gzip"
	"context"
	"embed"
	"fmt"
	"io"

	"tthc/internal/importer"
	"tthc/internal/postgres"
)

//go:embed catalog.jsonl.gz units.sql dossiers.csv proposals.sql
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
	if err := SeedUnits(ctx, db); err != nil {
		return sum, err
	}
	if err := SeedProposals(ctx, db); err != nil {
		return sum, err
	}
	return sum, SeedDossiers(ctx, db)
}

// SeedDossiers loads demo one-stop desk statistics for the Nghệ An units,
// through the same CSV import as `tthc import-dossiers`.
func SeedDossiers(ctx context.Context, db *postgres.DB) error {
	f, err := files.Open("dossiers.csv")
	if err != nil {
		return err
	}
	defer f.Close()
	sum, err := importer.LoadDossiers(ctx, f, db)
	if err == nil && sum.Rejected > 0 {
		err = fmt.Errorf("demo dossiers: %d rows rejected, first: line %d: %s", sum.Rejected, sum.Rejects[0].Line, sum.Rejects[0].Reason)
	}
	return err
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

// SeedProposals loads the central reviewing units (ministries, the Prime
// Minister's office), the ministries that own the sectors, and demo
// proposals in every state, Đô Lương's 12 among them. Units must be loaded
// first. The demo users are listed in proposals.sql.
func SeedProposals(ctx context.Context, db *postgres.DB) error {
	script, err := files.ReadFile("proposals.sql")
	if err != nil {
		return err
	}
	return db.ExecScript(ctx, string(script))
}
