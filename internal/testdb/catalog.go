package testdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tthc/demo"
	"tthc/internal/importer"
	"tthc/internal/postgres"
)

// SharedRecords is the number of records in the shared portal file.
const SharedRecords = 1319

// SharedFile returns the path of the shared portal records; the test
// fails when they are missing, as CI always has them.
func SharedFile(t testing.TB) string {
	path := filepath.Join(ModuleRoot(), SharedData)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("shared portal records not found at %s: %v", path, err)
	}
	return path
}

// Catalog returns the URL of a fresh database holding the whole shared
// file, imported once per test run, and the demo units of Nghệ An.
func Catalog(t testing.TB) string {
	path := SharedFile(t)
	return NewFrom(t, "catalog", func(ctx context.Context, url string) error {
		db, err := postgres.Open(ctx, postgres.Config{URL: url, StatementTimeout: time.Minute})
		if err != nil {
			return err
		}
		defer db.Close()
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sum, err := importer.Load(ctx, f, db, nil)
		if err != nil {
			return err
		}
		if sum.Inserted != SharedRecords {
			return fmt.Errorf("imported %s, want %d inserted", sum, SharedRecords)
		}
		return demo.SeedUnits(ctx, db)
	})
}
