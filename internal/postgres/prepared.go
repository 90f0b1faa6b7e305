package postgres

import (
	"context"
	"sync"

	"github.com/jmoiron/sqlx"
)

// Reads outside transactions run as prepared statements. lib/pq runs a
// statement with parameters in two round trips (parse and describe, then
// bind and execute) and PostgreSQL parses and plans it every time; a
// prepared statement is one round trip and keeps its plan (PostgreSQL
// still plans with the actual values while that is cheaper, see
// plan_cache_mode). Under load this halved the database's CPU per request
// (bench/RESULTS.md). Statements are prepared on first use, on each pooled
// connection, and kept for the life of the pool.

// maxPrepared bounds the statements kept per pool: the dynamic searches
// have one text per combination of filters, order and page size; past the
// bound a statement runs unprepared.
const maxPrepared = 1000

type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sqlx.Stmt
}

// caches holds the statement cache of each pool that Open made.
var caches sync.Map // *sqlx.DB -> *stmtCache

// prepared returns the prepared statement for query on db, preparing it if
// need be, or nil when db has no cache, the cache is full or the statement
// cannot be prepared (the caller then runs it unprepared, which reports
// any error in it).
func prepared(ctx context.Context, db *sqlx.DB, query string) *sqlx.Stmt {
	v, ok := caches.Load(db)
	if !ok {
		return nil
	}
	c := v.(*stmtCache)
	c.mu.RLock()
	st := c.m[query]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[query]; st != nil || len(c.m) >= maxPrepared {
		return st
	}
	st, err := db.PreparexContext(ctx, query)
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

func register(db *sqlx.DB) { caches.Store(db, &stmtCache{m: map[string]*sqlx.Stmt{}}) }

func unregister(db *sqlx.DB) {
	v, ok := caches.LoadAndDelete(db)
	if !ok {
		return
	}
	c := v.(*stmtCache)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}
