package report

import (
	"cmp"
	"slices"
)

// DossierOrderField is what dossier buckets are sorted by.
type DossierOrderField string

const (
	DossierByKey          DossierOrderField = "KEY"
	DossierByReceived     DossierOrderField = "RECEIVED"
	DossierByPending      DossierOrderField = "PENDING"
	DossierByResolvedLate DossierOrderField = "RESOLVED_LATE"
	DossierByOnTimeRate   DossierOrderField = "ON_TIME_RATE"
	DossierByLateRate     DossierOrderField = "LATE_RATE"
	DossierByOnlineRate   DossierOrderField = "ONLINE_RATE"
)

// DossierOrder sorts dossier buckets; ties keep the order of the keys.
type DossierOrder struct {
	Field DossierOrderField
	Desc  bool
}

// SortDossierBuckets sorts buckets, which come in the order of their keys,
// by o. Rates compare exactly (as fractions, not as their rounded
// percentages); a bucket without a rate (nothing resolved, nothing
// received) comes last in either direction.
func SortDossierBuckets(buckets []DossierBucket, o DossierOrder) {
	if o.Field == DossierByKey {
		if o.Desc {
			slices.Reverse(buckets)
		}
		return
	}
	slices.SortStableFunc(buckets, func(a, b DossierBucket) int {
		var c int
		switch o.Field {
		case DossierByReceived:
			c = cmp.Compare(a.Received, b.Received)
		case DossierByPending:
			c = cmp.Compare(a.Pending, b.Pending)
		case DossierByResolvedLate:
			c = cmp.Compare(a.ResolvedLate, b.ResolvedLate)
		default:
			pa, wa := a.rateParts(o.Field)
			pb, wb := b.rateParts(o.Field)
			switch {
			case wa == 0 && wb == 0:
				return 0
			case wa == 0: // no rate: last, whatever the direction
				return 1
			case wb == 0:
				return -1
			}
			c = cmp.Compare(int64(pa)*int64(wb), int64(pb)*int64(wa))
		}
		if o.Desc {
			c = -c
		}
		return c
	})
}

// rateParts returns the part and the whole of the rate f.
func (b DossierBucket) rateParts(f DossierOrderField) (part, whole int) {
	switch f {
	case DossierByOnTimeRate:
		return b.ResolvedOnTime, b.ResolvedOnTime + b.ResolvedLate
	case DossierByLateRate:
		return b.ResolvedLate, b.ResolvedOnTime + b.ResolvedLate
	}
	return b.ReceivedOnline, b.Received
}
