package report

import (
	"cmp"
	"slices"

	"github.com/shopspring/decimal"

	"tthc/internal/proposal"
)

// Metric is what a reform target cuts.
type Metric string

const (
	MetricTime Metric = "TIME" // processing time
	MetricCost Metric = "COST" // annual compliance cost
)

// Metrics lists the metrics in the order reports show them.
var Metrics = []Metric{MetricCost, MetricTime}

// ReformTarget is a cut to reach by the end of Year against BaselineYear,
// for a unit and the units under it, or nationally when UnitID is nil.
type ReformTarget struct {
	ID           int64
	Year         int
	UnitID       *int64
	Metric       Metric
	CutPercent   decimal.Decimal
	BaselineYear int
	Source       string
}

// ReformFigures are the sums of a unit's procedures in scope for one
// metric: the baseline and the cuts approved and implemented, in VND a
// year (COST) or working days (TIME). See migrations/00005 for the
// definitions.
type ReformFigures struct {
	Procedures            int
	ProceduresApproved    int
	ProceduresImplemented int
	Baseline              decimal.Decimal
	CutApproved           decimal.Decimal
	CutImplemented        decimal.Decimal
}

// Add returns the sums of f and o.
func (f ReformFigures) Add(o ReformFigures) ReformFigures {
	return ReformFigures{
		Procedures:            f.Procedures + o.Procedures,
		ProceduresApproved:    f.ProceduresApproved + o.ProceduresApproved,
		ProceduresImplemented: f.ProceduresImplemented + o.ProceduresImplemented,
		Baseline:              f.Baseline.Add(o.Baseline),
		CutApproved:           f.CutApproved.Add(o.CutApproved),
		CutImplemented:        f.CutImplemented.Add(o.CutImplemented),
	}
}

// MetricProgress is a unit's progress on one metric against its target.
type MetricProgress struct {
	Metric Metric
	// Target is nil when no target applies to the unit for the year.
	Target *ReformTarget
	ReformFigures
}

// ApprovedCutPercent is the approved cut as a percentage of the baseline.
func (p MetricProgress) ApprovedCutPercent() *decimal.Decimal {
	return proposal.Percent(p.CutApproved, p.Baseline)
}

// ImplementedCutPercent is the implemented cut as a percentage of the
// baseline.
func (p MetricProgress) ImplementedCutPercent() *decimal.Decimal {
	return proposal.Percent(p.CutImplemented, p.Baseline)
}

// TargetReached is the share of the target reached by the implemented
// cut, in percent (100 = target met; more is possible); nil without a
// target or a baseline.
func (p MetricProgress) TargetReached() *decimal.Decimal {
	return p.reached(p.ImplementedCutPercent())
}

// TargetReachedApproved is the share of the target the approved cut would
// reach once implemented.
func (p MetricProgress) TargetReachedApproved() *decimal.Decimal {
	return p.reached(p.ApprovedCutPercent())
}

func (p MetricProgress) reached(cut *decimal.Decimal) *decimal.Decimal {
	if p.Target == nil || cut == nil {
		return nil
	}
	return proposal.Percent(*cut, p.Target.CutPercent)
}

// UnitProgress is the progress of one unit and the units under it.
type UnitProgress struct {
	UnitID   int64
	UnitName string
	Cost     MetricProgress
	Time     MetricProgress
}

// Behind is how far along the unit is: the lower share of target reached
// of its two metrics; nil when neither can be measured.
func (u UnitProgress) Behind() *decimal.Decimal {
	c, t := u.Cost.TargetReached(), u.Time.TargetReached()
	switch {
	case c == nil:
		return t
	case t == nil || c.LessThan(*t):
		return c
	}
	return t
}

// ReformProgress is the progress of a unit (nil: the whole country) and
// of each unit directly under it that has procedures in scope.
type ReformProgress struct {
	UnitID *int64
	Year   int
	Cost   MetricProgress
	Time   MetricProgress
	Units  []UnitProgress // by name
}

// FurthestBehind returns the first n units in order of progress, the
// least advanced first; units that cannot be measured come last, and ties
// go by name.
func (r ReformProgress) FurthestBehind(n int) []UnitProgress {
	units := slices.Clone(r.Units)
	slices.SortStableFunc(units, func(a, b UnitProgress) int {
		pa, pb := a.Behind(), b.Behind()
		switch {
		case pa == nil && pb == nil:
		case pa == nil:
			return 1
		case pb == nil:
			return -1
		default:
			if c := pa.Cmp(*pb); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.UnitName, b.UnitName)
	})
	if n < len(units) {
		units = units[:max(n, 0)]
	}
	return units
}
