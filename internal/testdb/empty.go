package testdb

import "testing"

// Empty returns the URL of a fresh database without any migration applied,
// dropped when the test ends: for tests of the migrations themselves.
func Empty(t testing.TB) string {
	t.Helper()
	// template0 is what a new cluster's databases come from, so the
	// extensions the migrations create are really created by them.
	return clone(t, "template0")
}
