package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"tthc/internal/testdb"
)

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

// TestImportExitStatus runs tthc import as a script would: status 0 when
// every record went in, exitRejected when some were rejected, 1 when the
// run itself failed.
func TestImportExitStatus(t *testing.T) {
	url := testdb.New(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}
	good := `{"ma_thu_tuc": "1.000080", "ten_thu_tuc": "Thủ tục đăng ký nhận cha, mẹ, con"}`
	bad := `{"ma_thu_tuc": "1.000081", "ten_thu_tuc": ""}`
	status := func(input string, args ...string) (int, string) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"import"}, args...), getenv, strings.NewReader(input), &stdout, &stderr)
		if err == nil {
			return 0, stderr.String()
		}
		var es exitStatus
		if errors.As(err, &es) {
			return es.code, stderr.String()
		}
		return 1, stderr.String()
	}
	if got, _ := status("\ufeff"+good+"\n", "-"); got != 0 {
		t.Errorf("every record imported: status %d, want 0", got)
	}
	got, stderr := status(good+"\n"+bad+"\n", "-")
	if got != exitRejected || !strings.Contains(stderr, "line 2: rejected 1.000081: missing name") {
		t.Errorf("one record rejected: status %d, stderr %q; want %d and the reject", got, stderr, exitRejected)
	}
	if got, _ := status("", "/nonexistent/file.jsonl"); got != 1 {
		t.Errorf("a missing file: status %d, want 1", got)
	}
}
