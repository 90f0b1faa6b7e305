package ratelimit

import (
	"testing"
	"time"
)

func TestCharge(t *testing.T) {
	l := New(600, 10) // 10 points a second
	now := time.Unix(1_000_000, 0)
	d := l.Charge("a", 500, now)
	if !d.Allowed || d.Remaining != 100 || d.Limit != 600 || d.Reset != 50*time.Second {
		t.Fatalf("first charge: %+v", d)
	}
	// 200 > 100 left: refused, nothing taken, retry once 100 more came in.
	d = l.Charge("a", 200, now)
	if d.Allowed || d.Remaining != 100 || d.RetryAfter != 10*time.Second {
		t.Fatalf("charge over the budget: %+v", d)
	}
	// Other keys have their own bucket.
	if d := l.Charge("b", 600, now); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("other key: %+v", d)
	}
	// The bucket refills with time.
	if d := l.Charge("a", 200, now.Add(10*time.Second)); !d.Allowed || d.Remaining != 0 {
		t.Fatalf("after 10 s: %+v", d)
	}
	// A cost over the whole budget is the whole budget; zero costs 1.
	if d := l.Charge("c", 10_000, now); !d.Allowed || d.Cost != 600 {
		t.Fatalf("cost over the budget: %+v", d)
	}
	if d := l.Charge("d", 0, now); d.Cost != 1 {
		t.Fatalf("zero cost: %+v", d)
	}
}

// TestBoundedKeys checks that many callers keep at most maxKeys buckets:
// a forgotten key starts again with a full bucket.
func TestBoundedKeys(t *testing.T) {
	l := New(100, 3)
	now := time.Unix(1_000_000, 0)
	l.Charge("a", 100, now)
	for _, k := range []string{"b", "c", "d"} {
		l.Charge(k, 1, now)
	}
	if n := l.buckets.Len(); n != 3 {
		t.Fatalf("%d buckets, want 3", n)
	}
	if d := l.Charge("a", 100, now); !d.Allowed {
		t.Fatalf("a forgotten key is still limited: %+v", d)
	}
}
