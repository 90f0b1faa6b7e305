package main

// S6, the portal mix: anonymous GET queries over the real catalog with the
// popularity of real traffic, against our server with its response cache
// (system ours, the instance at -cached), without it (nocache, the
// instance at -ours, which S1-S5 load), PostGraphile, and the floor (the
// uncached instance answering {__typename}). Variants revalidate with
// ETags (S6E) or write to the catalog once a second through the other
// instance (S6W). See bench/README.md.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

const (
	// sysNoCache is our server with CACHE_MAX_BYTES=0 (the -ours instance);
	// in S6 sysOurs is the instance with its cache (-cached).
	sysNoCache = "nocache"
	// sysFloor is the uncached instance answering {__typename}.
	sysFloor = "floor"
)

// portalSpec is the "portal" member of an S6 scenario.json.
type portalSpec struct {
	// Base names the folder of another portal scenario whose mix,
	// operations and searches this one uses.
	Base         string            `json:"base"`
	Mix          map[string]int    `json:"mix"` // shape (detail, search, node) → weight
	Zipf         float64           `json:"zipf"`
	Ours         map[string]string `json:"ours"`         // shape → query file
	PostGraphile map[string]string `json:"postgraphile"` // shape → query file
	Searches     []map[string]any  `json:"searches"`
	Systems      []string          `json:"systems"`
	// Revalidate: each request for a URL answered before sends
	// If-None-Match with the ETag it got.
	Revalidate bool `json:"revalidate"`
	// WritesPerSecond renames a procedure through the other instance.
	WritesPerSecond float64 `json:"writesPerSecond"`

	queries map[string]map[string]string // ours|postgraphile → shape → text
	// targets are each system's requests, in the order of the draw.
	targets map[string][]portalTarget
	// oursIDs maps a drawn procedure's code to our global ID (writes).
	oursIDs map[string]string
	names   map[string]string // code → name, to restore after writes
}

type portalTarget struct {
	method, url string
	body        []byte
}

// portalRequests is the length of the drawn sequence each system cycles
// through.
const portalRequests = 20000

// loadPortal completes a portal scenario from its base and reads its
// operations.
func loadPortal(s *scenario) error {
	p := s.Portal
	dir := s.dir
	if p.Base != "" {
		dir = filepath.Join(s.dir, p.Base)
		b, err := os.ReadFile(filepath.Join(dir, "scenario.json"))
		if err != nil {
			return err
		}
		var base struct {
			Portal portalSpec `json:"portal"`
		}
		if err := json.Unmarshal(b, &base); err != nil {
			return fmt.Errorf("%s: %w", p.Base, err)
		}
		p.Mix, p.Zipf, p.Ours, p.PostGraphile, p.Searches = base.Portal.Mix, base.Portal.Zipf, base.Portal.Ours, base.Portal.PostGraphile, base.Portal.Searches
		if len(p.Systems) == 0 {
			p.Systems = base.Portal.Systems
		}
	}
	if len(p.Mix) == 0 || p.Zipf <= 1 || len(p.Searches) == 0 {
		return fmt.Errorf("%s: a portal needs a mix, zipf > 1 and searches", s.dir)
	}
	p.queries = map[string]map[string]string{}
	for side, files := range map[string]map[string]string{sysOurs: p.Ours, sysPGL: p.PostGraphile} {
		p.queries[side] = map[string]string{}
		for shape := range p.Mix {
			text, err := readText(dir, files[shape])
			if err != nil {
				return err
			}
			p.queries[side][shape] = text
		}
	}
	return nil
}

// portalURL returns the URL of system sys (ours, nocache, postgraphile,
// floor) and its pid.
func portalURL(c config, sys string) (string, int) {
	switch sys {
	case sysOurs:
		return c.Cached, c.CachedPID
	case sysNoCache, sysFloor:
		return c.Ours, c.OursPID
	case sysPGL:
		return c.PostGraphile, c.PostGraphilePID
	}
	return "", 0
}

