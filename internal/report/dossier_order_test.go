package report

import (
	"slices"
	"testing"
)

func TestSortDossierBuckets(t *testing.T) {
	key := func(k string) []GroupKey { return []GroupKey{{Dimension: ByUnit, Label: k}} }
	// In key order, as the store returns them. Late rates: a 1/3, b 2/6
	// (equal to a exactly, 33.33 % both), c none resolved, d 1/2, e 0/4.
	in := []DossierBucket{
		{Group: key("a"), Received: 5, ResolvedOnTime: 2, ResolvedLate: 1, Pending: 2},
		{Group: key("b"), Received: 9, ResolvedOnTime: 4, ResolvedLate: 2, Pending: 3},
		{Group: key("c"), Received: 1, Pending: 1},
		{Group: key("d"), Received: 3, ResolvedOnTime: 1, ResolvedLate: 1, Pending: 1},
		{Group: key("e"), Received: 4, ResolvedOnTime: 4},
	}
	labels := func(bs []DossierBucket) string {
		var s string
		for _, b := range bs {
			s += b.Group[0].Label
		}
		return s
	}
	for _, c := range []struct {
		o    DossierOrder
		want string
	}{
		{DossierOrder{Field: DossierByLateRate, Desc: true}, "dabec"},
		{DossierOrder{Field: DossierByLateRate}, "eabdc"},
		{DossierOrder{Field: DossierByOnTimeRate, Desc: true}, "eabdc"},
		{DossierOrder{Field: DossierByReceived, Desc: true}, "baedc"},
		{DossierOrder{Field: DossierByPending}, "ecdab"},
		{DossierOrder{Field: DossierByOnlineRate, Desc: true}, "abcde"},
		{DossierOrder{Field: DossierByKey, Desc: true}, "edcba"},
		{DossierOrder{Field: DossierByKey}, "abcde"},
	} {
		bs := slices.Clone(in)
		SortDossierBuckets(bs, c.o)
		if got := labels(bs); got != c.want {
			t.Errorf("%s desc=%v: %s, want %s", c.o.Field, c.o.Desc, got, c.want)
		}
	}
}
