package testdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"testing"
)

// Empty returns the URL of a fresh database without any migration applied,
// dropped when the test ends: for tests of the migrations themselves.
func Empty(t testing.TB) string {
	t.Helper()
	admin := adminURL(t)
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	// template0 is what a new cluster's databases come from, so the
	// extensions the migrations create are really created by them.
	if _, err := db.Exec(fmt.Sprintf("CREATE DATABASE %q TEMPLATE template0", name)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", admin)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %q WITH (FORCE)", name))
	})
	return withDB(t, admin, name)
}
