package main

import "testing"

// TestGCPercent checks that the server raises the collector's target only
// when GOGC leaves it to the server.
func TestGCPercent(t *testing.T) {
	for _, c := range []struct {
		gogc string
		want int
	}{{"", 400}, {"100", 0}, {"off", 0}} {
		env := map[string]string{"DATABASE_URL": "postgres://x", "GOGC": c.gogc}
		cfg, err := loadConfig(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if cfg.GCPercent != c.want {
			t.Errorf("GOGC=%q: GCPercent %d, want %d", c.gogc, cfg.GCPercent, c.want)
		}
	}
}

// TestMaxInFlight checks the default bound on operations at once: twice
// the connection pool.
func TestMaxInFlight(t *testing.T) {
	for _, c := range []struct {
		conns, inFlight string
		want            int
	}{{"", "", 40}, {"8", "", 16}, {"8", "3", 3}} {
		env := map[string]string{"DATABASE_URL": "postgres://x", "DB_MAX_CONNS": c.conns, "MAX_IN_FLIGHT": c.inFlight}
		cfg, err := loadConfig(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MaxInFlight != c.want {
			t.Errorf("DB_MAX_CONNS=%q MAX_IN_FLIGHT=%q: %d, want %d", c.conns, c.inFlight, cfg.MaxInFlight, c.want)
		}
	}
}
