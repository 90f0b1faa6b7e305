// Package testdb gives each test its own real PostgreSQL database, cloned
// from a migrated template (ardanlabs/service style). The server comes from
// TEST_DATABASE_URL, which `make test` sets after starting a private cluster.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"tthc/internal/postgres"
	"tthc/migrations"
)

// SharedData is the path of the shared portal records, relative to the
// module root.
const SharedData = "../shared/data/procedures-national-portal.jsonl"

// adminURL is the URL of the maintenance database of the test cluster.
func adminURL(t testing.TB) string {
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" {
		t.Fatal("TEST_DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL")
	}
	return u
}

// withDB returns rawURL pointing at database name.
func withDB(t testing.TB, rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// WithStatementTimeout returns rawURL with lib/pq's statement_timeout
// parameter set to d, for a pool whose statements give up early.
func WithStatementTimeout(t testing.TB, rawURL string, d time.Duration) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatalf("database URL: %v", err)
	}
	q := u.Query()
	q.Set("statement_timeout", strconv.FormatInt(d.Milliseconds(), 10))
	u.RawQuery = q.Encode()
	return u.String()
}

// New returns the URL of a fresh, migrated, empty database, dropped when
// the test ends.
func New(t testing.TB) string {
	return clone(t, template(t, "", nil))
}

// Fill loads data into a freshly migrated database.
type Fill func(ctx context.Context, url string) error

// NewFrom returns the URL of a fresh database cloned from a template that
// is built once per test run by fill (named by key), dropped when the test
// ends. Use it for expensive fixtures such as the whole shared catalog.
func NewFrom(t testing.TB, key string, fill Fill) string {
	return clone(t, template(t, key, fill))
}

// ReadOnlyFrom returns the URL of the template that NewFrom would clone,
// itself, for tests that only read a large fixture (the national data set
// is 1.5 GB: a clone would copy it). Writing to it is a bug; a template
// cannot be cloned while it has connections, so do not mix ReadOnlyFrom
// and NewFrom of the same key in one package.
func ReadOnlyFrom(t testing.TB, key string, fill Fill) string {
	return withDB(t, adminURL(t), template(t, key, fill))
}

// Open opens the application's DB on url, closed when the test ends.
func Open(t testing.TB, url string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), postgres.Config{URL: url, StatementTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Lock locks table of the database at url from another connection until
// the test ends, so that statements on it wait. It returns that
// connection's pool, for statements beside the lock.
func Lock(t testing.TB, url, table string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := raw.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`LOCK TABLE ` + table + ` IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tx.Rollback()
		raw.Close()
	})
	return raw
}

// ModuleRoot returns the directory of go.mod.
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// template returns the name of a template database, building it if this
// run has not yet. Test binaries run in parallel, one per package, so an
// advisory lock per template makes exactly one of them build each.
func template(t testing.TB, key string, fill Fill) string {
	t.Helper()
	admin := adminURL(t)
	name := "tmpl_" + fingerprint(key)
	ctx := context.Background()
	// A fixture starts from the migrated template; get that one first, as
	// the lock below is not reentrant.
	base := ""
	if key != "" {
		base = template(t, "", nil)
	}
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// One lock per template: a slow fixture (the national data set takes
	// minutes) must not hold up the packages that need another one.
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(4242, hashtext($1))", name); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(4242, hashtext($1))", name)

	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		return name
	}
	// A half-built template from a crashed run is not marked as template.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %q WITH (FORCE)", name)); err != nil {
		t.Fatal(err)
	}
	if key == "" {
		_, err = conn.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %q", name))
	} else {
		_, err = conn.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %q TEMPLATE %q", name, base))
	}
	if err != nil {
		t.Fatal(err)
	}
	url := withDB(t, admin, name)
	if key == "" {
		pdb := Open(t, url)
		if err := pdb.Migrate(ctx); err != nil {
			t.Fatalf("migrate template: %v", err)
		}
		pdb.Close()
	} else if err := fill(ctx, url); err != nil {
		t.Fatalf("fill template %s: %v", key, err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %q WITH IS_TEMPLATE true", name)); err != nil {
		t.Fatal(err)
	}
	return name
}

// clone creates a database from template, dropped when the test ends.
func clone(t testing.TB, template string) string {
	t.Helper()
	admin := adminURL(t)
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	if _, err := db.Exec(fmt.Sprintf("CREATE DATABASE %q TEMPLATE %q", name, template)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", admin)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %q WITH (FORCE)", name))
	})
	return withDB(t, admin, name)
}

// fingerprint names a template after the migrations, the fixture key and
// the test run, so a changed migration or a new `make test` run never
// reuses a stale template.
func fingerprint(key string) string {
	h := sha256.New()
	fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(migrations.FS, path)
			h.Write([]byte(path))
			h.Write(b)
		}
		return nil
	})
	h.Write([]byte(key))
	h.Write([]byte(os.Getenv("TEST_RUN_ID")))
	return hex.EncodeToString(h.Sum(nil))[:16] + key
}
