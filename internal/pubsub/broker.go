// Package pubsub tells the subscribers of this API instance of every
// proposal event, whichever instance wrote it, through PostgreSQL's
// LISTEN/NOTIFY. The writer announces each event with Payload on Channel
// in the transaction that records it (internal/postgres); the Broker
// listens on its own connection and reads what it missed from a Store.
package pubsub

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"tthc/internal/proposal"
)

// Channel is the PostgreSQL channel every proposal event is announced on.
const Channel = "proposal_events"

// notification is the NOTIFY payload of one proposal event.
type notification struct {
	EventID    int64     `json:"event_id"`
	ProposalID int64     `json:"proposal_id"`
	At         time.Time `json:"at"`
}

// Payload is the NOTIFY payload that announces n on Channel.
func Payload(n proposal.Notice) string {
	b, _ := json.Marshal(notification{EventID: n.EventID, ProposalID: n.ProposalID, At: n.At})
	return string(b)
}

// Store is what the broker reads from the database: its clock, and the
// events it may have missed while its connection was down.
type Store interface {
	Now(ctx context.Context) (time.Time, error)
	// EventsSince returns the events at or after since with an id above
	// after, by id, at most limit of them.
	EventsSince(ctx context.Context, since time.Time, after int64, limit int) ([]proposal.Event, error)
}

// ListenerApplicationName is the application_name of the broker's
// connection.
const ListenerApplicationName = "tthc-listener"

// catchUpWindow is how far before the newest event delivered a catch-up
// looks. Event ids are not committed in order (a transaction that took id
// 10 may commit after the one that took 11), so the catch-up goes by time
// with a margin longer than any write transaction, and skips what was
// already delivered.
const catchUpWindow = time.Minute

// recentSize is how many delivered event ids the broker remembers to skip
// duplicates after a catch-up.
const recentSize = 10000

// Config tunes a Broker; zero values take the defaults.
type Config struct {
	// URL is the postgres:// URL of the database (DATABASE_URL).
	URL string
	// MinReconnect and MaxReconnect bound the wait between attempts to
	// reconnect after the connection is lost (defaults 1s and 30s).
	MinReconnect time.Duration
	MaxReconnect time.Duration
	// PingInterval is how often an idle connection is checked (default
	// 30s), so a silently dead one is noticed and replaced.
	PingInterval time.Duration
	// Buffer is how many notifications a slow subscriber may fall behind
	// before it is dropped (default 256).
	Buffer int
}

// Broker delivers every proposal event, announced with NOTIFY by whichever
// API instance wrote it, to the subscribers of this instance. It listens
// on one dedicated connection (lib/pq's Listener, which reconnects by
// itself); after a reconnection it reads the events it missed from the
// table, so a database restart loses none.
type Broker struct {
	store    Store
	listener *pq.Listener
	cfg      Config
	logger   *slog.Logger
	// reconnects counts the times the listener got its connection back.
	reconnects atomic.Int64
	// connected is whether the listener holds a live connection.
	connected atomic.Bool

	mu     sync.Mutex
	subs   map[chan proposal.Notice]struct{}
	since  time.Time          // the newest event time delivered
	recent map[int64]struct{} // ids delivered lately
	order  []int64            // the ids of recent, oldest first
}

// NewBroker starts listening on Channel. Run must be called to deliver
// notifications.
func NewBroker(ctx context.Context, store Store, cfg Config, logger *slog.Logger) (*Broker, error) {
	if cfg.MinReconnect <= 0 {
		cfg.MinReconnect = time.Second
	}
	if cfg.MaxReconnect <= 0 {
		cfg.MaxReconnect = 30 * time.Second
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 30 * time.Second
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = 256
	}
	// The listener's own name tells its connection apart in
	// pg_stat_activity.
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("pubsub: parse DATABASE_URL: invalid URL")
	}
	q := u.Query()
	q.Set("application_name", ListenerApplicationName)
	u.RawQuery = q.Encode()
	b := &Broker{store: store, cfg: cfg, logger: logger, subs: map[chan proposal.Notice]struct{}{}, recent: map[int64]struct{}{}}
	b.listener = pq.NewListener(u.String(), cfg.MinReconnect, cfg.MaxReconnect, func(ev pq.ListenerEventType, err error) {
		b.connected.Store(ev == pq.ListenerEventConnected || ev == pq.ListenerEventReconnected)
		switch ev {
		case pq.ListenerEventDisconnected:
			logger.Warn("proposal listener disconnected", "err", err)
		case pq.ListenerEventReconnected:
			b.reconnects.Add(1)
			logger.Info("proposal listener reconnected")
		case pq.ListenerEventConnectionAttemptFailed:
			logger.Warn("proposal listener cannot reconnect yet", "err", err)
		}
	})
	// Events written before we listen are not ours to deliver.
	if b.since, err = store.Now(ctx); err != nil {
		b.listener.Close()
		return nil, fmt.Errorf("pubsub: read the clock: %w", err)
	}
	if err := b.listener.Listen(Channel); err != nil {
		b.listener.Close()
		return nil, fmt.Errorf("pubsub: listen on %s: %w", Channel, err)
	}
	return b, nil
}

