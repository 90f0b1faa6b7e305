package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"
	"golang.org/x/sync/singleflight"
)

// Config sets what is cached and for how long.
type Config struct {
	// MaxBytes bounds the memory of the stored responses (CACHE_MAX_BYTES);
	// 0 stores none.
	MaxBytes int64
	// MaxAge and StaleWhileRevalidate are the Cache-Control of anonymous
	// GET queries (CACHE_MAX_AGE, CACHE_STALE_WHILE_REVALIDATE).
	MaxAge, StaleWhileRevalidate time.Duration
}

// Source is what Cache needs of Versions.
type Source interface {
	Current() (int64, bool)
}

// Cache serves anonymous GraphQL queries from memory and tells HTTP caches
// what they may keep. The rules, in one place:
//
//   - A request with an Authorization header (any, even a bad token), a
//     mutation, a subscription and any response with errors answer
//     Cache-Control: private, no-store and are never stored.
//   - An anonymous query over GET answers Cache-Control: public, max-age,
//     stale-while-revalidate, a strong ETag of its document, variables,
//     Accept and catalog version, and Vary: Authorization, Accept. An
//     If-None-Match naming the current ETag answers 304 without running
//     the operation.
//   - An anonymous query (GET or POST) is stored in memory under its
//     document, variables and Accept, labelled with the catalog version
//     read before its data, and served while that is the newest version
//     this instance knows. Concurrent misses of one answer run it once.
//
// Every response of a query carries X-Catalog-Version when one is known.
type Cache struct {
	versions     Source
	entries      *ristretto.Cache[string, *entry] // nil: nothing stored
	flight       singleflight.Group               // misses of one answer, run once
	cacheControl string

	hits, misses, bypassed, notModified atomic.Uint64
}

// entry is one stored response.
type entry struct {
	key         string // the whole key: ristretto keeps only its hash
	version     int64
	contentType string
	body        []byte
}

// New returns a Cache; versions may be nil (no version is ever known, so
// nothing is served from memory).
func New(cfg Config, versions Source) (*Cache, error) {
	c := &Cache{versions: versions,
		cacheControl: fmt.Sprintf("public, max-age=%d, stale-while-revalidate=%d",
			int(cfg.MaxAge.Seconds()), int(cfg.StaleWhileRevalidate.Seconds()))}
	if cfg.MaxBytes > 0 {
		var err error
		c.entries, err = ristretto.NewCache(&ristretto.Config[string, *entry]{
			// Ten counters per entry that fits, at about 2 KiB an entry.
			NumCounters: min(max(cfg.MaxBytes/200, 10_000), 10_000_000),
			MaxCost:     cfg.MaxBytes,
			BufferItems: 64,
			// A response read at an older version never replaces a newer.
			ShouldUpdate: func(cur, prev *entry) bool { return cur.version >= prev.version },
		})
		if err != nil {
			return nil, fmt.Errorf("response cache: %w", err)
		}
	}
	return c, nil
}

// Close frees the stored responses.
func (c *Cache) Close() {
	if c.entries != nil {
		c.entries.Close()
	}
}

// Wait waits until the responses stored so far can be served: the cache
// stores asynchronously. For tests.
func (c *Cache) Wait() {
	if c.entries != nil {
		c.entries.Wait()
	}
}

// Stats are the cache's counters, for metrics.
type Stats struct {
	Hits, Misses, Bypassed, NotModified uint64
	Bytes, MaxBytes                     int64
}

// Stats returns the counters: Bypassed counts anonymous queries that could
// not use the cache because the version was not known.
func (c *Cache) Stats() Stats {
	s := Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Bypassed: c.bypassed.Load(), NotModified: c.notModified.Load()}
	if c.entries != nil {
		s.MaxBytes = c.entries.MaxCost()
		s.Bytes = s.MaxBytes - c.entries.RemainingCost()
	}
	return s
}

const (
	// NoStore is the Cache-Control of every answer that is not public.
	NoStore = "private, no-store"
	// vary names what changes a public answer besides the URL.
	vary = "Authorization, Accept"
)

// Serve answers r, a request to the GraphQL endpoint whose body (if any)
// has been read into memory, from the cache when it can, and otherwise
// runs next and keeps what it may.
func (c *Cache) Serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if r.Header.Get("Upgrade") != "" || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
		next.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	known, trusted := int64(0), false
	if c.versions != nil {
		known, trusted = c.versions.Current()
	}
	key, ok := requestKey(r)
	if _, auth := r.Header["Authorization"]; auth || !ok {
		// Data read after the version was known is at least that version.
		h.Set("Cache-Control", NoStore)
		if trusted {
			h.Set("X-Catalog-Version", strconv.FormatInt(known, 10))
		}
		next.ServeHTTP(w, r)
		return
	}
	key += "\x00" + r.Header.Get("Accept")
	get := r.Method == http.MethodGet
	if !trusted {
		if c.entries != nil {
			c.bypassed.Add(1)
		}
		c.run(w, r, key, get, next)
		return
	}
	if get && matches(r.Header.Get("If-None-Match"), etag(key, known)) {
		c.notModified.Add(1)
		c.publicHeaders(h, key, known)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if c.entries == nil {
		c.run(w, r, key, get, next)
		return
	}
	if e, ok := c.entries.Get(key); ok && e.key == key && e.version == known {
		c.hits.Add(1)
		c.serve(w, r, get, e)
		return
	}
	// Requests that miss the same answer at once wait for the first to
	// make it (request coalescing, as nginx's proxy_cache_lock): after a
	// new version, the popular pages run once each, not once per client.
	leader := false
	shared, _, _ := c.flight.Do(key+"\x00"+strconv.FormatInt(known, 10), func() (any, error) {
		leader = true
		c.misses.Add(1)
		return c.run(w, r, key, get, next), nil
	})
	if leader {
		return
	}
	if e, _ := shared.(*entry); e != nil {
		if now, ok := c.versions.Current(); ok && e.version >= now {
			c.hits.Add(1)
			c.serve(w, r, get, e)
			return
		}
	}
	// The first failed, or a newer version came meanwhile: run it here.
	c.misses.Add(1)
	c.run(w, r, key, get, next)
}

