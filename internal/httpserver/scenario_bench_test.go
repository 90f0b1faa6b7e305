package httpserver_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"syscall"
	"testing"
	"time"

	"tthc/demo"
	"tthc/internal/auth"
	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// BenchmarkScenarios runs the operations of the load benchmark's
// scenarios (bench/scenarios/*/ours.graphql, with their variable sets)
// through the real handler, one request after another, on the demo data
// that `make bench-quick` loads (the catalog, the demo units, proposals
// and dossier figures, and bench/setup.sql), with the proposals copied
// tenfold so that S3's pages are full. It measures what does not
// depend on a busy machine: allocations and bytes per request, the
// goroutines a request starts and the SQL statements it runs.
//
//	go test ./internal/httpserver/ -run '^$' -bench Scenarios -benchmem
func BenchmarkScenarios(b *testing.B) {
	url := testdb.Catalog(b)
	db := testdb.Open(b, url)
	ctx := context.Background()
	if err := demo.SeedProposals(ctx, db); err != nil {
		b.Fatal(err)
	}
	if err := demo.SeedDossiers(ctx, db); err != nil {
		b.Fatal(err)
	}
	root := filepath.Join(testdb.ModuleRoot(), "bench")
	setup, err := os.ReadFile(filepath.Join(root, "setup.sql"))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	// Ten copies of the demo's proposals, so that S3's pages of 50 are
	// full, as on the national data.
	if _, err := raw.ExecContext(ctx, `DO $$
		DECLARE cols text;
		BEGIN
			SELECT string_agg(quote_ident(column_name), ', ') INTO cols FROM information_schema.columns
			WHERE table_name = 'proposals' AND column_name <> 'id' AND is_generated = 'NEVER';
			EXECUTE format('INSERT INTO proposals (%s) SELECT %s FROM proposals, generate_series(1, 10)', cols, cols);
		END $$`); err != nil {
		b.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, string(setup)); err != nil {
		b.Fatalf("bench/setup.sql: %v", err)
	}
	v, err := auth.NewVerifier(auth.Config{HS256Secret: reportSecret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		b.Fatal(err)
	}
	h := httpserver.NewServer(httpserver.Config{DB: db, Verifier: v, Logger: slog.New(slog.DiscardHandler),
		RequestTimeout: 30 * time.Second, MaxBodyBytes: 1 << 20})
	tok, err := auth.Mint(auth.MintConfig{Secret: reportSecret, Issuer: "tthc", Audience: "tthc-api",
		Subject: rAnalyst.Subject, Name: rAnalyst.Name, Roles: rAnalyst.Roles, TTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}

	dirs, err := filepath.Glob(filepath.Join(root, "scenarios", "*", "scenario.json"))
	if err != nil || len(dirs) == 0 {
		b.Fatalf("no scenarios in %s: %v", root, err)
	}
	for _, file := range dirs {
		dir := filepath.Dir(file)
		var sc struct {
			ID   string           `json:"id"`
			Vars []map[string]any `json:"vars"`
			Ours struct {
				Prepare string `json:"prepare"`
				Query   string `json:"query"`
			} `json:"ours"`
		}
		readJSON(b, file, &sc)
		// The portal mixes (S6) draw several operations by weight and are
		// measured by the harness alone.
		if sc.Ours.Query == "" {
			continue
		}
		query := readText(b, filepath.Join(dir, sc.Ours.Query))
		send := func(query string, vars map[string]any) *httptest.ResponseRecorder {
			body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		// A preparation's top-level fields become variables (bench/README.md).
		if sc.Ours.Prepare != "" {
			prepare := readText(b, filepath.Join(dir, sc.Ours.Prepare))
			for _, vars := range sc.Vars {
				var out struct {
					Data map[string]map[string]any `json:"data"`
				}
				if err := json.Unmarshal(send(prepare, vars).Body.Bytes(), &out); err != nil {
					b.Fatal(err)
				}
				for name, obj := range out.Data {
					for _, val := range obj {
						vars[name] = val
					}
				}
			}
		}
		b.Run(sc.ID, func(b *testing.B) {
			for _, vars := range sc.Vars {
				if rec := send(query, vars); rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("%v: %d %s", vars, rec.Code, rec.Body)
				}
			}
			b.ReportAllocs()
			var statements, size int
			started, cpu := goroutinesCreated(), cpuTime()
			i := 0
			for b.Loop() {
				rec := send(query, sc.Vars[i%len(sc.Vars)])
				n, _ := strconv.Atoi(rec.Header().Get("X-SQL-Statements"))
				statements += n
				size += rec.Body.Len()
				i++
			}
			// The process's CPU time, unlike the wall time, leaves out
			// PostgreSQL and whatever else the machine runs.
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(i), "cpu-µs/op")
			b.ReportMetric(float64(goroutinesCreated()-started)/float64(i), "goroutines/op")
			b.ReportMetric(float64(statements)/float64(i), "statements/op")
			b.ReportMetric(float64(size)/float64(i), "resp-bytes/op")
		})
	}
}

func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func readText(b *testing.B, path string) string {
	b.Helper()
	s, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return string(s)
}

func readJSON(b *testing.B, path string, out any) {
	b.Helper()
	if err := json.Unmarshal([]byte(readText(b, path)), out); err != nil {
		b.Fatalf("%s: %v", path, err)
	}
}
