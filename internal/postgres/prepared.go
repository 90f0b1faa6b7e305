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

// pool is the connection pool of a DB with its prepared statements.
type pool struct {
	*sqlx.DB

	mu    sync.RWMutex
	stmts map[string]*sqlx.Stmt
}

func newPool(db *sqlx.DB) *pool { return &pool{DB: db, stmts: map[string]*sqlx.Stmt{}} }

// prepared returns the prepared statement for query, preparing it if need
// be, or nil when the cache is full, closed or the statement cannot be
// prepared (the caller then runs it unprepared, which reports any error
// in it).
func (p *pool) prepared(ctx context.Context, query string) *sqlx.Stmt {
	p.mu.RLock()
	st := p.stmts[query]
	p.mu.RUnlock()
	if st != nil {
		return st
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if st = p.stmts[query]; st != nil || p.stmts == nil || len(p.stmts) >= maxPrepared {
		return st
	}
	st, err := p.PreparexContext(ctx, query)
	if err != nil {
		return nil
	}
	p.stmts[query] = st
	return st
}

// Close closes the prepared statements, then the pool.
func (p *pool) Close() error {
	p.mu.Lock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = nil
	p.mu.Unlock()
	return p.DB.Close()
}
