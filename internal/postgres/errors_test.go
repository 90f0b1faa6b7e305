package postgres_test

import (
	"context"
	"testing"
	"time"

	"tthc/internal/errs"
	"tthc/internal/testdb"
)

// TestDatabaseErrorKinds checks that the store answers PostgreSQL's
// conditions in the domain's vocabulary, with what it was doing.
func TestDatabaseErrorKinds(t *testing.T) {
	url := testdb.New(t)
	ctx := context.Background()

	t.Run("statement timeout is a Timeout", func(t *testing.T) {
		db := testdb.Open(t, testdb.WithStatementTimeout(t, url, 100*time.Millisecond))
		testdb.Lock(t, url, "administrative_units")
		_, err := db.UnitByCode(ctx, "40")
		if errs.KindOf(err) != errs.Timeout {
			t.Errorf("got %v (kind %s), want a Timeout", err, errs.KindOf(err))
		}
	})

	t.Run("a connection cut mid-statement is Unavailable", func(t *testing.T) {
		db := testdb.Open(t, url)
		admin := testdb.Lock(t, url, "administrative_units")
		done := make(chan error, 1)
		go func() {
			_, err := db.UnitByCode(ctx, "40")
			done <- err
		}()
		// Cut the connection of the statement that waits for the lock,
		// as a restart of the server would, until it gives up: a
		// statement that fails to prepare runs again unprepared.
		deadline := time.After(20 * time.Second)
		for {
			if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = 'tthc' AND wait_event_type = 'Lock'`); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if errs.KindOf(err) != errs.Unavailable {
					t.Errorf("got %v (kind %s), want Unavailable", err, errs.KindOf(err))
				}
				return
			case <-deadline:
				t.Fatal("the statement never failed")
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
}
