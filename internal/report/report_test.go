package report

import "testing"

func TestRates(t *testing.T) {
	b := DossierBucket{Received: 3, ReceivedOnline: 1, ResolvedOnTime: 2, ResolvedLate: 1}
	if got := b.OnTimeRate().String(); got != "66.67" {
		t.Errorf("OnTimeRate = %s, want 66.67", got)
	}
	if got := b.LateRate().String(); got != "33.33" {
		t.Errorf("LateRate = %s, want 33.33", got)
	}
	if got := b.OnlineRate().String(); got != "33.33" {
		t.Errorf("OnlineRate = %s, want 33.33", got)
	}
	if (DossierBucket{}).OnTimeRate() != nil {
		t.Error("OnTimeRate of nothing resolved should be nil")
	}
}
