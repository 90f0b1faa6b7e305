package httpserver

import "context"

// gate admits a bounded number of GraphQL operations at once; the others
// wait in arrival order (a channel serves its blocked senders first come,
// first served). Without it every request runs at once and waits for a
// pooled connection inside database/sql, which hands a freed connection
// to a random waiter: with 64 clients on 8 connections some requests lost
// that draw many times over, and the slowest percent took three times as
// long as with the gate (bench/OPTIMIZATIONS.md).
type gate chan struct{}

// newGate returns a gate for n operations at once; none when n <= 0.
func newGate(n int) gate {
	if n <= 0 {
		return nil
	}
	return make(gate, n)
}

// enter waits for a place; false when ctx ends first.
func (g gate) enter(ctx context.Context) bool {
	if g == nil {
		return true
	}
	select {
	case g <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// leave frees the place taken by enter.
func (g gate) leave() {
	if g != nil {
		<-g
	}
}
