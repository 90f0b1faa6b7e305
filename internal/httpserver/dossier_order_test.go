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
	var all struct{ DossierStats []bucket }
	a.as(t, &rAnalyst, `{ dossierStats(groupBy: [UNIT, PROCEDURE]) { group { label } resolvedOnTime resolvedLate } }`, nil, &all)
	if len(all.DossierStats) < 5 {
		t.Fatalf("%d buckets in the demo dossiers, want at least 5", len(all.DossierStats))
	}
	label := func(b bucket) string { return b.Group[0].Label + " / " + b.Group[1].Label }
	// Late rate exactly, as fractions; none resolved last in both
	// directions; ties by key.
	byLateRate := func(desc bool) []string {
		bs := slices.Clone(all.DossierStats)
		slices.SortStableFunc(bs, func(x, y bucket) int {
			wx, wy := x.ResolvedOnTime+x.ResolvedLate, y.ResolvedOnTime+y.ResolvedLate
			switch {
			case wx == 0 && wy == 0:
				return 0
			case wx == 0:
				return 1
			case wy == 0:
				return -1
			}
			c := x.ResolvedLate*wy - y.ResolvedLate*wx
			if desc {
				c = -c
			}
			return c
		})
		var out []string
		for _, b := range bs {
			out = append(out, label(b))
		}
		return out
	}
	labels := func(order string) []string {
		var r struct{ DossierStats []bucket }
		a.as(t, &rAnalyst, `{ dossierStats(groupBy: [UNIT, PROCEDURE]`+order+`) { group { label } resolvedOnTime resolvedLate } }`, nil, &r)
		var out []string
		for _, b := range r.DossierStats {
			out = append(out, label(b))
		}
		return out
	}
	if got, want := labels(`, orderBy: {field: LATE_RATE}, first: 5`), byLateRate(true)[:5]; !slices.Equal(got, want) {
		t.Errorf("the 5 worst late rates: %v, want %v", got, want)
	}
	if got, want := labels(`, orderBy: {field: LATE_RATE, direction: ASC}`), byLateRate(false); !slices.Equal(got, want) {
		t.Errorf("late rates ascending: %v, want %v", got, want)
	}
	keys := labels("")
	slices.Reverse(keys)
	if got := labels(`, orderBy: {field: KEY}, first: 0`); len(got) != 0 {
		t.Errorf("first: 0 gave %d buckets", len(got))
	}
	if got := labels(`, orderBy: {field: KEY, direction: DESC}`); !slices.Equal(got, keys) {
		t.Errorf("keys descending: %v, want %v", got, keys)
	}
	worst := all.DossierStats[slices.IndexFunc(all.DossierStats, func(b bucket) bool { return label(b) == byLateRate(true)[0] })]
	if worst.ResolvedLate == 0 {
		t.Error("the demo's worst desk has no late dossier: the test shows nothing")
	}
	if code := a.errorCode(t, &rAnalyst, `{ dossierStats(groupBy: [UNIT], first: -1) { received } }`, nil); code != "BAD_USER_INPUT" {
		t.Errorf("first: -1 gave %q, want BAD_USER_INPUT", code)
	}
}
