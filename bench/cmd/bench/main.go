// Command bench is the load benchmark's harness: it runs the scenarios of
// bench/scenarios against our server, PostGraphile and pgbench (the
// ceiling: the same SQL statements our server runs) in alternating rounds
// and writes bench/RESULTS.md. bench/run.sh starts the systems and calls
// it; see bench/README.md.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
)

const (
	sysOurs = "ours"
	sysPGL  = "postgraphile"
	sysPGB  = "pgbench"
	// sysBase is another build of our server (BENCH_BASE_BIN), run with
	// our operations, to measure what a change buys.
	sysBase = "base"
)

var systems = []string{sysOurs, sysNoCache, sysPGL, sysPGB, sysBase, sysFloor}

type config struct {
	Scenarios       string
	Only            []string
	Systems         []string
	Ours            string
	OursPID         int
	Capture         string
	PGLog           string
	PostGraphile    string
	PostGraphilePID int
	Base            string
	Token           string
	// Cached is our server with its response cache on (S6's ours; Ours
	// runs with CACHE_MAX_BYTES=0); AdminToken writes in S6W.
	Cached     string
	CachedPID  int
	AdminToken string
	// CacheMaxBytes is the cached instance's CACHE_MAX_BYTES, for the
	// report.
	CacheMaxBytes string
	// CachedDocuments: the cached instance runs in trusted mode with the
	// manifest -write-manifest wrote, and S6's GETs to it name their
	// documents by documentId.
	CachedDocuments bool
	BasePID         int
	DB              string
	Pgbench         string
	Concurrency     []int
	Duration        time.Duration
	Warmup          time.Duration
	WarmupOnce      bool
	Rounds          int
	Soak            time.Duration
	SoakConc        int
	Out             string
	JSON            string
	Work            string
	Mode            string
	Notes           string
	PGLDir          string
	Node            string
	Label           string
}

