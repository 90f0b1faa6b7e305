package report

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
// Rates compare exactly; a bucket without a rate (nothing resolved,
// nothing received) comes last in either direction.
type DossierOrder struct {
	Field DossierOrderField
	Desc  bool
}