// setupPortal draws the sequence of requests and checks each system
// answers its share of them.
func setupPortal(ctx context.Context, db *sql.DB, client *http.Client, c config, s *scenario, sr *scenarioReport) {
	p := s.Portal
	skip := func(why string) {
		s.skipped, sr.Skipped = why, why
		logf("%s skipped: %s", s.ID, why)
	}
	var codes []string
	rows, err := db.QueryContext(ctx, `SELECT code, name FROM procedures ORDER BY code`)
	if err != nil {
		skip(err.Error())
		return
	}
	p.names = map[string]string{}
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			rows.Close()
			skip(err.Error())
			return
		}
		codes = append(codes, code)
		p.names[code] = name
	}
	rows.Close()
	if len(codes) == 0 {
		skip("no procedures")
		return
	}
	// The popularity order is a seeded shuffle of the catalog; the same
	// seed draws the same sequence for every system and run.
	rng := rand.New(rand.NewPCG(6, 6))
	rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	procZipf := newZipf(rng, p.Zipf, len(codes))
	searchZipf := newZipf(rng, p.Zipf, len(p.Searches))
	shapes := slices.Sorted(func(yield func(string) bool) {
		for k := range p.Mix {
			if !yield(k) {
				return
			}
		}
	})
	total := 0
	for _, sh := range shapes {
		total += p.Mix[sh]
	}
	type draw struct {
		shape string
		vars  map[string]any
		code  string
	}
	draws := make([]draw, portalRequests)
	used := map[string]bool{}
	for i := range draws {
		n := rng.IntN(total)
		shape := shapes[0]
		for _, sh := range shapes {
			if n < p.Mix[sh] {
				shape = sh
				break
			}
			n -= p.Mix[sh]
		}
		d := draw{shape: shape}
		if shape == "search" {
			d.vars = p.Searches[searchZipf()]
		} else {
			d.code = codes[procZipf()]
			d.vars = map[string]any{"code": d.code}
			used[d.code] = true
		}
		draws[i] = d
	}

	p.targets = map[string][]portalTarget{}
	for _, sys := range p.Systems {
		if !slices.Contains(c.Systems, sys) {
			continue
		}
		base, _ := portalURL(c, sys)
		if base == "" {
			sr.Notes = append(sr.Notes, sys+": not started in this run")
			continue
		}
		if sys == sysFloor {
			p.targets[sys] = []portalTarget{{method: http.MethodPost, url: base, body: []byte(`{"query":"{__typename}"}`)}}
			sr.Systems[sys] = true
			continue
		}
		side := sysOurs
		if sys == sysPGL {
			side = sysPGL
		}
		lookup := base
		if sys == sysOurs && c.CachedDocuments {
			lookup = c.Ours // the cached instance runs only its documents
		}
		ids, err := nodeIDs(ctx, client, lookup, side, slices.Sorted(func(yield func(string) bool) {
			for k := range used {
				if !yield(k) {
					return
				}
			}
		}))
		if err != nil {
			sr.Notes = append(sr.Notes, fmt.Sprintf("%s left out: looking up IDs: %v", sys, err))
			continue
		}
		if sys == sysOurs {
			p.oursIDs = ids
		}
		targets := make([]portalTarget, len(draws))
		checked := map[string]bool{}
		var failed error
		for i, d := range draws {
			vars := d.vars
			if d.shape == "node" {
				vars = map[string]any{"id": ids[d.code]}
			}
			vb, _ := json.Marshal(vars)
			params := url.Values{"query": {p.queries[side][d.shape]}, "variables": {string(vb)}}
			if sys == sysOurs && c.CachedDocuments {
				// A persisted document's id: the short URL a portal sends.
				params = url.Values{"documentId": {"sha256:" + documentHash(p.queries[side][d.shape])}, "variables": {string(vb)}}
			}
			u := base + "?" + params.Encode()
			targets[i] = portalTarget{method: http.MethodGet, url: u}
			if !checked[d.shape] && failed == nil {
				checked[d.shape] = true
				failed = checkGET(ctx, client, u)
			}
		}
		if failed != nil {
			sr.Notes = append(sr.Notes, fmt.Sprintf("%s left out: %v", sys, failed))
			continue
		}
		p.targets[sys] = targets
		sr.Systems[sys] = true
	}
	if p.WritesPerSecond > 0 && (c.AdminToken == "" || p.oursIDs == nil) {
		skip("writes need -admin-token and the ours system")
	}
}