// run runs next for r and answers with what it made, storing it when it
// may be served again. It returns the answer when it was a public one (a
// query that ran without errors, labelled with a version), else nil.
func (c *Cache) run(w http.ResponseWriter, r *http.Request, key string, get bool, next http.Handler) *entry {
	h := w.Header()
	req := &Request{WantLabel: c.entries != nil || get}
	rec := &recorder{header: h}
	next.ServeHTTP(rec, r.WithContext(WithRequest(r.Context(), req)))
	version, query, failed := req.outcome()
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status != http.StatusOK || !query || failed || version == 0 {
		h.Set("Cache-Control", NoStore)
		if version != 0 {
			h.Set("X-Catalog-Version", strconv.FormatInt(version, 10))
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
		return nil
	}
	e := &entry{key: key, version: version, contentType: h.Get("Content-Type"), body: rec.body.Bytes()}
	if c.entries != nil && c.versions != nil {
		// Stored only if it may be served: labelled with the newest
		// version known (a response read on a replica that is behind
		// would never be).
		if now, ok := c.versions.Current(); ok && version >= now {
			c.entries.Set(key, e, int64(len(e.key)+len(e.body)+len(e.contentType)+64))
		}
	}
	if get && matches(r.Header.Get("If-None-Match"), etag(key, version)) {
		c.notModified.Add(1)
		c.publicHeaders(h, key, version)
		w.WriteHeader(http.StatusNotModified)
		return e
	}
	c.write(w, get, e, "MISS")
	return e
}

// serve answers r with an answer it did not run for: 304 when the
// client holds it, else the answer, as a hit.
func (c *Cache) serve(w http.ResponseWriter, r *http.Request, get bool, e *entry) {
	if get && matches(r.Header.Get("If-None-Match"), etag(e.key, e.version)) {
		c.notModified.Add(1)
		c.publicHeaders(w.Header(), e.key, e.version)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	c.write(w, get, e, "HIT")
}

// write answers with a stored or just made response.
func (c *Cache) write(w http.ResponseWriter, get bool, e *entry, how string) {
	h := w.Header()
	if get {
		c.publicHeaders(h, e.key, e.version)
	} else {
		h.Set("Cache-Control", NoStore)
		h.Set("X-Catalog-Version", strconv.FormatInt(e.version, 10))
	}
	h.Set("Content-Type", e.contentType)
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	h.Set("X-Cache", how)
	w.WriteHeader(http.StatusOK)
	w.Write(e.body)
}

// publicHeaders are the headers of an anonymous GET query's answer, 200
// or 304.
func (c *Cache) publicHeaders(h http.Header, key string, version int64) {
	h.Set("Cache-Control", c.cacheControl)
	h.Set("ETag", etag(key, version))
	h.Add("Vary", vary)
	h.Set("X-Catalog-Version", strconv.FormatInt(version, 10))
}

// etag is the strong validator of the answer to key at version.
func etag(key string, version int64) string {
	sum := sha256.Sum256([]byte(key))
	return `"` + hex.EncodeToString(sum[:12]) + "-" + strconv.FormatInt(version, 10) + `"`
}

// matches tells whether an If-None-Match header names tag; a weak
// comparison, as RFC 9110 asks for If-None-Match (a proxy that compressed
// the response may have weakened the tag).
func matches(header, tag string) bool {
	if header == "" {
		return false
	}
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == tag || part == "*" {
			return true
		}
	}
	return false
}

// requestKey names what a GraphQL request asks, whatever its spelling:
// the document (its text, or the id of a persisted document), the
// operation name, and the variables and extensions as canonical JSON. It
// reports false for a request the GraphQL layer will refuse anyway.
func requestKey(r *http.Request) (string, bool) {
	var p struct {
		Query         string          `json:"query"`
		OperationName string          `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
		DocumentID    string          `json:"documentId"`
	}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		p.Query, p.OperationName, p.DocumentID = q.Get("query"), q.Get("operationName"), q.Get("documentId")
		p.Variables, p.Extensions = json.RawMessage(q.Get("variables")), json.RawMessage(q.Get("extensions"))
	} else {
		body, err := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil || json.Unmarshal(body, &p) != nil {
			return "", false
		}
	}
	vars, ok := canonical(p.Variables)
	if !ok {
		return "", false
	}
	ext, ok := canonical(p.Extensions)
	if !ok {
		return "", false
	}
	return strings.Join([]string{p.Query, p.OperationName, vars, ext, p.DocumentID}, "\x00"), true
}

// canonical re-encodes a JSON value with its object keys sorted, numbers
// as written; empty or null stays empty.
func canonical(raw json.RawMessage) (string, bool) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", true
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return "", false
	}
	if v == nil {
		return "", true
	}
	b, err := json.Marshal(v)
	return string(b), err == nil
}

// recorder holds a response until the cache has decided its headers.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
