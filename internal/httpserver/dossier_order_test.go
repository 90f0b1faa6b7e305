package httpserver_test

import (
	"slices"
	"testing"
)

// TestDossierStatsOrder checks that dossierStats sorts its buckets by a
// measure and keeps the first ones: the desks that lag the most, from the
// API, against the same buckets sorted here.
func TestDossierStatsOrder(t *testing.T) {
	a := newReportAPI(t)
	type bucket struct {
		Group                        []struct{ Label string }
		ResolvedOnTime, ResolvedLate int
	}
	var all, top struct{ DossierStats []bucket }
	a.as(t, &rAnalyst, `{ dossierStats(groupBy: [UNIT, PROCEDURE]) { group { label } resolvedOnTime resolvedLate } }`, nil, &all)
	if len(all.DossierStats) < 5 {
		t.Fatalf("%d buckets in the demo dossiers, want at least 5", len(all.DossierStats))
	}
	a.as(t, &rAnalyst, `{ dossierStats(groupBy: [UNIT, PROCEDURE], orderBy: {field: LATE_RATE}, first: 5) {
		group { label } resolvedOnTime resolvedLate } }`, nil, &top)

	// Late rate, highest first, exactly; none resolved last; ties by key.
	want := slices.Clone(all.DossierStats)
	slices.SortStableFunc(want, func(x, y bucket) int {
		wx, wy := x.ResolvedOnTime+x.ResolvedLate, y.ResolvedOnTime+y.ResolvedLate
		switch {
		case wx == 0 && wy == 0:
			return 0
		case wx == 0:
			return 1
		case wy == 0:
			return -1
		}
		return y.ResolvedLate*wx - x.ResolvedLate*wy
	})
	want = want[:5]
	if len(top.DossierStats) != 5 {
		t.Fatalf("first: 5 gave %d buckets", len(top.DossierStats))
	}
	for i := range want {
		g, w := top.DossierStats[i], want[i]
		if g.Group[0].Label != w.Group[0].Label || g.Group[1].Label != w.Group[1].Label || g.ResolvedLate != w.ResolvedLate {
			t.Errorf("bucket %d: %v, want %v", i, g, w)
		}
	}
	if want[0].ResolvedLate == 0 {
		t.Error("the demo's worst desk has no late dossier: the test shows nothing")
	}
	if code := a.errorCode(t, &rAnalyst, `{ dossierStats(groupBy: [UNIT], first: -1) { received } }`, nil); code != "BAD_USER_INPUT" {
		t.Errorf("first: -1 gave %q, want BAD_USER_INPUT", code)
	}
}
