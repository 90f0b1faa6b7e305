package testdb_test

import (
	"database/sql"
	"slices"
	"strings"
	"testing"

	"tthc/internal/generate"
	"tthc/internal/testdb"
)

// TestNationalTemplate builds the national data set once for the run and
// checks its shape against the scale it was generated for, and that it
// has exactly the migrations' indexes (generate drops some for the load
// and builds them again). make test
// starts this test first, in the background, so that the minutes of
// generation overlap vet, compilation and the other packages' tests;
// those that read the data set then find it built.
func TestNationalTemplate(t *testing.T) {
	db, err := sql.Open("postgres", testdb.National(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scale := generate.Scales["national"]
	for _, c := range []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM administrative_units WHERE level_code = 'COMMUNE'`, scale.Communes},
		{`SELECT count(*) FROM administrative_units WHERE level_code = 'PROVINCE' AND valid_to IS NULL`, scale.Provinces},
		{`SELECT count(*) FROM procedures`, scale.Procedures},
		{`SELECT count(*) FROM proposals`, scale.Proposals},
		{`SELECT count(DISTINCT period) FROM dossier_stats`, scale.DossierMonths},
	} {
		var got int
		if err := db.QueryRow(c.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		if got != c.want {
			t.Errorf("%s = %d, want %d", c.query, got, c.want)
		}
	}
	if got, want := indexes(t, db), indexes(t, migrated(t)); !slices.Equal(got, want) {
		t.Errorf("the national data set's indexes differ from the migrations':\n%s\nwant\n%s",
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// migrated opens a fresh, migrated, empty database.
func migrated(t *testing.T) *sql.DB {
	db, err := sql.Open("postgres", testdb.New(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// indexes returns the definitions of the indexes of db's tables.
func indexes(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexdef`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			t.Fatal(err)
		}
		out = append(out, def)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
