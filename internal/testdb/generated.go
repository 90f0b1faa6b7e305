package testdb

import (
	"context"
	"os"
	"testing"

	"tthc/internal/generate"
)

// National returns the URL of a database holding `tthc generate --scale
// national --seed 1`, to read only: the one TEST_NATIONAL_DATABASE_URL
// names (a generated database then serves many runs), else a template
// generated once per test run (two to three minutes). Short tests skip.
func National(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the national data set")
	}
	if url := os.Getenv("TEST_NATIONAL_DATABASE_URL"); url != "" {
		return url
	}
	return ReadOnlyFrom(t, "national", func(ctx context.Context, url string) error {
		return generate.Fill(ctx, url, generate.Scales["national"], 1, nil)
	})
}

// Small returns the URL of a fresh copy of `tthc generate --scale small
// --seed 7`, generated once per test run.
func Small(t testing.TB) string {
	t.Helper()
	return NewFrom(t, "small", func(ctx context.Context, url string) error {
		return generate.Fill(ctx, url, generate.Scales["small"], 7, nil)
	})
}