// zipf returns a draw of ranks 0..n-1, rank k with probability ∝ 1/(k+1)^s.
func newZipf(rng *rand.Rand, s float64, n int) func() int {
	cum := make([]float64, n)
	var sum float64
	for k := range n {
		sum += 1 / math.Pow(float64(k+1), s)
		cum[k] = sum
	}
	return func() int {
		return min(sort.SearchFloat64s(cum, rng.Float64()*sum), n-1)
	}
}

// nodeIDs looks up each code's global ID, 100 codes a request.
func nodeIDs(ctx context.Context, client *http.Client, base, side string, codes []string) (map[string]string, error) {
	field := "procedure"
	if side == sysPGL {
		field = "procedureByCode"
	}
	ids := map[string]string{}
	for start := 0; start < len(codes); start += 100 {
		part := codes[start:min(start+100, len(codes))]
		var q strings.Builder
		q.WriteString("{")
		for i, code := range part {
			fmt.Fprintf(&q, " p%d: %s(code: %q) { id }", i, field, code)
		}
		q.WriteString(" }")
		res, err := post(ctx, client, base, q.String(), nil, nil)
		if err != nil {
			return nil, err
		}
		for i, code := range part {
			var v struct{ ID string }
			if err := json.Unmarshal(res.Data[fmt.Sprintf("p%d", i)], &v); err != nil || v.ID == "" {
				return nil, fmt.Errorf("no id for %s", code)
			}
			ids[code] = v.ID
		}
	}
	return ids, nil
}

// checkGET sends one GET and fails unless it answers 200 without errors.
func checkGET(ctx context.Context, client *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	if res.StatusCode != http.StatusOK || bytes.Contains(body.Bytes(), errorsKey) {
		return fmt.Errorf("GET answered %d: %.300s", res.StatusCode, body.Bytes())
	}
	return nil
}

// write is one catalog write of S6W: when it was done and the version it
// made.
type write struct {
	done    time.Time
	version int64
}

// portalPhase measures one system on a portal scenario.
func portalPhase(ctx context.Context, db *sql.DB, c config, s *scenario, sys string, conc int) (phase, error) {
	p := s.Portal
	_, pid := portalURL(c, sys)
	targets := p.targets[sys]
	client := newClient(conc)
	defer client.CloseIdleConnections()
	var etags sync.Map
	if c.Warmup > 0 {
		attackPortal(client, targets, conc, c.Warmup, p.Revalidate, &etags, false)
	}
	before, err := statementCalls(ctx, db)
	if err != nil {
		return phase{}, err
	}
	var writes []write
	stopWrites := func() error { return nil }
	if p.WritesPerSecond > 0 {
		other := c.Ours // writes go through the other instance
		if sys != sysOurs {
			other = c.Cached
		}
		stopWrites = startWrites(ctx, other, c.AdminToken, p, &writes)
	}
	rss := sampleRSS(pid, 100*time.Millisecond, nil)
	ph, seen := attackPortal(client, targets, conc, c.Duration, p.Revalidate, &etags, p.WritesPerSecond > 0)
	ph.PeakRSSMB = rss.Stop()
	if err := stopWrites(); err != nil {
		return ph, err
	}
	if p.WritesPerSecond > 0 {
		staleness(&ph, seen, writes)
	}
	after, err := statementCalls(ctx, db)
	if err != nil {
		return ph, err
	}
	ph.SQLPerReq = perRequest(before, after, ph.Requests)
	return ph, nil
}

