package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
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

// TestImportWarningsFile runs tthc import --warnings FILE: the run ends
// with a count by category and the file holds every warning.
func TestImportWarningsFile(t *testing.T) {
	url := testdb.New(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return url
		}
		return ""
	}
	record := `{"ma_thu_tuc": "1.000080", "ten_thu_tuc": "Đăng ký nhận cha, mẹ, con", "cap_thuc_hien": "Cấp huyện, Cấp thôn",` +
		` "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp15Miễn phí"}`
	path := filepath.Join(t.TempDir(), "warnings.csv")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"import", "--warnings", path, "-"}, getenv, strings.NewReader(record+"\n"), &stdout, &stderr); err != nil {
		t.Fatalf("import: %v\n%s", err, stderr.String())
	}
	for _, want := range []string{"parse warnings by category", "1 LEVEL_UNKNOWN", "1 TIME_WITHOUT_UNIT", "2 warnings written to"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "line,code,field,category,fragment\n" +
		`1,1.000080,cap_thuc_hien,LEVEL_UNKNOWN,"""Cấp thôn"""` + "\n" +
		`1,1.000080,cach_thuc_thuc_hien,TIME_WITHOUT_UNIT,"""15"""` + "\n"
	if string(b) != want {
		t.Errorf("warnings file:\n%s\nwant\n%s", b, want)
	}
}