func main() {
	var c config
	var only, sys, conc, render, manifest string
	flag.StringVar(&c.Scenarios, "scenarios", "bench/scenarios", "folder of scenarios")
	flag.StringVar(&only, "only", "", "comma-separated scenario ids to run (default all)")
	flag.StringVar(&sys, "systems", "ours,nocache,postgraphile,pgbench,base,floor", "systems to load: ours, nocache, postgraphile, pgbench, base, floor")
	flag.StringVar(&c.Ours, "ours", "http://127.0.0.1:18080/graphql", "our server's GraphQL URL")
	flag.IntVar(&c.OursPID, "ours-pid", 0, "our server's pid, for its memory")
	flag.StringVar(&c.Capture, "capture", "", "GraphQL URL of our server started with log_statement=all (for the pgbench scripts)")
	flag.StringVar(&c.PGLog, "pglog", "", "PostgreSQL's log file, read for the captured statements")
	flag.StringVar(&c.PostGraphile, "postgraphile", "", "PostGraphile's GraphQL URL")
	flag.IntVar(&c.PostGraphilePID, "postgraphile-pid", 0, "PostGraphile's pid, for its memory")
	flag.StringVar(&c.Base, "base", "", "GraphQL URL of a baseline build of our server, loaded with our operations as system \"base\"")
	flag.IntVar(&c.BasePID, "base-pid", 0, "the baseline server's pid")
	flag.StringVar(&c.Cached, "cached", "", "GraphQL URL of our server with its response cache on (S6)")
	flag.IntVar(&c.CachedPID, "cached-pid", 0, "its pid")
	flag.StringVar(&c.CacheMaxBytes, "cache-max-bytes", "", "its CACHE_MAX_BYTES, for the report")
	flag.StringVar(&c.AdminToken, "admin-token", os.Getenv("BENCH_ADMIN_TOKEN"), "an administrator's bearer token, for S6W's writes (default $BENCH_ADMIN_TOKEN)")
	flag.StringVar(&c.Token, "token", os.Getenv("BENCH_TOKEN"), "bearer token our server accepts for scenarios with \"auth\" (default $BENCH_TOKEN)")
	flag.StringVar(&c.DB, "db", "", "postgres:// URL of the bench database (pg_stat_statements, pgbench)")
	flag.StringVar(&c.Pgbench, "pgbench", "pgbench", "pgbench binary")
	flag.StringVar(&conc, "concurrency", "8,32,64", "concurrency levels")
	flag.DurationVar(&c.Duration, "duration", 10*time.Second, "measured time of each phase")
	flag.DurationVar(&c.Warmup, "warmup", 2*time.Second, "unmeasured load before each HTTP phase")
	flag.BoolVar(&c.WarmupOnce, "warmup-once", false, "warm up only in the first round (quick runs)")
	flag.IntVar(&c.Rounds, "rounds", 3, "rounds; each runs every scenario, level and system once, systems in rotating order")
	flag.DurationVar(&c.Soak, "soak", 0, "length of the memory soak of our server (0: none)")
	flag.IntVar(&c.SoakConc, "soak-concurrency", 32, "concurrency of the soak")
	flag.StringVar(&c.Out, "out", "bench/RESULTS.md", "report to write")
	flag.StringVar(&c.JSON, "json", "bench/out/results.json", "raw results to write")
	flag.StringVar(&c.Work, "work", "bench/out", "folder for pgbench scripts and captured SQL")
	flag.StringVar(&c.Mode, "mode", "full", "label of the run: full or quick")
	flag.StringVar(&c.Notes, "notes", "bench/OPTIMIZATIONS.md", "hand-written notes included in the report")
	flag.StringVar(&c.PGLDir, "postgraphile-dir", "bench/postgraphile", "PostGraphile's npm folder (for its version)")
	flag.StringVar(&c.Node, "node", "", "Node binary PostGraphile runs on (for its version)")
	flag.StringVar(&c.Label, "label", "", "free text put in the report's header")
	flag.StringVar(&render, "render", "", "only write the report (-out) again from this results.json, e.g. after editing the notes")
	flag.StringVar(&manifest, "write-manifest", "", "only write to this file the trusted documents (TRUSTED_DOCUMENTS) of the portal scenarios' operations, for the cached instance")
	flag.BoolVar(&c.CachedDocuments, "cached-documents", false, "the cached instance runs the -write-manifest documents: S6 sends it their documentId")
	flag.Parse()
	if manifest != "" {
		if err := writeManifest(c.Scenarios, manifest); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if render != "" {
		if err := rerender(render, c.Out, c.Notes); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	c.Only = splitList(only)
	c.Systems = splitList(sys)
	for _, s := range splitList(conc) {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			fmt.Fprintln(os.Stderr, "bench: bad concurrency", s)
			os.Exit(2)
		}
		c.Concurrency = append(c.Concurrency, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// run is the whole benchmark: check, prepare, capture, rounds, soak, report.
func run(ctx context.Context, c config) error {
	for _, u := range []string{c.Ours, c.Capture, c.PostGraphile, c.Base, c.Cached} {
		if u == "" {
			continue
		}
		if err := checkLoopback(u); err != nil {
			return err
		}
	}
	if c.DB == "" {
		return errors.New("-db is required")
	}
	if c.PostGraphile == "" {
		c.Systems = slices.DeleteFunc(c.Systems, func(s string) bool { return s == sysPGL })
	}
	if c.Base == "" {
		c.Systems = slices.DeleteFunc(c.Systems, func(s string) bool { return s == sysBase })
	}
	if c.Capture == "" || c.PGLog == "" {
		c.Systems = slices.DeleteFunc(c.Systems, func(s string) bool { return s == sysPGB })
	}
	if err := os.MkdirAll(c.Work, 0o755); err != nil {
		return err
	}
	db, err := sql.Open("postgres", c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(2)

	rep := &report{Config: c, Started: time.Now()}
	rep.Info = collectInfo(ctx, db, c)
	scenarios, err := loadScenarios(c.Scenarios, c.Only)
	if err != nil {
		return err
	}
	client := newClient(4)
	for _, s := range scenarios {
		sr := &scenarioReport{ID: s.ID, Title: s.Title, Description: s.Description, Systems: map[string]bool{}, Portal: s.Portal != nil}
		rep.Scenarios = append(rep.Scenarios, sr)
		setupScenario(ctx, db, client, c, s, sr)
	}

	// The rounds: every scenario, level and system once per round, the
	// systems in an order that rotates from one round to the next.
	for r := 1; r <= c.Rounds; r++ {
		for si, s := range scenarios {
			sr := rep.Scenarios[si]
			if s.skipped != "" {
				continue
			}
			for ci, conc := range c.Concurrency {
				order := rotate(c.Systems, r+si+ci)
				for _, sys := range order {
					if !sr.Systems[sys] {
						continue
					}
					if err := ctx.Err(); err != nil {
						return err
					}
					pc := c
					if c.WarmupOnce && r > 1 {
						pc.Warmup = 0
					}
					p, err := runPhase(ctx, db, pc, s, sr, sys, conc)
					if err != nil {
						return fmt.Errorf("%s %s c=%d: %w", s.ID, sys, conc, err)
					}
					logf("round %d %s %-12s c=%-3d %8.1f req/s  p50 %6.2f  p99 %7.2f ms  sql/req %.2f  errors %d",
						r, s.ID, sys, conc, p.RPS, p.P50, p.P99, p.SQLPerReq, p.Errors)
					rep.Samples = append(rep.Samples, sample{Scenario: s.ID, System: sys, Concurrency: conc, Round: r, phase: p})
				}
			}
		}
	}
	if c.Soak > 0 && slices.Contains(c.Systems, sysOurs) {
		rep.Soak = soak(ctx, c, scenarios, rep.Scenarios)
	}
	if c.Soak > 0 {
		rep.PortalSoak = soakPortal(c, scenarios, rep.Scenarios)
	}
	rep.Finished = time.Now()
	for _, pid := range []struct {
		sys string
		pid int
	}{{sysOurs, c.OursPID}, {sysPGL, c.PostGraphilePID}, {sysBase, c.BasePID}, {sysOurs + " with its cache (S6)", c.CachedPID}} {
		if pid.pid > 0 {
			if kb, err := procStatus(pid.pid, "VmHWM"); err == nil {
				if rep.HWM == nil {
					rep.HWM = map[string]float64{}
				}
				rep.HWM[pid.sys] = float64(kb) / 1024
			}
		}
	}
	return rep.write(c)
}

func rotate(s []string, k int) []string {
	if len(s) == 0 {
		return s
	}
	k %= len(s)
	return append(slices.Clone(s[k:]), s[:k]...)
}

// setupScenario checks that a scenario can run and prepares each system:
// its variables, one checked request per variable set, the comparison of
// the answers, the statements-per-page check and the pgbench scripts.
func setupScenario(ctx context.Context, db *sql.DB, client *http.Client, c config, s *scenario, sr *scenarioReport) {
	if s.Portal != nil {
		setupPortal(ctx, db, client, c, s, sr)
		return
	}
	for _, t := range s.Requires {
		var ok bool
		if err := db.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, "public."+t).Scan(&ok); err != nil || !ok {
			s.skipped = fmt.Sprintf("table %s does not exist yet", t)
		} else if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM public.`+pq.QuoteIdentifier(t)+`)`).Scan(&ok); err != nil || !ok {
			s.skipped = fmt.Sprintf("table %s is empty in this data set (BENCH_DATA=national has it)", t)
		}
		if s.skipped != "" {
			sr.Skipped = s.skipped
			logf("%s skipped: %s", s.ID, s.skipped)
			return
		}
	}
	if s.Auth != "" && c.Token == "" {
		s.skipped = "needs a bearer token (-token): our server was started without JWT_HS256_SECRET"
		sr.Skipped = s.skipped
		logf("%s skipped: %s", s.ID, s.skipped)
		return
	}
	hdr := s.oursHeader(c)
	// Ours first: without it there is nothing to compare.
	if err := prepareVars(ctx, client, c.Ours, s, s.Ours, hdr); err != nil {
		s.skipped = "our server: " + err.Error()
		sr.Skipped = s.skipped
		logf("%s skipped: %s", s.ID, s.skipped)
		return
	}
	oursBodies := make([][]byte, len(s.Ours.vars))
	for i, vars := range s.Ours.vars {
		res, err := post(ctx, client, c.Ours, s.Ours.query, vars, hdr)
		if err != nil {
			s.skipped = fmt.Sprintf("our server, variables %d: %v", i, err)
			sr.Skipped = s.skipped
			logf("%s skipped: %s", s.ID, s.skipped)
			return
		}
		oursBodies[i] = res.raw
		sr.OursBytes += len(res.raw)
		sr.HeaderSQL = append(sr.HeaderSQL, res.statements)
	}
	sr.OursBytes /= len(s.Ours.vars)
	sr.Systems[sysOurs] = slices.Contains(c.Systems, sysOurs)
	if slices.Contains(c.Systems, sysBase) {
		if _, err := post(ctx, client, c.Base, s.Ours.query, s.Ours.vars[0], hdr); err != nil {
			sr.Notes = append(sr.Notes, "baseline build left out: "+err.Error())
		} else {
			sr.Systems[sysBase] = true
		}
	}

	switch {
	case !slices.Contains(c.Systems, sysPGL):
	case s.PostGraphile == nil:
		sr.Notes = append(sr.Notes, "PostGraphile: not expressible in its generated schema; see the scenario's README entry")
	default:
		err := prepareVars(ctx, client, c.PostGraphile, s, s.PostGraphile, nil)
		for i := 0; err == nil && i < len(s.PostGraphile.vars); i++ {
			var res *gqlResponse
			res, err = post(ctx, client, c.PostGraphile, s.PostGraphile.query, s.PostGraphile.vars[i], nil)
			if err != nil {
				err = fmt.Errorf("variables %d: %w", i, err)
				break
			}
			sr.PGLBytes += len(res.raw)
			if d := s.differences(oursBodies[i], res.raw); len(d) > 0 {
				sr.Notes = append(sr.Notes, fmt.Sprintf("answers differ for variables %d (%v): %s", i, s.Vars[i], strings.Join(d, "; ")))
			}
		}
		if err != nil {
			sr.Notes = append(sr.Notes, "PostGraphile left out: "+err.Error())
			break
		}
		sr.PGLBytes /= len(s.PostGraphile.vars)
		sr.Systems[sysPGL] = true
	}

	if s.PageSizeVar != "" {
		sr.PageSizeCheck = pageSizeCheck(ctx, client, c.Ours, s, hdr)
	}

	if slices.Contains(c.Systems, sysPGB) && !s.NoSQL {
		if err := writeScripts(ctx, client, c, s, sr); err != nil {
			sr.Notes = append(sr.Notes, "pgbench ceiling left out: "+err.Error())
		} else {
			sr.Systems[sysPGB] = true
		}
	}
}

// pageSizeCheck compares the statements our server runs for a page of 1
// and a page of 100 of the first variable set.
func pageSizeCheck(ctx context.Context, client *http.Client, url string, s *scenario, hdr http.Header) *pageCheck {
	pc := &pageCheck{Var: s.PageSizeVar}
	for _, size := range []int{1, 20, 100} {
		vars := map[string]any{}
		for k, v := range s.Ours.vars[0] {
			vars[k] = v
		}
		vars[s.PageSizeVar] = size
		res, err := post(ctx, client, url, s.Ours.query, vars, hdr)
		if err != nil {
			pc.Error = err.Error()
			return pc
		}
		pc.Sizes = append(pc.Sizes, size)
		pc.Statements = append(pc.Statements, res.statements)
	}
	return pc
}

// writeScripts captures our server's statements for each variable set and
// writes one pgbench script per set.
func writeScripts(ctx context.Context, client *http.Client, c config, s *scenario, sr *scenarioReport) error {
	ops := *s.Ours
	if err := prepareVars(ctx, client, c.Capture, s, &ops, s.oursHeader(c)); err != nil {
		return err
	}
	stmts, err := capture(ctx, client, c.Capture, c.PGLog, &ops, s.oursHeader(c))
	if err != nil {
		return err
	}
	dir := filepath.Join(c.Work, "pgbench", s.ID)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sr.scripts = nil
	for i, st := range stmts {
		script, err := pgbenchScript(st)
		if err != nil {
			return err
		}
		name := filepath.Join(dir, fmt.Sprintf("vars-%02d.sql", i))
		if err := os.WriteFile(name, []byte(script), 0o644); err != nil {
			return err
		}
		sr.scripts = append(sr.scripts, name)
		sr.CapturedSQL = append(sr.CapturedSQL, len(st))
	}
	return nil
}

// runPhase warms a system up and measures it at one concurrency.
func runPhase(ctx context.Context, db *sql.DB, c config, s *scenario, sr *scenarioReport, sys string, conc int) (phase, error) {
	if s.Portal != nil {
		return portalPhase(ctx, db, c, s, sys, conc)
	}
	var (
		p   phase
		err error
	)
	switch sys {
	case sysOurs, sysPGL, sysBase:
		url, op, pid, hdr := c.Ours, s.Ours, c.OursPID, s.oursHeader(c)
		switch sys {
		case sysPGL:
			url, op, pid, hdr = c.PostGraphile, s.PostGraphile, c.PostGraphilePID, nil
		case sysBase:
			url, pid = c.Base, c.BasePID
		}
		client := newClient(conc)
		if c.Warmup > 0 {
			attack(client, url, op.bodies, conc, c.Warmup, hdr)
		}
		before, err := statementCalls(ctx, db)
		if err != nil {
			return p, err
		}
		rss := sampleRSS(pid, 100*time.Millisecond, nil)
		p = attack(client, url, op.bodies, conc, c.Duration, hdr)
		p.PeakRSSMB = rss.Stop()
		after, err := statementCalls(ctx, db)
		if err != nil {
			return p, err
		}
		p.SQLPerReq = perRequest(before, after, p.Requests)
		client.CloseIdleConnections()
	case sysPGB:
		before, err2 := statementCalls(ctx, db)
		if err2 != nil {
			return p, err2
		}
		p, err = runPgbench(ctx, c.Pgbench, c.DB, sr.scripts, conc, c.Duration, c.Work)
		if err != nil {
			return p, err
		}
		after, err2 := statementCalls(ctx, db)
		if err2 != nil {
			return p, err2
		}
		p.SQLPerReq = perRequest(before, after, p.Requests)
	}
	return p, err
}

func perRequest(before, after int64, requests int) float64 {
	if before < 0 || after < 0 || requests == 0 {
		return -1
	}
	// Less 1: the query that read "before" is counted in "after".
	return float64(after-before-1) / float64(requests)
}

// statementCalls is the number of statements the bench database has run,
// from pg_stat_statements; -1 when it is not installed.
func statementCalls(ctx context.Context, db *sql.DB) (int64, error) {
	var n sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT sum(calls)::bigint FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n)
	if err != nil {
		if strings.Contains(err.Error(), "does not exist") || strings.Contains(err.Error(), "must be loaded") {
			return -1, nil
		}
		return 0, err
	}
	return n.Int64, nil
}

// soak loads our server with every scenario's requests mixed, at one
// concurrency, and samples its memory every few seconds.
func soak(ctx context.Context, c config, scenarios []*scenario, srs []*scenarioReport) *soakReport {
	var bodies [][]byte
	var ids []string
	for i, s := range scenarios {
		// The soak mixes the public scenarios that read the database
		// (one set of headers).
		if s.skipped == "" && srs[i].Systems[sysOurs] && s.Auth == "" && s.Portal == nil && !s.NoSQL {
			bodies = append(bodies, s.Ours.bodies...)
			ids = append(ids, s.ID)
		}
	}
	if len(bodies) == 0 {
		return nil // only S6 ran: soakPortal soaks the cached instance
	}
	sr := &soakReport{Concurrency: c.SoakConc, Duration: c.Soak.String(), Scenarios: ids}
	logf("soak: %s of %s at c=%d", c.Soak, strings.Join(ids, "+"), c.SoakConc)
	every := max(time.Second, c.Soak/60)
	rss := sampleRSS(c.OursPID, every, func(t time.Duration, kb int64) {
		sr.Series = append(sr.Series, rssPoint{Seconds: t.Seconds(), MB: float64(kb) / 1024})
	})
	client := newClient(c.SoakConc)
	sr.phase = attack(client, c.Ours, bodies, c.SoakConc, c.Soak, nil)
	sr.PeakRSSMB = rss.Stop()
	_ = ctx
	return sr
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// oursHeader is what our server is sent with each request of s.
func (s *scenario) oursHeader(c config) http.Header {
	if s.Auth == "" || c.Token == "" {
		return nil
	}
	return http.Header{"Authorization": {"Bearer " + c.Token}}
}
