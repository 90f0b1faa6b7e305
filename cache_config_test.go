package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestCacheConfig checks the caching settings: their defaults, 0 as
// "off" or "revalidate every time", refusals of what cannot be meant, and
// that the replica's URL is shown without its password at startup.
func TestCacheConfig(t *testing.T) {
	load := func(env map[string]string) (config, error) {
		env["DATABASE_URL"] = "postgres://x"
		return loadConfig(func(k string) string { return env[k] })
	}
	cfg, err := load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if c := cfg.Cache; c.MaxBytes != 64<<20 || c.MaxAge != time.Minute || c.StaleWhileRevalidate != time.Minute || cfg.DatabaseReadURL != "" {
		t.Errorf("defaults: %+v, read URL %q", c, cfg.DatabaseReadURL)
	}
	cfg, err = load(map[string]string{"CACHE_MAX_BYTES": "0", "CACHE_MAX_AGE": "0s", "CACHE_STALE_WHILE_REVALIDATE": "5m"})
	if err != nil {
		t.Fatal(err)
	}
	if c := cfg.Cache; c.MaxBytes != 0 || c.MaxAge != 0 || c.StaleWhileRevalidate != 5*time.Minute {
		t.Errorf("set: %+v", c)
	}
	for _, bad := range []map[string]string{
		{"CACHE_MAX_BYTES": "-1"}, {"CACHE_MAX_BYTES": "64MB"},
		{"CACHE_MAX_AGE": "1.5s"}, {"CACHE_MAX_AGE": "-1s"}, {"CACHE_STALE_WHILE_REVALIDATE": "60"},
	} {
		if _, err := load(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}

	cfg, err = load(map[string]string{"DATABASE_READ_URL": "postgres://tthc:hunter3-replica@replica.internal/tthc"})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	newLogger("json", cfg.LogLevel, &out).Info("starting", configAttrs(cfg)...)
	if line := out.String(); strings.Contains(line, "hunter3") || !strings.Contains(line, `"DatabaseReadURL":"postgres://tthc:xxxxx@replica.internal/tthc"`) {
		t.Errorf("startup line: %s", line)
	}
}
