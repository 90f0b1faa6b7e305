// Package postgres implements the application's storage in PostgreSQL.
// Every SQL statement the server runs lives in this package; the only
// others are the bulk loader of the synthetic data set (internal/generate)
// and the LISTENs of the broker (internal/pubsub) and of the catalog
// version (internal/cache).
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // registers the "postgres" driver
	"github.com/pressly/goose/v3"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel/trace"

	"tthc/internal/telemetry"
	"tthc/migrations"
)

// Config holds what Open needs.
type Config struct {
	URL              string
	StatementTimeout time.Duration // applied by the server to every statement
	MaxOpenConns     int
	// ReadURL, when set, is a streaming replica of URL that serves the
	// public reads (DATABASE_READ_URL; see replica.go).
	ReadURL string
	// Logger tells of the replica going down and coming back.
	Logger *slog.Logger
}

// DB is the application's handle on the database.
type DB struct {
	db      *pool
	replica *replica // nil without DATABASE_READ_URL
}

// Open connects to PostgreSQL and checks the connection.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db, err := openPool(ctx, cfg.URL, cfg, true)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	d := &DB{db: db}
	if cfg.ReadURL != "" {
		// The replica may be down when the server starts: public reads
		// then go to the primary until it answers.
		rp, err := openPool(ctx, cfg.ReadURL, cfg, false)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("DATABASE_READ_URL: %w", err)
		}
		logger := cfg.Logger
		if logger == nil {
			logger = slog.New(slog.DiscardHandler)
		}
		d.replica = &replica{pool: rp, primary: db, logger: logger, stop: make(chan struct{})}
		d.replica.check()
		d.replica.watch()
	}
	return d, nil
}

// openPool opens a pool on url and, when ping, checks that the database
// answers.
func openPool(ctx context.Context, url string, cfg Config, ping bool) (*pool, error) {
	dsn, err := withRuntimeParams(url, cfg.StatementTimeout)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if cfg.MaxOpenConns > 0 {
		db.SetMaxOpenConns(cfg.MaxOpenConns)
		db.SetMaxIdleConns(cfg.MaxOpenConns)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	if ping {
		pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := db.PingContext(pingCtx); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to database: %w", err)
		}
	}
	return newPool(db), nil
}

