package httpserver

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// TestGate checks that a gate lets at most its size through at once, lets
// every waiter through in the end, and gives up on a waiter whose context
// ends.
func TestGate(t *testing.T) {
	g := newGate(3)
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !g.enter(context.Background()) {
				t.Error("enter without a deadline failed")
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			inside.Add(-1)
			g.leave()
		}()
	}
	wg.Wait()
	if m := most.Load(); m > 3 || m < 1 {
		t.Errorf("%d operations ran at once through a gate of 3", m)
	}

	full := newGate(1)
	if !full.enter(context.Background()) {
		t.Fatal("an empty gate refused")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if full.enter(ctx) {
		t.Error("a full gate admitted a request whose context had ended")
	}
	full.leave()
	if !full.enter(context.Background()) {
		t.Error("a freed gate refused")
	}

	var none gate = newGate(0)
	if none != nil || !none.enter(ctx) {
		t.Error("a gate of size 0 must admit everything")
	}
	none.leave()
}