// Run delivers notifications until ctx ends, then closes the listener.
func (b *Broker) Run(ctx context.Context) {
	defer b.listener.Close()
	ping := time.NewTicker(b.cfg.PingInterval)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			b.closeAll()
			return
		case n := <-b.listener.Notify:
			if n == nil {
				// lib/pq sends nil after it reconnected: notifications
				// sent meanwhile are lost, so read them from the table.
				b.catchUp(ctx)
				continue
			}
			var msg notification
			if err := json.Unmarshal([]byte(n.Extra), &msg); err != nil {
				b.logger.Error("bad proposal notification", "payload", n.Extra, "err", err)
				continue
			}
			b.publish(proposal.Notice{EventID: msg.EventID, ProposalID: msg.ProposalID, At: msg.At})
		case <-ping.C:
			// A failed ping makes the listener drop the connection and
			// reconnect; catchUp then runs on the nil notification.
			go b.listener.Ping()
		}
	}
}

// catchUp delivers the events written while the listener was away.
func (b *Broker) catchUp(ctx context.Context) {
	b.mu.Lock()
	since := b.since.Add(-catchUpWindow)
	b.mu.Unlock()
	var after int64
	for {
		qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		events, err := b.store.EventsSince(qctx, since, after, 500)
		cancel()
		if err != nil {
			b.logger.Error("proposal listener cannot catch up", "err", err)
			return
		}
		for _, e := range events {
			b.publish(proposal.Notice{EventID: e.ID, ProposalID: e.ProposalID, At: e.At})
			after = e.ID
		}
		if len(events) < 500 {
			return
		}
	}
}

// publish hands n to every subscriber. An event already delivered (seen
// both by NOTIFY and by a catch-up) is skipped. A subscriber too slow to
// keep up is dropped rather than allowed to stall everyone: its channel is
// closed, which ends its subscription, and the client may resubscribe.
func (b *Broker) publish(n proposal.Notice) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.recent[n.EventID]; ok {
		return
	}
	b.recent[n.EventID] = struct{}{}
	b.order = append(b.order, n.EventID)
	if len(b.order) > recentSize {
		delete(b.recent, b.order[0])
		b.order = b.order[1:]
	}
	if n.At.After(b.since) {
		b.since = n.At
	}
	for ch := range b.subs {
		select {
		case ch <- n:
		default:
			b.logger.Warn("dropping a slow proposal subscriber")
			delete(b.subs, ch)
			close(ch)
		}
	}
}

// Subscribe returns a channel of every notification from now on, closed
// when ctx ends or the subscriber falls too far behind.
func (b *Broker) Subscribe(ctx context.Context) <-chan proposal.Notice {
	ch := make(chan proposal.Notice, b.cfg.Buffer)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
	}()
	return ch
}

func (b *Broker) closeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		delete(b.subs, ch)
		close(ch)
	}
}

// Reconnects returns how many times the listener got its connection
// back after losing it, for metrics.
func (b *Broker) Reconnects() int64 { return b.reconnects.Load() }

// Connected reports whether the listener is connected, so that events
// reach this instance's subscribers; readiness checks ask it.
func (b *Broker) Connected() bool { return b.connected.Load() }

// Subscribers returns how many subscribers the broker has, for tests and
// metrics.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}
