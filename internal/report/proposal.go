package report

import (
	"github.com/shopspring/decimal"

	"tthc/internal/proposal"
)

// The dimensions of proposal statistics, besides ByStatus, ByLevel (of the
// proposing unit), BySector (of the procedure) and ByUnit (the proposing
// unit, or its unit at a chosen level).
const (
	ByKind             Dimension = "KIND"
	ByReviewingUnit    Dimension = "REVIEWING_UNIT"
	BySubmittedMonth   Dimension = "SUBMITTED_MONTH"
	BySubmittedQuarter Dimension = "SUBMITTED_QUARTER"
	BySubmittedYear    Dimension = "SUBMITTED_YEAR"
	ByDecidedMonth     Dimension = "DECIDED_MONTH"
	ByDecidedQuarter   Dimension = "DECIDED_QUARTER"
	ByDecidedYear      Dimension = "DECIDED_YEAR"
)

// ProposalStatsQuery asks for proposal statistics. The caller's
// visibility is passed apart, as for every read of proposals.
type ProposalStatsQuery struct {
	Filter proposal.Filter
	By     []Dimension
	// UnitLevel, for ByUnit, groups by the proposing unit's ancestor (or
	// itself) of this level; empty groups by the proposing unit itself.
	UnitLevel string
	Order     ProposalStatsOrder
	// First is how many buckets to return, in order.
	First int
}

// ProposalStatsOrderField is what buckets are sorted by.
type ProposalStatsOrderField string

const (
	OrderKey         ProposalStatsOrderField = "KEY"
	OrderCount       ProposalStatsOrderField = "COUNT"
	OrderCostBefore  ProposalStatsOrderField = "ANNUAL_COST_BEFORE"
	OrderSaving      ProposalStatsOrderField = "SAVING"
	OrderPercentCut  ProposalStatsOrderField = "PERCENT_CUT"
	OrderDaysCut     ProposalStatsOrderField = "PROCESSING_DAYS_CUT"
	OrderDocsRemoved ProposalStatsOrderField = "DOCUMENTS_REMOVED"
)

// ProposalStatsOrder sorts buckets; ties keep the order of the keys.
type ProposalStatsOrder struct {
	Field ProposalStatsOrderField
	Desc  bool
}

// Bucket limits of proposal statistics.
const (
	DefaultBuckets = 1000
	MaxBuckets     = 10000
)

// ProposalMeasures are the sums over the proposals of a bucket. Money is
// VND a year, exact; processing time is in working days.
type ProposalMeasures struct {
	Count           int
	CostBefore      decimal.Decimal
	CostAfter       decimal.Decimal
	DaysBefore      decimal.Decimal
	DaysAfter       decimal.Decimal
	DocumentsBefore int
	DocumentsAfter  int
}

// Add returns the sums of m and o.
func (m ProposalMeasures) Add(o ProposalMeasures) ProposalMeasures {
	return ProposalMeasures{
		Count:           m.Count + o.Count,
		CostBefore:      m.CostBefore.Add(o.CostBefore),
		CostAfter:       m.CostAfter.Add(o.CostAfter),
		DaysBefore:      m.DaysBefore.Add(o.DaysBefore),
		DaysAfter:       m.DaysAfter.Add(o.DaysAfter),
		DocumentsBefore: m.DocumentsBefore + o.DocumentsBefore,
		DocumentsAfter:  m.DocumentsAfter + o.DocumentsAfter,
	}
}

// Saving is the annual cost before minus after.
func (m ProposalMeasures) Saving() decimal.Decimal { return m.CostBefore.Sub(m.CostAfter) }

// PercentCut is the saving as a percentage of the cost before, rounded as
// a single proposal's (proposal.Percent); nil when the cost before is 0.
func (m ProposalMeasures) PercentCut() *decimal.Decimal {
	return proposal.Percent(m.Saving(), m.CostBefore)
}

// DaysCut is the total processing time cut, in working days.
func (m ProposalMeasures) DaysCut() decimal.Decimal { return m.DaysBefore.Sub(m.DaysAfter) }

// AverageDaysCut is the processing time cut per proposal, in working days
// rounded to 2 decimals; nil for an empty bucket.
func (m ProposalMeasures) AverageDaysCut() *decimal.Decimal {
	if m.Count == 0 {
		return nil
	}
	a := m.DaysCut().DivRound(decimal.NewFromInt(int64(m.Count)), 10).Round(2)
	return &a
}

// TimePercentCut is the processing time cut as a percentage of the time
// before; nil when that is 0.
func (m ProposalMeasures) TimePercentCut() *decimal.Decimal {
	return proposal.Percent(m.DaysCut(), m.DaysBefore)
}

// DocumentsRemoved is the net number of dossier documents removed.
func (m ProposalMeasures) DocumentsRemoved() int { return m.DocumentsBefore - m.DocumentsAfter }

// ProposalBucket is the measures of one group of proposals.
type ProposalBucket struct {
	Group []GroupKey
	ProposalMeasures
}

// ProposalStats is the answer of proposal statistics.
type ProposalStats struct {
	Buckets []ProposalBucket
	// Totals counts every proposal matching the query once.
	Totals ProposalBucket
	// BucketCount is the number of buckets before First cut the list.
	BucketCount int
	// Overlap is true when a proposal may count in several buckets
	// (grouped by kind), so that the buckets add up to more than Totals.
	Overlap bool
}
