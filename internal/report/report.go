// Package report holds the domain of the analysts' reports: grouped
// statistics over dossiers and legal documents (and, with the proposal
// tracker, over proposals).
package report

import (
	"time"

	"github.com/shopspring/decimal"
)

// Dimension is something statistics are grouped by. Each report accepts
// its own set.
type Dimension string

const (
	ByUnit          Dimension = "UNIT"
	ByProcedure     Dimension = "PROCEDURE"
	BySector        Dimension = "SECTOR"
	ByLevel         Dimension = "LEVEL"
	ByMonth         Dimension = "MONTH"
	ByQuarter       Dimension = "QUARTER"
	ByYear          Dimension = "YEAR"
	ByStatus        Dimension = "STATUS"
	ByReviewOutcome Dimension = "REVIEW_OUTCOME"
	ByType          Dimension = "TYPE"
	ByIssuer        Dimension = "ISSUER"
)

// GroupKey is the value of one dimension for a bucket. ID is set when the
// value is an entity (a unit, a procedure, a sector), Key otherwise (a
// level code, a status, a period such as "2025-Q3"). Both are nil for rows
// without a value.
type GroupKey struct {
	Dimension Dimension
	Key       *string
	ID        *int64
	Label     string
}

// DossierStat is what a one-stop desk reports for one procedure in one
// month.
type DossierStat struct {
	UnitID         int64
	ProcedureID    int64
	Period         time.Time // first day of the month
	Received       int
	ReceivedOnline int
	ResolvedOnTime int
	ResolvedLate   int
	Pending        int
}

// DossierFilter narrows dossier statistics. UnitID includes the units under
// it.
type DossierFilter struct {
	UnitID       *int64
	ProcedureIDs []int64
	SectorIDs    []int64
	Levels       []string
	From, To     *time.Time // periods within [From, To], by month
	// WithinUnitCode, when set, keeps the units of that code's subtree:
	// what an officer or reviewer of that unit may see.
	WithinUnitCode string
}

// DossierBucket sums the dossier statistics of one group.
type DossierBucket struct {
	Group          []GroupKey
	Received       int
	ReceivedOnline int
	ResolvedOnTime int
	ResolvedLate   int
	Pending        int
}

// Rate returns part/whole as a percentage with two decimals, or nil when
// whole is zero.
func Rate(part, whole int) *decimal.Decimal {
	if whole == 0 {
		return nil
	}
	r := decimal.NewFromInt(int64(part)).Mul(decimal.NewFromInt(100)).DivRound(decimal.NewFromInt(int64(whole)), 2)
	return &r
}

// OnTimeRate is the share of resolved dossiers resolved on time.
func (b DossierBucket) OnTimeRate() *decimal.Decimal {
	return Rate(b.ResolvedOnTime, b.ResolvedOnTime+b.ResolvedLate)
}

// LateRate is the share of resolved dossiers resolved late.
func (b DossierBucket) LateRate() *decimal.Decimal {
	return Rate(b.ResolvedLate, b.ResolvedOnTime+b.ResolvedLate)
}

// OnlineRate is the share of received dossiers received online.
func (b DossierBucket) OnlineRate() *decimal.Decimal {
	return Rate(b.ReceivedOnline, b.Received)
}

// LegalDocumentBucket counts the legal documents of one group.
type LegalDocumentBucket struct {
	Group []GroupKey
	Count int
}