// startWrites renames a drawn procedure through the instance at base,
// WritesPerSecond times a second, and records each write's version (read
// with the same token, from the primary, once the write has returned).
// The function it returns stops the writes and restores the names.
// S6W's administrator renames a procedure, then reads the version the
// write made; they are trusted documents of the cached instance too.
const (
	renameMutation = `mutation($id: ID!, $name: String!) { updateProcedure(input: {id: $id, name: $name}) { userErrors { message } } }`
	versionQuery   = `{ catalogVersion }`
)

func startWrites(ctx context.Context, base, token string, p *portalSpec, out *[]write) func() error {
	client := newClient(2)
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	codes := slices.Sorted(func(yield func(string) bool) {
		for k := range p.oursIDs {
			if !yield(k) {
				return
			}
		}
	})
	rename := func(code, name string) error {
		res, err := post(ctx, client, base, renameMutation, map[string]any{"id": p.oursIDs[code], "name": name}, hdr)
		if err != nil {
			return err
		}
		if bytes.Contains(res.raw, []byte(`"message"`)) {
			return fmt.Errorf("updateProcedure: %s", res.raw)
		}
		return nil
	}
	var mu sync.Mutex
	var firstErr error
	stop := make(chan struct{})
	done := make(chan struct{})
	touched := map[string]bool{}
	go func() {
		defer close(done)
		t := time.NewTicker(time.Duration(float64(time.Second) / p.WritesPerSecond))
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			code := codes[i%len(codes)]
			name := p.names[code] + " (" + strconv.Itoa(i) + ")"
			err := rename(code, name)
			var v int64
			if err == nil {
				var res *gqlResponse
				if res, err = post(ctx, client, base, versionQuery, nil, hdr); err == nil {
					var s string
					json.Unmarshal(res.Data["catalogVersion"], &s)
					v, err = strconv.ParseInt(s, 10, 64)
				}
			}
			mu.Lock()
			touched[code] = true
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if err == nil {
				*out = append(*out, write{done: time.Now(), version: v})
			}
			mu.Unlock()
		}
	}()
	return func() error {
		close(stop)
		<-done
		for code := range touched {
			if err := rename(code, p.names[code]); err != nil && firstErr == nil {
				firstErr = err
			}
		}
		return firstErr
	}
}

// attackPortal runs a closed loop of conc workers over targets for dur
// (as attack does). With revalidate, a request for a URL answered before
// carries its ETag; a 304 is a success. With versions, it returns when
// each answer's request was sent and its X-Catalog-Version.
func attackPortal(client *http.Client, targets []portalTarget, conc int, dur time.Duration, revalidate bool, etags *sync.Map, versions bool) (phase, []answered) {
	var n atomic.Uint64
	targeter := func(t *vegeta.Target) error {
		tg := targets[(n.Add(1)-1)%uint64(len(targets))]
		t.Method, t.URL, t.Body = tg.method, tg.url, tg.body
		t.Header = http.Header{"Accept": {"application/json"}}
		if tg.method == http.MethodPost {
			t.Header.Set("Content-Type", "application/json")
		}
		if revalidate {
			if tag, ok := etags.Load(tg.url); ok {
				t.Header.Set("If-None-Match", tag.(string))
			}
		}
		return nil
	}
	atk := vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(uint64(conc)), vegeta.MaxWorkers(uint64(conc)))
	var (
		p     phase
		lat   = make([]time.Duration, 0, 1<<16)
		stmts int64
		withH int
		start = time.Now()
		end   time.Time
		seen  []answered
	)
	for r := range atk.Attack(targeter, vegeta.Rate{Freq: 0}, dur, "") {
		p.Requests++
		if e := r.Timestamp.Add(r.Latency); e.After(end) {
			end = e
		}
		ok := r.Error == "" && (r.Code == http.StatusOK && !bytes.Contains(r.Body, errorsKey) || r.Code == http.StatusNotModified && revalidate)
		if !ok {
			p.Errors++
			if p.FirstError == "" {
				p.FirstError = fmt.Sprintf("HTTP %d %s %.300s", r.Code, r.Error, r.Body)
			}
			continue
		}
		lat = append(lat, r.Latency)
		if r.Code == http.StatusNotModified {
			p.NotModified++
		}
		if r.Headers.Get("X-Cache") == "HIT" {
			p.Hits++
		}
		if revalidate && r.Code == http.StatusOK {
			if tag := r.Headers.Get("ETag"); tag != "" {
				etags.Store(r.URL, tag)
			}
		}
		if h := r.Headers.Get("X-SQL-Statements"); h != "" {
			if v, err := strconv.ParseInt(h, 10, 64); err == nil {
				stmts += v
				withH++
			}
		}
		if versions {
			if v, err := strconv.ParseInt(r.Headers.Get("X-Catalog-Version"), 10, 64); err == nil {
				seen = append(seen, answered{r.Timestamp, v})
			}
		}
	}
	p.Seconds = end.Sub(start).Seconds()
	if p.Seconds > 0 {
		p.RPS = float64(len(lat)) / p.Seconds
	}
	p.P50, p.P95, p.P99, p.Mean = quantiles(lat)
	p.HeaderSQL = -1
	if withH > 0 {
		p.HeaderSQL = float64(stmts) / float64(withH)
	}
	return p, seen
}

