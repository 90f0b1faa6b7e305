// Package cache makes the public catalog cheap to read again and again:
// it knows the catalog's version (Versions), keeps anonymous query results
// in memory under the version they were read at (Responses), and tells
// HTTP caches and CDNs what they may keep (Cache-Control, ETag, 304).
//
// The rule that keeps it exact: a response is labelled with the catalog
// version read before its data, from the database its data comes from;
// under READ COMMITTED the data is then at least that version. An
// instance serves a stored response only when its label is the newest
// version the instance knows, and it learns of every new version by
// NOTIFY (migration 00009), so nothing older than a write is served once
// the write's notification has reached the instance.
package cache

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// ListenerApplicationName is the application_name of the connection that
// listens for new catalog versions.
const ListenerApplicationName = "tthc-catalog-listener"

// VersionReader reads the catalog version from the primary database.
type VersionReader interface {
	CatalogVersion(ctx context.Context) (int64, error)
}

// VersionsConfig tunes Versions; zero values take the defaults.
type VersionsConfig struct {
	// URL is the postgres:// URL of the primary (DATABASE_URL): NOTIFY
	// is not delivered on a streaming replica.
	URL string
	// Channel is the channel versions are announced on.
	Channel string
	// MinReconnect and MaxReconnect bound the wait between attempts to
	// reconnect (defaults 1s and 30s).
	MinReconnect, MaxReconnect time.Duration
	// Poll is how often the version is read again and the connection
	// checked (default 5s): a safety net for a connection that died
	// without a word, and the bound on how long one can go unnoticed.
	Poll time.Duration
}

// Versions knows the newest catalog version this instance has heard of:
// from a notification, a read of its own, or a request that read one. It
// listens on a dedicated connection to the primary (lib/pq's Listener,
// which reconnects by itself). While that connection is down, or after it
// came back until the version has been read again, Current reports that
// the version is not known, so nothing is served from the cache on the
// word of a listener that may have missed a notification.
type Versions struct {
	reader   VersionReader
	listener *pq.Listener
	cfg      VersionsConfig
	logger   *slog.Logger

	newest atomic.Int64
	// epoch counts the listener's disconnections and reconnections;
	// known is the epoch whose version was read after it connected, or -1.
	epoch, known atomic.Int64
	connected    atomic.Bool
}

// NewVersions listens for new versions and reads the current one.
func NewVersions(ctx context.Context, reader VersionReader, cfg VersionsConfig, logger *slog.Logger) (*Versions, error) {
	if cfg.MinReconnect <= 0 {
		cfg.MinReconnect = time.Second
	}
	if cfg.MaxReconnect <= 0 {
		cfg.MaxReconnect = 30 * time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 5 * time.Second
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("catalog listener: parse DATABASE_URL: invalid URL")
	}
	q := u.Query()
	q.Set("application_name", ListenerApplicationName)
	u.RawQuery = q.Encode()
	v := &Versions{reader: reader, cfg: cfg, logger: logger}
	v.known.Store(-1)
	v.listener = pq.NewListener(u.String(), cfg.MinReconnect, cfg.MaxReconnect, v.event)
	// Listen first, then read: a version committed in between is both
	// read and announced, none is missed.
	if err := v.listener.Listen(cfg.Channel); err != nil {
		v.listener.Close()
		return nil, fmt.Errorf("catalog listener: listen on %s: %w", cfg.Channel, err)
	}
	// Listen returns once connected.
	v.connected.Store(true)
	if err := v.refresh(ctx); err != nil {
		v.listener.Close()
		return nil, err
	}
	return v, nil
}

// event follows the listener's connection.
func (v *Versions) event(ev pq.ListenerEventType, err error) {
	switch ev {
	case pq.ListenerEventConnected:
		// The first connection, which Listen waited for.
		v.connected.Store(true)
	case pq.ListenerEventReconnected:
		v.epoch.Add(1)
		v.connected.Store(true)
		v.logger.Info("catalog listener reconnected")
	case pq.ListenerEventDisconnected:
		v.connected.Store(false)
		v.epoch.Add(1)
		v.logger.Warn("catalog listener disconnected: the response cache is off until it is back", "err", err)
	case pq.ListenerEventConnectionAttemptFailed:
		v.logger.Warn("catalog listener cannot reconnect yet", "err", err)
	}
}

// refresh reads the version from the primary. A read that began on a
// live connection, with no disconnection since, makes the version known.
func (v *Versions) refresh(ctx context.Context) error {
	epoch := v.epoch.Load()
	connected := v.connected.Load()
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := v.reader.CatalogVersion(rctx)
	if err != nil {
		return fmt.Errorf("catalog listener: %w", err)
	}
	v.Observe(n)
	if connected && v.connected.Load() && v.epoch.Load() == epoch {
		v.known.Store(epoch)
	}
	return nil
}

// Run follows the versions until ctx ends, then closes the listener.
func (v *Versions) Run(ctx context.Context) {
	defer v.listener.Close()
	poll := time.NewTicker(v.cfg.Poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-v.listener.Notify:
			if n == nil {
				// lib/pq sends nil once it has reconnected and listens
				// again: what was announced meanwhile is lost, so read
				// the version before trusting it.
				if err := v.refresh(ctx); err != nil {
					v.logger.Error("catalog listener cannot read the version", "err", err)
				}
				continue
			}
			n64, err := strconv.ParseInt(n.Extra, 10, 64)
			if err != nil {
				v.logger.Error("bad catalog version notification", "payload", n.Extra)
				continue
			}
			v.Observe(n64)
		case <-poll.C:
			// A failed ping makes the listener reconnect.
			go v.listener.Ping()
			if err := v.refresh(ctx); err != nil {
				v.logger.Error("catalog listener cannot read the version", "err", err)
			}
		}
	}
}

// Current returns the newest version known, and whether it can be
// trusted: false while the listener is down or has not yet read the
// version since it came back.
func (v *Versions) Current() (int64, bool) {
	n := v.newest.Load()
	ok := v.connected.Load() && v.known.Load() == v.epoch.Load()
	return n, ok
}

// Observe records a version read from the database; versions only grow.
func (v *Versions) Observe(n int64) {
	for {
		cur := v.newest.Load()
		if n <= cur || v.newest.CompareAndSwap(cur, n) {
			return
		}
	}
}

// Connected reports whether the listener is connected, for readiness.
func (v *Versions) Connected() bool { return v.connected.Load() }