// withRuntimeParams adds server settings to the connection URL; lib/pq
// passes unknown URL parameters to the server as run-time parameters.
func withRuntimeParams(rawURL string, timeout time.Duration) (string, error) {
	if !strings.Contains(rawURL, "://") {
		return "", fmt.Errorf("DATABASE_URL must be a postgres:// URL")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("parse DATABASE_URL: invalid URL")
	}
	q := u.Query()
	if timeout > 0 && q.Get("statement_timeout") == "" {
		q.Set("statement_timeout", fmt.Sprint(timeout.Milliseconds()))
	}
	// The data is in memory or on SSD, where reading a page at random
	// costs about as much as reading the next one; with the default of 4
	// the planner reads a whole table to avoid a hundred index probes
	// (a province's proposals or dossiers among the country's).
	if q.Get("random_page_cost") == "" {
		q.Set("random_page_cost", "1.1")
	}
	if q.Get("application_name") == "" {
		q.Set("application_name", "tthc")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Close closes the pools.
func (d *DB) Close() error {
	if d.replica != nil {
		d.replica.close()
	}
	return d.db.Close()
}

// PoolCollector returns Prometheus's standard collector of the connection
// pool's statistics (sql.DBStats), as go_sql_* metrics with db_name="tthc".
func (d *DB) PoolCollector() prometheus.Collector {
	return collectors.NewDBStatsCollector(d.db.DB.DB, "tthc")
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// Migrate applies every pending migration.
func (d *DB) Migrate(ctx context.Context) error { return d.migrate(ctx, migrations.FS) }

// migrate applies the pending migrations of fsys. A run that applied any
// bumps the catalog version: a migration may change what the public reads
// without changing a row (DDL), which the version's triggers do not see.
func (d *DB) migrate(ctx context.Context, fsys fs.FS) error {
	provider, err := d.migrations(fsys)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrations: up: %w", err)
	}
	if len(applied) > 0 {
		if _, err := exec(ctx, d.db, `SELECT catalog_version_touch()`); err != nil {
			return fmt.Errorf("migrations: bump the catalog version: %w", err)
		}
	}
	return nil
}

// MigrationsPending reports whether some migration of this binary is not
// applied in the database, so the server must not take traffic yet.
func (d *DB) MigrationsPending(ctx context.Context) (bool, error) {
	provider, err := d.migrations(migrations.FS)
	if err != nil {
		return false, fmt.Errorf("pending: %w", err)
	}
	pending, err := provider.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("migrations: read the applied versions: %w", err)
	}
	return pending, nil
}

// migrations returns goose's view of the migrations of fsys (this
// binary's: migrations.FS) on d.
func (d *DB) migrations(fsys fs.FS) (*goose.Provider, error) {
	provider, err := goose.NewProvider(goose.DialectPostgres, d.db.DB.DB, fsys)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return provider, nil
}

// Counter counts the SQL statements run on behalf of one request and the
// time they took, for its log line, its metrics and the X-SQL-Statements
// header that tests and benchmarks read.
type Counter struct {
	n     atomic.Int64
	nanos atomic.Int64
}

// Load returns the number of statements counted so far.
func (c *Counter) Load() int64 { return c.n.Load() }

// Duration returns the time the counted statements took, added up.
func (c *Counter) Duration() time.Duration { return time.Duration(c.nanos.Load()) }

type counterKey struct{}

// WithCounter returns a context that counts the statements run with it.
func WithCounter(ctx context.Context) (context.Context, *Counter) {
	c := &Counter{}
	return context.WithValue(ctx, counterKey{}, c), c
}

// statement counts one statement in ctx's Counter, times it and, when
// tracing is on, traces it as a span of its own; call done when its last
// row is read. A statement that streams its rows counts until then.
func statement(ctx context.Context, query string) (done func()) {
	span := trace.SpanFromContext(context.Background()) // a no-op span
	if telemetry.Tracing() {
		_, span = telemetry.Tracer().Start(ctx, spanName(query), trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(telemetry.AttrDBSystem, telemetry.AttrDBStatement.String(query)))
	}
	c, _ := ctx.Value(counterKey{}).(*Counter)
	if c != nil {
		c.n.Add(1)
	}
	start := time.Now()
	return func() {
		if c != nil {
			c.nanos.Add(int64(time.Since(start)))
		}
		span.End()
	}
}

// spanName names a statement's span by its first keyword (SELECT,
// INSERT, WITH, ...), as OpenTelemetry advises: the text has too many
// variants to be a name.
func spanName(query string) string {
	word, _, _ := strings.Cut(strings.TrimSpace(query), " ")
	if i := strings.IndexAny(word, "\n\t("); i >= 0 {
		word = word[:i]
	}
	return strings.ToUpper(word)
}

// queryer is what both the pool and *sqlx.Tx offer.
type queryer interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

func sel(ctx context.Context, q queryer, dest any, query string, args ...any) error {
	q = route(ctx, q)
	defer statement(ctx, query)()
	if p, ok := q.(*pool); ok {
		if st := p.prepared(ctx, query); st != nil {
			return dbError(st.SelectContext(ctx, dest, args...))
		}
	}
	return dbError(q.SelectContext(ctx, dest, query, args...))
}

func get(ctx context.Context, q queryer, dest any, query string, args ...any) error {
	q = route(ctx, q)
	defer statement(ctx, query)()
	if p, ok := q.(*pool); ok {
		if st := p.prepared(ctx, query); st != nil {
			return dbError(st.GetContext(ctx, dest, args...))
		}
	}
	return dbError(q.GetContext(ctx, dest, query, args...))
}

func exec(ctx context.Context, q queryer, query string, args ...any) (sql.Result, error) {
	defer statement(ctx, query)()
	res, err := q.ExecContext(ctx, query, args...)
	return res, dbError(err)
}

// getNamed and execNamed run a statement whose parameters are named
// (:name) after the fields of the struct arg, for writes of many columns:
// a new column is a field and a name, not a renumbering of $1..$n. A
// field is named by its db tag, or else by its name in lower case
// (sqlx's mapping), so a domain struct binds as it is: :parentid is
// Unit.ParentID. "::" reads as a parameter: cast with CAST(x AS t).
func getNamed(ctx context.Context, q queryer, dest any, query string, arg any) error {
	text, args, err := sqlx.BindNamed(sqlx.DOLLAR, query, arg)
	if err != nil {
		return fmt.Errorf("bind named parameters: %w", err)
	}
	return get(ctx, q, dest, text, args...)
}

func execNamed(ctx context.Context, q queryer, query string, arg any) (sql.Result, error) {
	text, args, err := sqlx.BindNamed(sqlx.DOLLAR, query, arg)
	if err != nil {
		return nil, fmt.Errorf("bind named parameters: %w", err)
	}
	return exec(ctx, q, text, args...)
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (d *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := d.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", dbError(err))
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("rolled back: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", dbError(err))
	}
	return nil
}

// ExecScript runs a trusted SQL script of several statements, such as the
// demo data, in one transaction.
func (d *DB) ExecScript(ctx context.Context, script string) error {
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, script); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("script: %w", err)
	}
	return nil
}
