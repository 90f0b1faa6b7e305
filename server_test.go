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
