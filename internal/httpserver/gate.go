package httpserver

import (
	"context"

	"tthc/internal/telemetry"
)

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

// wait enters g as enter does, and counts in m the operations waiting
// and those that waited in vain.
func (g gate) wait(ctx context.Context, m *telemetry.Metrics) bool {
	m.GateWaiting.Inc()
	admitted := g.enter(ctx)
	m.GateWaiting.Dec()
	if !admitted {
		m.GateRefused.Inc()
	}
	return admitted
}

// leave frees the place taken by enter.
func (g gate) leave() {
	if g != nil {
		<-g
	}
}

// admission is g as the GraphQL layer takes its turn in it, for the
// operations sent over a WebSocket.
type admission struct {
	g gate
	m *telemetry.Metrics
}

func (a admission) Wait(ctx context.Context) bool { return a.g.wait(ctx, a.m) }
func (a admission) Leave()                        { a.g.leave() }
