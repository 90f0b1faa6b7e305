package testdb_test

import (
	"database/sql"
	"testing"

	"tthc/internal/generate"
	"tthc/internal/testdb"
)

// TestNationalTemplate builds the national data set once for the run and
// checks its shape against the scale it was generated for. make test
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
}
