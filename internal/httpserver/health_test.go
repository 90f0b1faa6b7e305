package httpserver_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"tthc/internal/httpserver"
	"tthc/internal/pubsub"
	"tthc/internal/testdb"
)

// probe asks path and decodes the readiness answer, if any.
func probe(t *testing.T, a *api, path string) (int, map[string]string) {
	t.Helper()
	res := a.send(t, httptest.NewRequest("GET", path, nil))
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", path, res.Header.Get("Cache-Control"))
	}
	var body struct {
		Checks map[string]string `json:"checks"`
	}
	if path != "/livez" {
		if err := json.Unmarshal(res.Body, &body); err != nil {
			t.Fatalf("%s: %v: %s", path, err, res.Body)
		}
	}
	return res.Status, body.Checks
}

// TestHealth checks /livez, /readyz and /healthz through the life of an
// instance: ready with its database, migrations and listener; unready
// while the listener is away, and ready again when it is back.
func TestHealth(t *testing.T) {
	url := testdb.New(t)
	db := testdb.Open(t, url)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The listener waits a second before it reconnects: long enough for
	// the probe to see it away.
	broker, err := pubsub.NewBroker(ctx, db, pubsub.Config{URL: url,
		MinReconnect: time.Second, MaxReconnect: time.Second}, logger)
	if err != nil {
		t.Fatal(err)
	}
	go broker.Run(ctx)
	a := newAPI(t, url, httpserver.Config{DB: db, Broker: broker})

	waitReady := func(want int) map[string]string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			status, checks := probe(t, a, "/readyz")
			if status == want || time.Now().After(deadline) {
				if status != want {
					t.Fatalf("/readyz: %d %v, want %d", status, checks, want)
				}
				return checks
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	checks := waitReady(http.StatusOK)
	for _, c := range []string{"database", "migrations", "listener"} {
		if checks[c] != "ok" {
			t.Errorf("ready, but check %s is %q", c, checks[c])
		}
	}
	for _, path := range []string{"/livez", "/healthz"} {
		if status, _ := probe(t, a, path); status != http.StatusOK {
			t.Errorf("%s: %d, want 200", path, status)
		}
	}

	// The listener's connection is cut; lib/pq reconnects by itself.
	var killed bool
	if err := a.sql.QueryRow(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`,
		pubsub.ListenerApplicationName).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminate the listener: %v, %v", killed, err)
	}
	if checks := waitReady(http.StatusServiceUnavailable); checks["listener"] != "disconnected" || checks["database"] != "ok" {
		t.Errorf("listener away: checks %v", checks)
	}
	if status, _ := probe(t, a, "/livez"); status != http.StatusOK {
		t.Errorf("/livez while the listener is away: %d, want 200 (the process is fine)", status)
	}
	waitReady(http.StatusOK)

	// The database goes away (here: the pool is closed).
	db.Close()
	status, checks := probe(t, a, "/readyz")
	if status != http.StatusServiceUnavailable || checks["database"] != "unavailable" {
		t.Errorf("database gone: /readyz %d %v", status, checks)
	}
	if status, _ := probe(t, a, "/livez"); status != http.StatusOK {
		t.Errorf("/livez without a database: %d, want 200", status)
	}
}

// TestReadyPendingMigrations checks that an instance whose database lacks
// migrations of its binary is not ready.
func TestReadyPendingMigrations(t *testing.T) {
	url := testdb.New(t)
	a := newAPI(t, url, httpserver.Config{})
	// Forget the newest migration, as if this binary were newer than
	// the database.
	a.exec(t, `DELETE FROM goose_db_version WHERE version_id = (SELECT max(version_id) FROM goose_db_version)`)
	status, checks := probe(t, a, "/readyz")
	if status != http.StatusServiceUnavailable || checks["migrations"] != "pending: run tthc migrate" || checks["database"] != "ok" {
		t.Errorf("/readyz %d %v, want 503 with migrations pending", status, checks)
	}
	if _, ok := checks["listener"]; ok {
		t.Errorf("no broker configured, yet a listener check: %v", checks)
	}
}
