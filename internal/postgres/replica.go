package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// A streaming replica (DATABASE_READ_URL) serves the public: anonymous
// queries of the catalog and its statistics, routed by BeginPublicRead.
// Everything else (writes, authenticated reads, exports, the listeners)
// stays on the primary: a context routes reads to the replica only when
// BeginPublicRead returned it, and only the statements that read through
// sel, get and the grouped statistics follow the route; a transaction
// always runs on the primary.
//
// When the replica does not answer, public reads fall back to the
// primary; a health check every second brings it back. A replica that has
// not yet replayed the newest catalog version this instance knows of
// (heard of by NOTIFY from the primary) is passed over for that request,
// so a replica's lag never makes an instance serve an answer older than a
// change it has been told of.
type replica struct {
	pool    *pool
	primary *pool
	logger  *slog.Logger

	up atomic.Bool
	// fallbacks counts public reads that ran on the primary because the
	// replica was down; behind, because it had not caught up.
	fallbacks, behind atomic.Uint64

	stop chan struct{}
	done sync.WaitGroup
}

// ReplicaStatus is what /readyz and the metrics show of the replica.
type ReplicaStatus struct {
	Configured bool
	Up         bool
	// Fallbacks counts public reads run on the primary because the
	// replica was unreachable; Behind, because it had not yet replayed
	// the newest catalog version known.
	Fallbacks, Behind uint64
}

// ReplicaStatus reports on the replica.
func (d *DB) ReplicaStatus() ReplicaStatus {
	r := d.replica
	if r == nil {
		return ReplicaStatus{}
	}
	return ReplicaStatus{Configured: true, Up: r.up.Load(), Fallbacks: r.fallbacks.Load(), Behind: r.behind.Load()}
}

// replicaCheck is how often the replica's health is checked.
const replicaCheck = time.Second

// watch checks the replica every replicaCheck until close.
func (r *replica) watch() {
	r.done.Add(1)
	go func() {
		defer r.done.Done()
		t := time.NewTicker(replicaCheck)
		defer t.Stop()
		for {
			r.check()
			select {
			case <-r.stop:
				return
			case <-t.C:
			}
		}
	}()
}

func (r *replica) check() {
	ctx, cancel := context.WithTimeout(context.Background(), replicaCheck)
	defer cancel()
	err := r.pool.PingContext(ctx)
	r.set(err == nil, err)
}

// set records the replica's state, logging changes.
func (r *replica) set(up bool, err error) {
	if r.up.Swap(up) == up {
		return
	}
	if up {
		r.logger.Info("read replica is up: public reads go to it")
	} else {
		r.logger.Warn("read replica unavailable: public reads fall back to the primary", "err", err)
	}
}

func (r *replica) close() {
	close(r.stop)
	r.done.Wait()
	r.pool.Close()
}

type routeKey struct{}

// route returns where a read through q runs: the replica when ctx was
// routed to it and q is its primary's pool, else q.
func route(ctx context.Context, q queryer) queryer {
	if r, ok := ctx.Value(routeKey{}).(*replica); ok && q == queryer(r.primary) {
		return r.pool
	}
	return q
}

// BeginPublicRead prepares the reads of an anonymous query: with a
// replica, it routes them there and reads the catalog version there first
// (needed to know whether the replica has caught up with known, the
// newest version this instance knows); without one, it reads the version
// on the primary when needVersion (see CatalogVersion). It returns the
// context to read with and the version read (0: none).
func (d *DB) BeginPublicRead(ctx context.Context, known int64, needVersion bool) (context.Context, int64, error) {
	r := d.replica
	if r == nil {
		if !needVersion {
			return ctx, 0, nil
		}
		return d.versionOnPrimary(ctx)
	}
	if r.up.Load() {
		routed := context.WithValue(ctx, routeKey{}, r)
		v, err := d.CatalogVersion(routed)
		switch {
		case err != nil && ctx.Err() == nil:
			r.set(false, err)
		case err != nil:
			return ctx, 0, fmt.Errorf("catalog version on the replica: %w", err)
		case v < known:
			r.behind.Add(1)
			return d.versionOnPrimary(ctx)
		default:
			return routed, v, nil
		}
	}
	r.fallbacks.Add(1)
	return d.versionOnPrimary(ctx)
}

// versionOnPrimary reads the catalog version for a public read on the
// primary.
func (d *DB) versionOnPrimary(ctx context.Context) (context.Context, int64, error) {
	v, err := d.CatalogVersion(ctx)
	if err != nil {
		return ctx, 0, fmt.Errorf("catalog version on the primary: %w", err)
	}
	return ctx, v, nil
}
