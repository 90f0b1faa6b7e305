package httpserver

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// readyTimeout bounds a readiness check: a load balancer's probe should
// not wait longer, and a pool that frees no connection in that time is as
// good as down.
const readyTimeout = 2 * time.Second

// livez answers as long as the process serves HTTP: a liveness probe that
// fails means restart it. It asks nothing of the database, so a database
// outage never makes every instance restart at once.
func livez(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readiness is the answer of /readyz: each check is "ok" or says briefly
// what is wrong (details go to the log, not to whoever asks).
type readiness struct {
	Status string            `json:"status"` // "ready" or "unready"
	Checks map[string]string `json:"checks"`
}

// readyz answers 200 when the instance can serve: the database answers,
// its migrations are those of this binary, and the subscription listener
// is connected. Otherwise 503, so a load balancer sends traffic elsewhere.
// The read replica and the catalog version's listener are reported too
// (readinessDetails), without making the instance unready.
func readyz(cfg Config) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		res := readiness{Status: "ready", Checks: map[string]string{}}
		fail := func(check, why string, err error) {
			res.Status = "unready"
			res.Checks[check] = why
			if err != nil {
				cfg.Logger.ErrorContext(ctx, "readiness check failed", "check", check, "err", err)
			}
		}
		if err := cfg.DB.Ping(ctx); err != nil {
			fail("database", "unavailable", err)
		} else {
			res.Checks["database"] = "ok"
		}
		switch pending, err := cfg.DB.MigrationsPending(ctx); {
		case err != nil:
			fail("migrations", "unknown", err)
		case pending:
			fail("migrations", "pending: run tthc migrate", nil)
		default:
			res.Checks["migrations"] = "ok"
		}
		if cfg.Broker != nil {
			if cfg.Broker.Connected() {
				res.Checks["listener"] = "ok"
			} else {
				fail("listener", "disconnected", nil)
			}
		}
		readinessDetails(cfg, res.Checks)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json")
		if res.Status != "ready" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(res)
	}
}
