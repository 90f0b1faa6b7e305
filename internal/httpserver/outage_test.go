package httpserver_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// TestDatabaseOutage stops the server's PostgreSQL under it: every
// request answers at once 503 UNAVAILABLE with Retry-After (GraphQL and
// the CSV export alike, never INTERNAL, never a cut download), and the
// same requests succeed by themselves once PostgreSQL is back.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and stops a PostgreSQL server")
	}
	root := testdb.ModuleRoot()
	dir := t.TempDir()
	start := func() string {
		t.Helper()
		cmd := exec.Command(filepath.Join(root, "scripts", "pg.sh"), dir, "outage")
		cmd.Env = append(os.Environ(), "PG_FSYNC=off")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pg.sh: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	stop := func() {
		t.Helper()
		if out, err := exec.Command(filepath.Join(root, "scripts", "stop.sh"), dir).CombinedOutput(); err != nil {
			t.Fatalf("stop.sh: %v\n%s", err, out)
		}
	}
	url := start()
	t.Cleanup(func() { exec.Command(filepath.Join(root, "scripts", "stop.sh"), dir).Run() })
	db := testdb.Open(t, url)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, url, httpserver.Config{DB: db})
	a.exec(t, `INSERT INTO sectors (name) VALUES ('Lĩnh vực thử')`)
	const query = `{ sectors { id name } }`
	a.query(t, query, nil, nil)

	stop()
	res := a.post(t, query, nil)
	if res.Status != http.StatusServiceUnavailable || res.code() != "UNAVAILABLE" {
		t.Errorf("a query while the database is down: status %d, code %q, want 503 UNAVAILABLE: %s", res.Status, res.code(), res.Body)
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q, want seconds", res.Header.Get("Retry-After"))
	}
	if strings.Contains(string(res.Body), "dial") || strings.Contains(string(res.Body), ".s.PGSQL") {
		t.Errorf("the answer leaks the cause: %s", res.Body)
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/procedures.csv", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "UNAVAILABLE") || rec.Header().Get("Retry-After") == "" {
		t.Errorf("the export while the database is down: status %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if strings.Contains(a.logs.String(), "level=ERROR") {
		t.Errorf("an outage is no internal error; the log:\n%s", a.logs)
	}

	start()
	waitFor(t, "the server to recover", func() bool {
		res := a.post(t, query, nil)
		return res.Status == http.StatusOK && len(res.Errors) == 0 && strings.Contains(string(res.Data), "Lĩnh vực thử")
	})
}