// answered is when an answer's request was sent and the catalog version
// the answer reflects.
type answered struct {
	sent    time.Time
	version int64
}

// staleness checks the answers against the writes: an answer is stale
// when a write finished before its request was sent and the answer
// reflects an older version. Within a few milliseconds of a write that is
// the notification's way to the instance; past staleGrace it would be a
// bug.
func staleness(p *phase, seen []answered, ws []write) {
	p.Writes, p.Checked = len(ws), len(seen)
	for _, s := range seen {
		i := sort.Search(len(ws), func(i int) bool { return ws[i].done.After(s.sent) }) - 1
		if i < 0 || ws[i].version <= s.version {
			continue
		}
		p.Stale++
		late := s.sent.Sub(ws[i].done)
		p.StaleMaxMS = max(p.StaleMaxMS, ms(late))
		if late > staleGrace {
			p.StaleLate++
		}
	}
}

// staleGrace is how long after a write an answer may still be older: the
// time for the write's notification to reach the instance.
const staleGrace = 100 * time.Millisecond

// portalTargets writes S6's targets: with its cache, ours ≥ 10× PostGraphile's
// throughput at a lower p99 and ≥ ½ of the floor; in S6W no answer older
// than a write finished staleGrace before its request.
func (r *report) portalTargets(b *strings.Builder, c config, s *scenarioReport) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	compare := func(what, other string, check func(o, x med) bool, fig func(o, x med) string) {
		if !s.Systems[sysOurs] || !s.Systems[other] {
			w("| %s | %s | %s or ours not run | not measured |\n", what, s.ID, other)
			return
		}
		var figs []string
		ok := true
		for _, conc := range c.Concurrency {
			o, ok1 := r.medians(s.ID, sysOurs, conc)
			x, ok2 := r.medians(s.ID, other, conc)
			if !ok1 || !ok2 || x.rps <= 0 {
				ok = false
				continue
			}
			figs = append(figs, fmt.Sprintf("c=%d: %s", conc, fig(o, x)))
			ok = ok && check(o, x)
		}
		w("| %s | %s | %s | %s |\n", what, s.ID, strings.Join(figs, ", "), yes(ok))
	}
	if s.ID == "S6" {
		compare("with the cache, throughput ≥ 10× PostGraphile", sysPGL,
			func(o, x med) bool { return o.rps >= 10*x.rps }, func(o, x med) string { return fmt.Sprintf("%.1f×", o.rps/x.rps) })
		compare("with the cache, p99 < PostGraphile's", sysPGL,
			func(o, x med) bool { return o.p99 < x.p99 }, func(o, x med) string { return fmt.Sprintf("%.2f vs %.2f ms", o.p99, x.p99) })
		compare("with the cache, throughput ≥ ½ the {__typename} floor", sysFloor,
			func(o, x med) bool { return o.rps >= 0.5*x.rps }, func(o, x med) string { return fmt.Sprintf("%.2f", o.rps/x.rps) })
	}
	stale, late, checked := 0, 0, 0
	for _, x := range r.Samples {
		if x.Scenario == s.ID {
			stale, late, checked = stale+x.Stale, late+x.StaleLate, checked+x.Checked
		}
	}
	if checked > 0 {
		w("| no answer older than a write finished %s before its request | %s | %d answers checked, %d within %s of a write, %d later | %s |\n",
			staleGrace, s.ID, checked, stale-late, staleGrace, late, yes(late == 0))
	}
}

