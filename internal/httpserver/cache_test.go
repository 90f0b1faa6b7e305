package httpserver_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tthc/internal/auth"
	"tthc/internal/cache"
	"tthc/internal/httpserver"
	"tthc/internal/postgres"
	"tthc/internal/testdb"
	"tthc/internal/trusted"
)

// newCacheAPI serves a small catalog (one procedure, 1.000001) with the
// response cache on and the catalog version followed by LISTEN/NOTIFY, as
// tthc serve runs it; tokens as newTokenAPI.
func newCacheAPI(t *testing.T, maxBytes int64, options ...func(*httpserver.Config)) (*api, *cache.Versions, *cache.Cache) {
	t.Helper()
	url := testdb.New(t)
	db := testdb.Open(t, url)
	if err := db.ExecScript(context.Background(), `INSERT INTO procedures (code, name) VALUES ('1.000001', 'Thủ tục một')`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logger := slog.New(slog.NewTextHandler(&syncBuffer{}, nil))
	versions, err := cache.NewVersions(ctx, db, cache.VersionsConfig{URL: url, Channel: postgres.CatalogVersionChannel, Poll: time.Hour}, logger)
	if err != nil {
		t.Fatal(err)
	}
	go versions.Run(ctx)
	c, err := cache.New(cache.Config{MaxBytes: maxBytes, MaxAge: time.Minute, StaleWhileRevalidate: 2 * time.Minute}, versions)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	v, err := auth.NewVerifier(auth.Config{HS256Secret: reportSecret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := httpserver.Config{DB: db, Verifier: v, Versions: versions, Cache: c}
	for _, o := range options {
		o(&cfg)
	}
	return newAPI(t, url, cfg), versions, c
}

const nameQuery = `query Name($code: String!) { procedure(code: $code) { name } catalogVersion }`

// getQuery sends a GraphQL query over GET; headers are name, value pairs.
func (a *api) getQuery(t *testing.T, query string, vars map[string]any, headers ...string) response {
	t.Helper()
	b, err := json.Marshal(vars)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"query": {query}, "variables": {string(b)}}.Encode(), nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.send(t, req)
}

// procedureName returns the name the response shows and its catalogVersion.
func procedureName(t *testing.T, res response) (string, string) {
	t.Helper()
	if res.Status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	var data struct {
		Procedure      struct{ Name string }
		CatalogVersion string
	}
	if err := json.Unmarshal(res.Data, &data); err != nil {
		t.Fatal(err)
	}
	return data.Procedure.Name, data.CatalogVersion
}

// TestHTTPCachingHeaders checks what each kind of response tells HTTP
// caches: an anonymous GET query is public with a strong ETag and
// revalidates with 304 without running; anything authenticated, a
// mutation and an error is private and never stored.
func TestHTTPCachingHeaders(t *testing.T) {
	a, _, c := newCacheAPI(t, 1<<20)
	vars := map[string]any{"code": "1.000001"}

	first := a.getQuery(t, nameQuery, vars)
	c.Wait()
	name, version := procedureName(t, first)
	if name != "Thủ tục một" {
		t.Fatalf("name %q", name)
	}
	h := first.Header
	if got := h.Get("Cache-Control"); got != "public, max-age=60, stale-while-revalidate=120" {
		t.Errorf("Cache-Control %q", got)
	}
	if got := h.Values("Vary"); !strings.Contains(strings.Join(got, ","), "Authorization") || !strings.Contains(strings.Join(got, ","), "Accept") {
		t.Errorf("Vary %q, want Authorization and Accept", got)
	}
	tag := h.Get("ETag")
	if !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) || strings.HasPrefix(tag, "W/") {
		t.Errorf("ETag %q, want a strong one", tag)
	}
	if got := h.Get("X-Catalog-Version"); got != version || version == "" {
		t.Errorf("X-Catalog-Version %q, catalogVersion %q: want the same number", got, version)
	}

	// The same query, spelled with other whitespace in its variables, is
	// served from memory.
	again := a.getQuery(t, nameQuery, map[string]any{"code": "1.000001"})
	if again.Header.Get("X-Cache") != "HIT" || again.Statements != 0 || again.Header.Get("ETag") != tag {
		t.Errorf("second GET: X-Cache %q, %d statements, ETag %q; want a hit with no SQL and ETag %s",
			again.Header.Get("X-Cache"), again.Statements, again.Header.Get("ETag"), tag)
	}
	if string(again.Body) != string(first.Body) {
		t.Errorf("the hit differs:\n%s\n%s", again.Body, first.Body)
	}
	// A POST of the same query shares the entry but is not public.
	post := a.post(t, nameQuery, vars)
	if post.Header.Get("X-Cache") != "HIT" || post.Header.Get("Cache-Control") != "private, no-store" || post.Header.Get("ETag") != "" {
		t.Errorf("POST: X-Cache %q, Cache-Control %q, ETag %q", post.Header.Get("X-Cache"), post.Header.Get("Cache-Control"), post.Header.Get("ETag"))
	}

	// Revalidation: 304 without running the operation, also when a proxy
	// weakened the tag or lists several.
	for _, inm := range []string{tag, "W/" + tag, `"other", ` + tag, "*"} {
		res := a.getQuery(t, nameQuery, vars, "If-None-Match", inm)
		if res.Status != http.StatusNotModified || len(res.Body) != 0 || res.Statements != 0 {
			t.Errorf("If-None-Match %s: status %d, %d statements, body %q; want 304, none, empty", inm, res.Status, res.Statements, res.Body)
		}
		if res.Header.Get("ETag") != tag || !strings.HasPrefix(res.Header.Get("Cache-Control"), "public") {
			t.Errorf("If-None-Match %s: 304 without its ETag and Cache-Control: %v", inm, res.Header)
		}
	}
	if res := a.getQuery(t, nameQuery, vars, "If-None-Match", `"stale-1"`); res.Status != http.StatusOK {
		t.Errorf("an old ETag: status %d, want 200", res.Status)
	}
	// Another Accept is another representation: another ETag.
	if res := a.getQuery(t, nameQuery, vars, "Accept", "application/graphql-response+json"); res.Header.Get("ETag") == tag {
		t.Errorf("Accept application/graphql-response+json shares the ETag %s", tag)
	}

	private := []struct {
		name string
		send func() response
	}{
		{"authenticated GET", func() response { return a.getQuery(t, nameQuery, vars, "Authorization", bearer(t, rAnalyst)) }},
		{"a bad token", func() response { return a.getQuery(t, nameQuery, vars, "Authorization", "Bearer nonsense") }},
		{"authenticated POST", func() response { return a.post(t, nameQuery, vars, "Authorization", bearer(t, rAnalyst)) }},
		{"a mutation", func() response {
			return a.post(t, `mutation { updateProcedure(input: {id: "x", name: "y"}) { userErrors { code } } }`, nil)
		}},
		{"an error", func() response { return a.getQuery(t, `{ procedure(code: 1) { name } }`, nil) }},
		{"a field error", func() response { return a.getQuery(t, `{ proposals { totalCount } }`, nil) }},
		{"a request error", func() response { return a.getQuery(t, `{ procedure(code: "1.000001") { nosuchfield } }`, nil) }},
		{"a mutation over GET", func() response {
			return a.getQuery(t, `mutation { updateProcedure(input: {id: "x", name: "y"}) { userErrors { code } } }`, nil)
		}},
		{"a refused method", func() response { return a.send(t, httptest.NewRequest(http.MethodPut, "/graphql", nil)) }},
		{"an unknown documentId", func() response {
			return a.send(t, httptest.NewRequest(http.MethodGet, "/graphql?documentId=sha256:"+strings.Repeat("0", 64), nil))
		}},
	}
	for _, p := range private {
		for range 2 {
			res := p.send()
			if got := res.Header.Get("Cache-Control"); got != "private, no-store" {
				t.Errorf("%s: Cache-Control %q, want private, no-store", p.name, got)
			}
			if res.Header.Get("ETag") != "" || res.Header.Get("X-Cache") == "HIT" {
				t.Errorf("%s: ETag %q, X-Cache %q: want neither", p.name, res.Header.Get("ETag"), res.Header.Get("X-Cache"))
			}
		}
	}
}

// TestCacheInvalidation checks the exact invalidation: once a change of
// the catalog has committed and its notification has reached the
// instance, no answer from before it is served, whether it was made
// through the API, by a tool writing SQL, or while the listener was down.
func TestCacheInvalidation(t *testing.T) {
	a, versions, c := newCacheAPI(t, 1<<20)
	vars := map[string]any{"code": "1.000001"}
	read := func() (string, int64) {
		t.Helper()
		name, v := procedureName(t, a.getQuery(t, nameQuery, vars))
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("catalogVersion %q", v)
		}
		return name, n
	}
	committed := func() int64 {
		t.Helper()
		return int64(a.count(t, `SELECT version FROM catalog_version`))
	}
	// waitNotified waits until the instance knows version v, as it does
	// once the notification arrives.
	waitNotified := func(v int64) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if known, ok := versions.Current(); ok && known >= v {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("version %d never notified", v)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if name, _ := read(); name != "Thủ tục một" {
		t.Fatalf("name %q", name)
	}
	c.Wait()
	if res := a.getQuery(t, nameQuery, vars); res.Header.Get("X-Cache") != "HIT" {
		t.Fatalf("the answer is not cached: X-Cache %q", res.Header.Get("X-Cache"))
	}

	// Through the API: an administrator renames the procedure.
	var id string
	a.query(t, `{ procedure(code: "1.000001") { id } }`, nil, &struct{ Procedure struct{ ID *string } }{struct{ ID *string }{&id}})
	res := a.post(t, `mutation($id: ID!) { updateProcedure(input: {id: $id, name: "Thủ tục hai"}) { userErrors { message } } }`,
		map[string]any{"id": id}, "Authorization", bearer(t, rAdmin))
	if res.Status != http.StatusOK || len(res.Errors) > 0 || strings.Contains(string(res.Data), "message") {
		t.Fatalf("rename: %s", res.Body)
	}
	v := committed()
	waitNotified(v)
	for range 3 {
		if name, got := read(); name != "Thủ tục hai" || got < v {
			t.Fatalf("after the rename at version %d: %q at version %d", v, name, got)
		}
	}

	// By SQL, as the importer or psql would.
	a.exec(t, `UPDATE procedures SET name = 'Thủ tục ba' WHERE code = '1.000001'`)
	v = committed()
	waitNotified(v)
	if name, got := read(); name != "Thủ tục ba" || got < v {
		t.Fatalf("after an SQL update at version %d: %q at version %d", v, name, got)
	}
	c.Wait()
	if res := a.getQuery(t, nameQuery, vars); res.Header.Get("X-Cache") != "HIT" {
		t.Errorf("the new answer is not cached: X-Cache %q", res.Header.Get("X-Cache"))
	}

	// While the listener is down, a change is not announced: the cache
	// must not trust what it knows until it has reconnected and read the
	// version again. Every answer from the moment the change commits is
	// the new one.
	a.exec(t, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, cache.ListenerApplicationName)
	deadline := time.Now().Add(10 * time.Second)
	for versions.Connected() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !versions.Connected() {
		// Still ready: answers are exact, only slower.
		if status, checks := probe(t, a, "/readyz"); status != http.StatusOK || checks["catalogListener"] != "disconnected: response cache off" {
			t.Errorf("/readyz with the listener away: %d %v", status, checks)
		}
	}
	a.exec(t, `UPDATE procedures SET name = 'Thủ tục bốn' WHERE code = '1.000001'`)
	v = committed()
	deadline = time.Now().Add(60 * time.Second)
	for {
		if name, got := read(); name != "Thủ tục bốn" || got < v {
			t.Fatalf("after an update made while the listener was down: %q at version %d, want Thủ tục bốn at %d", name, got, v)
		}
		if known, ok := versions.Current(); ok && known >= v {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the listener never came back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	read()
	c.Wait()
	if res := a.getQuery(t, nameQuery, vars); res.Header.Get("X-Cache") != "HIT" {
		t.Errorf("after the listener came back the cache is not used: X-Cache %q", res.Header.Get("X-Cache"))
	}
	if status, checks := probe(t, a, "/readyz"); status != http.StatusOK || checks["catalogListener"] != "ok" {
		t.Errorf("/readyz with the listener back: %d %v", status, checks)
	}

	// What an operator sees of it.
	metrics := a.scrape(t)
	for name, want := range map[string]func(float64) bool{
		"tthc_cache_hits_total":           func(v float64) bool { return v >= 3 },
		"tthc_cache_misses_total":         func(v float64) bool { return v >= 1 },
		"tthc_cache_bypassed_total":       func(v float64) bool { return v >= 1 },
		"tthc_cache_max_bytes":            func(v float64) bool { return v == 1<<20 },
		"tthc_cache_bytes":                func(v float64) bool { return v > 0 && v <= 1<<20 },
		"tthc_catalog_version":            func(v float64) bool { return v == float64(committed()) },
		"tthc_catalog_listener_connected": func(v float64) bool { return v == 1 },
	} {
		if got := sample(metrics, name); !want(got) {
			t.Errorf("metric %s = %v", name, got)
		}
	}
}

// TestCacheOff checks CACHE_MAX_BYTES=0: nothing is served from memory,
// and GET keeps its HTTP caching headers.
func TestCacheOff(t *testing.T) {
	a, _, _ := newCacheAPI(t, 0)
	vars := map[string]any{"code": "1.000001"}
	first := a.getQuery(t, nameQuery, vars)
	second := a.getQuery(t, nameQuery, vars)
	if second.Header.Get("X-Cache") == "HIT" || second.Statements == 0 {
		t.Errorf("with the cache off: X-Cache %q, %d statements", second.Header.Get("X-Cache"), second.Statements)
	}
	if tag := first.Header.Get("ETag"); tag == "" || second.Header.Get("ETag") != tag {
		t.Errorf("ETags %q and %q, want one", tag, second.Header.Get("ETag"))
	}
	if res := a.getQuery(t, nameQuery, vars, "If-None-Match", first.Header.Get("ETag")); res.Status != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", res.Status)
	}
	// A POST without the cache reads no version: the engine alone.
	post := a.post(t, `query($code: String!) { procedure(code: $code) { name } }`, vars)
	if post.Statements != 1 {
		t.Errorf("an uncached POST ran %d statements, want 1", post.Statements)
	}
}

// TestCacheInRequestLog checks that the request log says which answers
// came from the response cache (they have no operation to name).
func TestCacheInRequestLog(t *testing.T) {
	logs := &syncBuffer{}
	a, _, c := newCacheAPI(t, 1<<20, func(cfg *httpserver.Config) {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	vars := map[string]any{"code": "1.000001"}
	a.getQuery(t, nameQuery, vars)
	c.Wait()
	a.getQuery(t, nameQuery, vars)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) < 2 || !strings.Contains(lines[len(lines)-2], "cache=MISS") || !strings.Contains(lines[len(lines)-1], "cache=HIT") ||
		!strings.Contains(lines[len(lines)-1], "sql_statements=0") {
		t.Errorf("request log:\n%s", logs)
	}
}

// TestCachedAnswersVaryByOrigin checks that under CORS a public answer
// varies by Origin too (a shared cache must not hand one origin's
// Access-Control-Allow-Origin to another), from memory as when it ran.
func TestCachedAnswersVaryByOrigin(t *testing.T) {
	a, _, c := newCacheAPI(t, 1<<20, func(cfg *httpserver.Config) {
		cfg.CORSAllowedOrigins = []string{"https://portal.gov.vn"}
	})
	vars := map[string]any{"code": "1.000001"}
	for _, how := range []string{"MISS", "HIT"} {
		res := a.getQuery(t, nameQuery, vars, "Origin", "https://portal.gov.vn")
		c.Wait()
		vary := strings.Join(res.Header.Values("Vary"), ", ")
		for _, h := range []string{"Origin", "Authorization", "Accept"} {
			if !strings.Contains(vary, h) {
				t.Errorf("%s: Vary %q lacks %s", how, vary, h)
			}
		}
		if res.Header.Get("X-Cache") != how || res.Header.Get("Access-Control-Allow-Origin") != "https://portal.gov.vn" ||
			!strings.HasPrefix(res.Header.Get("Cache-Control"), "public") {
			t.Errorf("%s: %v", how, res.Header)
		}
		// The page may read what the cache tells it.
		exposed := res.Header.Get("Access-Control-Expose-Headers")
		for _, h := range []string{"ETag", "X-Catalog-Version", "X-Cache"} {
			if !strings.Contains(strings.ToLower(exposed), strings.ToLower(h)) { // names are case-insensitive
				t.Errorf("%s: Access-Control-Expose-Headers %q lacks %s", how, exposed, h)
			}
		}
	}
	// Another origin gets the same answer without the allowance.
	res := a.getQuery(t, nameQuery, vars, "Origin", "https://evil.example")
	if res.Header.Get("Access-Control-Allow-Origin") != "" || !strings.Contains(strings.Join(res.Header.Values("Vary"), ", "), "Origin") {
		t.Errorf("another origin: %v", res.Header)
	}
}

// TestCachedPersistedDocuments checks that a GET naming a trusted
// document by its documentId, the short URL a CDN keeps, is public,
// revalidates and is served from memory.
func TestCachedPersistedDocuments(t *testing.T) {
	docs := trustedDocuments(t, nameQuery)
	a, _, c := newCacheAPI(t, 1<<20, func(cfg *httpserver.Config) { cfg.TrustedDocuments = docs })
	u := "/graphql?" + url.Values{"documentId": {"sha256:" + trusted.Hash(nameQuery)}, "variables": {`{"code":"1.000001"}`}}.Encode()
	first := a.send(t, httptest.NewRequest(http.MethodGet, u, nil))
	c.Wait()
	if name, _ := procedureName(t, first); name != "Thủ tục một" {
		t.Fatalf("name %q", name)
	}
	tag := first.Header.Get("ETag")
	if tag == "" || !strings.HasPrefix(first.Header.Get("Cache-Control"), "public") {
		t.Fatalf("GET by documentId: %v", first.Header)
	}
	if res := a.send(t, httptest.NewRequest(http.MethodGet, u, nil)); res.Header.Get("X-Cache") != "HIT" || res.Header.Get("ETag") != tag {
		t.Errorf("again: X-Cache %q, ETag %q, want a hit with %s", res.Header.Get("X-Cache"), res.Header.Get("ETag"), tag)
	}
	req := httptest.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("If-None-Match", tag)
	if res := a.send(t, req); res.Status != http.StatusNotModified {
		t.Errorf("revalidation by documentId: %d, want 304", res.Status)
	}
	// The same document sent as its text shares the entry.
	if res := a.getQuery(t, nameQuery, map[string]any{"code": "1.000001"}); res.Header.Get("X-Cache") != "HIT" {
		t.Errorf("the text of the document: X-Cache %q, want a hit", res.Header.Get("X-Cache"))
	}
}

// TestCacheCoalescesMisses checks that requests missing the same answer
// at once run it once: the others wait for it and are answered with it.
func TestCacheCoalescesMisses(t *testing.T) {
	a, _, _ := newCacheAPI(t, 1<<20)
	vars := map[string]any{"code": "1.000001"}
	// Hold the procedures while the requests come, so the first to run
	// waits on the lock and the others arrive meanwhile.
	tx, err := a.sql.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`LOCK TABLE procedures IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	const n = 8
	answers := make(chan response, n)
	for range n {
		go func() { answers <- a.getQuery(t, nameQuery, vars) }()
	}
	waitFor(t, "a request waiting on the lock", func() bool {
		return a.count(t, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%procedures%'`) > 0
	})
	time.Sleep(300 * time.Millisecond) // the others reach the cache
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var misses, statements int
	var body string
	for range n {
		res := <-answers
		if name, _ := procedureName(t, res); name != "Thủ tục một" {
			t.Errorf("name %q", name)
		}
		if res.Header.Get("X-Cache") == "MISS" {
			misses++
			body = string(res.Body)
		}
		statements += res.Statements
	}
	if misses != 1 {
		t.Errorf("%d of %d concurrent requests ran the query, want 1", misses, n)
	}
	if statements > 2 {
		t.Errorf("the %d requests ran %d statements, want those of one (the version, the procedure)", n, statements)
	}
	if res := a.getQuery(t, nameQuery, vars); string(res.Body) != body {
		t.Errorf("the shared answer differs from the stored one")
	}
}
