// Package ratelimit keeps a budget of cost points per caller: a token
// bucket (golang.org/x/time/rate) per key, such as a token's subject or a
// client's address, that holds at most a minute's worth of points and
// refills continuously. An operation is charged its computed cost, as
// GitHub's GraphQL API charges points rather than requests.
package ratelimit

import (
	"math"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Window is the time a budget takes to refill from empty.
const Window = time.Minute

// Limiter holds the buckets of one budget.
type Limiter struct {
	points int
	rate   rate.Limit

	mu      sync.Mutex
	buckets *lru.Cache[string, *rate.Limiter]
}

// New returns a limiter that gives each key points per Window and keeps
// the buckets of at most maxKeys keys: past that the key heard from least
// recently loses its bucket and starts afresh, so memory stays bounded
// whatever the number of callers.
func New(points, maxKeys int) *Limiter {
	buckets, err := lru.New[string, *rate.Limiter](maxKeys)
	if err != nil {
		panic(err) // maxKeys <= 0: a programming error
	}
	return &Limiter{points: points, rate: rate.Limit(float64(points) / Window.Seconds()), buckets: buckets}
}

// Decision is what a charge did to a bucket, for the RateLimit-* headers.
type Decision struct {
	Allowed bool
	// Cost is the points charged (or refused).
	Cost int
	// Limit is the budget: the points a full bucket holds.
	Limit int
	// Remaining is the points left after the charge.
	Remaining int
	// Reset is the time until the bucket is full again.
	Reset time.Duration
	// RetryAfter, when refused, is the time until the bucket holds cost.
	RetryAfter time.Duration
}

// Charge takes cost points from key's bucket at now, or refuses and takes
// nothing when the bucket holds fewer. A cost above the whole budget is
// charged as the whole budget, so that every operation the server accepts
// can run on a full bucket.
func (l *Limiter) Charge(key string, cost int, now time.Time) Decision {
	cost = min(max(cost, 1), l.points)
	b := l.bucket(key)
	d := Decision{Cost: cost, Limit: l.points}
	r := b.ReserveN(now, cost)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		d.RetryAfter = wait
	} else {
		d.Allowed = true
	}
	tokens := max(b.TokensAt(now), 0)
	d.Remaining = int(math.Floor(tokens))
	d.Reset = time.Duration((float64(l.points) - tokens) / float64(l.rate) * float64(time.Second))
	return d
}

// bucket returns key's bucket, a full one for a key not seen (or
// forgotten).
func (l *Limiter) bucket(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets.Get(key)
	if !ok {
		b = rate.NewLimiter(l.rate, l.points)
		l.buckets.Add(key, b)
	}
	return b
}

// Points returns the budget of each key.
func (l *Limiter) Points() int { return l.points }
