package httpserver_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tthc/internal/auth"
	"tthc/internal/cache"
	"tthc/internal/httpserver"
	"tthc/internal/postgres"
	"tthc/internal/testdb"
)

// TestTwoInstancesAndAReplica runs the production topology on this
// machine: a primary, a streaming replica of it (scripts/cluster.sh, as
// make cluster), and two API instances that share nothing but
// PostgreSQL, each with its response cache, reading public data from the
// replica. A procedure cached through instance B and changed through
// instance A reads new through B once the change has reached it, and
// never old after that; while the replica lags, B reads the primary
// rather than answer from before a change it has heard of; when the
// replica is gone, B reads the primary.
func TestTwoInstancesAndAReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two PostgreSQL servers")
	}
	script := filepath.Join(testdb.ModuleRoot(), "scripts", "cluster.sh")
	dir := t.TempDir()
	out, err := exec.Command(script, "db", dir).Output()
	t.Cleanup(func() {
		if b, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
			t.Logf("cluster.sh stop: %v\n%s", err, b)
		}
	})
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("cluster.sh db: %v\n%s", err, stderr)
	}
	urls := strings.Fields(string(out))
	if len(urls) != 2 {
		t.Fatalf("cluster.sh db printed %q, want two URLs", out)
	}
	primaryURL, replicaURL := urls[0], urls[1]
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	setup := testdb.Open(t, primaryURL)
	if err := setup.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := setup.ExecScript(ctx, `INSERT INTO procedures (code, name) VALUES ('1.000001', 'Thủ tục một') ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`); err != nil {
		t.Fatal(err)
	}
	primary, err := sql.Open("postgres", primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.Close() })
	replica, err := sql.Open("postgres", replicaURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { replica.Close() })

	verifier, err := auth.NewVerifier(auth.Config{HS256Secret: reportSecret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	// instance starts an API instance as tthc serve does.
	instance := func() (*api, *postgres.DB) {
		logger := slog.New(slog.NewTextHandler(&syncBuffer{}, nil))
		db, err := postgres.Open(ctx, postgres.Config{URL: primaryURL, ReadURL: replicaURL, StatementTimeout: time.Minute, Logger: logger})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		versions, err := cache.NewVersions(ctx, db, cache.VersionsConfig{URL: primaryURL, Channel: postgres.CatalogVersionChannel}, logger)
		if err != nil {
			t.Fatal(err)
		}
		go versions.Run(ctx)
		c, err := cache.New(cache.Config{MaxBytes: 1 << 20, MaxAge: time.Minute}, versions)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return newAPI(t, primaryURL, httpserver.Config{DB: db, Verifier: verifier, Versions: versions, Cache: c, Logger: logger}), db
	}
	a, _ := instance()
	b, bdb := instance()

	vars := map[string]any{"code": "1.000001"}
	name := func(api *api) string {
		t.Helper()
		n, _ := procedureName(t, api.getQuery(t, nameQuery, vars))
		return n
	}
	// The replica has replayed the setup once it shows the procedure.
	waitFor(t, "the replica to replay the setup", func() bool {
		var n int
		return replica.QueryRow(`SELECT count(*) FROM procedures WHERE code = '1.000001'`).Scan(&n) == nil && n == 1
	})
	if got := name(b); got != "Thủ tục một" {
		t.Fatalf("B reads %q", got)
	}
	if s := bdb.ReplicaStatus(); !s.Up || s.Fallbacks != 0 || s.Behind != 0 {
		t.Errorf("B's replica: %+v, want up and used", s)
	}
	if status, checks := probe(t, b, "/readyz"); status != http.StatusOK || checks["replica"] != "ok" {
		t.Errorf("B's /readyz: %d %v", status, checks)
	}
	var id string
	a.query(t, `{ procedure(code: "1.000001") { id } }`, nil, &struct{ Procedure struct{ ID *string } }{struct{ ID *string }{&id}})
	rename := func(to string) {
		t.Helper()
		res := a.post(t, `mutation($id: ID!, $name: String!) { updateProcedure(input: {id: $id, name: $name}) { userErrors { message } } }`,
			map[string]any{"id": id, "name": to}, "Authorization", bearer(t, auth.Actor{Subject: "admin", Roles: []auth.Role{auth.Admin}}))
		if res.Status != http.StatusOK || len(res.Errors) > 0 || strings.Contains(string(res.Data), "message") {
			t.Fatalf("rename through A: %s", res.Body)
		}
	}
	// untilNew reads through B until it shows want, then a few times
	// more: once new, never old again.
	untilNew := func(want, old string) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for {
			got := name(b)
			if got == want {
				break
			}
			if got != old {
				t.Fatalf("B reads %q, neither %q nor %q", got, old, want)
			}
			if time.Now().After(deadline) {
				t.Fatalf("B still reads %q two minutes after the change to %q", got, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
		for range 20 {
			if got := name(b); got != want {
				t.Fatalf("B read %q after it had read %q", got, want)
			}
		}
	}

	// Cached through B, changed through A.
	if res := b.getQuery(t, nameQuery, vars); res.Header.Get("X-Cache") == "" {
		t.Fatalf("B's answer went around its cache: %v", res.Header)
	}
	rename("Thủ tục hai")
	untilNew("Thủ tục hai", "Thủ tục một")

	// The replica stops replaying: B hears of the next change from the
	// primary and reads it there rather than answer from before it.
	if _, err := replica.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	rename("Thủ tục ba")
	untilNew("Thủ tục ba", "Thủ tục hai")
	if s := bdb.ReplicaStatus(); s.Behind == 0 {
		t.Errorf("B's replica: %+v, want reads passed over to the primary while it lagged", s)
	}
	if _, err := replica.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	rename("Thủ tục bốn")
	untilNew("Thủ tục bốn", "Thủ tục ba")

	// The replica goes away: B reads from the primary.
	if out, err := exec.Command("bash", "-c", `d=$1/replica/pgdata; if [ "$(id -u)" = 0 ]; then runuser -u postgres -- /usr/lib/postgresql/$(cat $d/PG_VERSION)/bin/pg_ctl -D $d -m immediate -w stop; else /usr/lib/postgresql/$(cat $d/PG_VERSION)/bin/pg_ctl -D $d -m immediate -w stop; fi`, "stop", dir).CombinedOutput(); err != nil {
		t.Fatalf("stop the replica: %v\n%s", err, out)
	}
	rename("Thủ tục năm")
	untilNew("Thủ tục năm", "Thủ tục bốn")
	if s := bdb.ReplicaStatus(); s.Up || s.Fallbacks == 0 {
		t.Errorf("B's replica after it stopped: %+v, want down and reads on the primary", s)
	}
	// B says so, and stays ready: it answers from the primary.
	if status, checks := probe(t, b, "/readyz"); status != http.StatusOK || checks["replica"] != "unreachable: public reads on the primary" {
		t.Errorf("B's /readyz without its replica: %d %v", status, checks)
	}
	metrics := b.scrape(t)
	if sample(metrics, "tthc_replica_up") != 0 || sample(metrics, "tthc_replica_fallbacks_total") == 0 || sample(metrics, "tthc_replica_behind_total") == 0 {
		t.Errorf("B's replica metrics: up %v, fallbacks %v, behind %v", sample(metrics, "tthc_replica_up"),
			sample(metrics, "tthc_replica_fallbacks_total"), sample(metrics, "tthc_replica_behind_total"))
	}
	var body map[string]any
	if err := json.Unmarshal(b.getQuery(t, nameQuery, vars).Body, &body); err != nil || body["errors"] != nil {
		t.Errorf("B without its replica: %v %v", body, err)
	}
}

// waitFor polls cond for up to a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