// portalFigures writes what the portal scenarios measure besides the
// figures of every scenario: the cache's hits, the 304s and the writes.
func (r *report) portalFigures(b *strings.Builder, c config) {
	var rows []string
	for _, x := range r.Samples {
		sc := slices.IndexFunc(r.Scenarios, func(s *scenarioReport) bool { return s.ID == x.Scenario })
		if sc < 0 || !r.Scenarios[sc].Portal || x.Requests == 0 {
			continue
		}
		ok := x.Requests - x.Errors
		rows = append(rows, fmt.Sprintf("| %d | %s | %d | %s | %d | %.1f %% | %.1f %% | %d | %d | %d | %.1f |",
			x.Round, x.Scenario, x.Concurrency, x.System, ok, pct(x.Hits, ok), pct(x.NotModified, ok), x.Writes, x.Stale, x.StaleLate, x.StaleMaxMS))
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n### The portal mix (S6): cache hits, revalidations, writes\n\n")
	fmt.Fprintf(b, "Hits: answers from the instance's response cache (X-Cache: HIT); 304: revalidated answers; stale: answers whose X-Catalog-Version is older than a write finished before their request was sent (late: more than %s after it); max: the longest such delay, ms.\n\n", staleGrace)
	fmt.Fprintf(b, "| round | scenario | c | system | answers | hits | 304 | writes | stale | late | max ms |\n|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
	b.WriteString(strings.Join(rows, "\n") + "\n")
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// soakPortal loads our server with its cache with S6 for the soak's
// length and samples its memory: the cache must stay within its
// CACHE_MAX_BYTES.
func soakPortal(c config, scenarios []*scenario, srs []*scenarioReport) *soakReport {
	i := slices.IndexFunc(scenarios, func(s *scenario) bool { return s.ID == "S6" })
	if i < 0 || !srs[i].Systems[sysOurs] {
		return nil
	}
	sr := &soakReport{Concurrency: c.SoakConc, Duration: c.Soak.String(), Scenarios: []string{"S6"}}
	logf("soak: %s of S6 on our server with its cache at c=%d", c.Soak, c.SoakConc)
	every := max(time.Second, c.Soak/60)
	rss := sampleRSS(c.CachedPID, every, func(t time.Duration, kb int64) {
		sr.Series = append(sr.Series, rssPoint{Seconds: t.Seconds(), MB: float64(kb) / 1024})
	})
	var etags sync.Map
	sr.phase, _ = attackPortal(newClient(c.SoakConc), scenarios[i].Portal.targets[sysOurs], c.SoakConc, c.Soak, false, &etags, false)
	sr.PeakRSSMB = rss.Stop()
	return sr
}

// documentHash is a trusted document's id: the SHA-256 of its text.
func documentHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// writeManifest writes the trusted documents (id → text, as
// TRUSTED_DOCUMENTS reads them) of every portal scenario's operations of
// ours and of S6W's writes.
func writeManifest(dir, path string) error {
	scenarios, err := loadScenarios(dir, nil)
	if err != nil {
		return err
	}
	manifest := map[string]string{documentHash(renameMutation): renameMutation, documentHash(versionQuery): versionQuery}
	for _, s := range scenarios {
		if s.Portal == nil {
			continue
		}
		for _, text := range s.Portal.queries[sysOurs] {
			manifest[documentHash(text)] = text
		}
	}
	if len(manifest) == 2 {
		return fmt.Errorf("%s: no portal scenario", dir)
	}
	b, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
