package proposal

import (
	"github.com/shopspring/decimal"

	"tthc/internal/errs"
)

// CostParameters are the measurable parameters of a procedure, before or
// after simplification. Money is VND, exact.
type CostParameters struct {
	ProcessingDays    decimal.Decimal // processing time, working days
	Fee               decimal.Decimal // fees, charges and other prescribed costs, VND
	Documents         int             // number of dossier documents
	Hours             decimal.Decimal // hours an applicant spends to obtain the result
	HourlyRate        decimal.Decimal // the applicant's hourly income, VND
	TimesPerYear      decimal.Decimal // times a year each applicant needs the procedure
	ApplicantsPerYear int64           // applicants a year
}

// Cost is a proposal's annual compliance cost before and after, and the
// saving: for each of before and after, the cost of one procedure (hours
// x hourly rate + fees; Circular 02/2017/TT-VPCP, Article 27, opportunity
// cost not counted) x times a year x applicants a year; the saving is
// before minus after. Exact decimals, never floats.
//
// The database computes the formula, once, from the stored parameters:
// the generated columns annual_cost_before, annual_cost_after and
// annual_saving (migrations/00002_proposals.sql). Every read of a
// proposal brings them, as reports, exports and the ordering by saving
// use them, so the API shows exactly what those sum and sort.
type Cost struct {
	AnnualBefore decimal.Decimal
	AnnualAfter  decimal.Decimal
	Saving       decimal.Decimal
}

// PercentCut is Saving as a percentage of AnnualBefore; nil when
// AnnualBefore is 0.
func (c Cost) PercentCut() *decimal.Decimal { return Percent(c.Saving, c.AnnualBefore) }

// Percent returns part / whole x 100 rounded half away from zero to 2
// decimals; nil when whole is 0. Every percentage the API shows (a
// proposal's cut, a report group's, progress towards a target) is
// rounded here.
func Percent(part, whole decimal.Decimal) *decimal.Decimal {
	if whole.IsZero() {
		return nil
	}
	p := part.Mul(decimal.NewFromInt(100)).DivRound(whole, 10).Round(2)
	return &p
}

func (c CostParameters) validate(field string) error {
	for name, v := range map[string]decimal.Decimal{
		"processingDays": c.ProcessingDays, "fee": c.Fee, "applicantHours": c.Hours,
		"hourlyRate": c.HourlyRate, "timesPerYear": c.TimesPerYear,
	} {
		if v.IsNegative() {
			return errs.Fieldf(field+"."+name, "%s must not be negative", name)
		}
	}
	if c.Documents < 0 {
		return errs.Fieldf(field+".documents", "documents must not be negative")
	}
	if c.ApplicantsPerYear < 0 {
		return errs.Fieldf(field+".applicantsPerYear", "applicantsPerYear must not be negative")
	}
	// The database keeps these scales; refusing more digits here keeps the
	// stored value, and the cost computed from it, equal to the one sent.
	for name, s := range map[string]struct {
		v     decimal.Decimal
		scale int32
	}{
		"processingDays": {c.ProcessingDays, 2}, "fee": {c.Fee, 2}, "applicantHours": {c.Hours, 2},
		"hourlyRate": {c.HourlyRate, 2}, "timesPerYear": {c.TimesPerYear, 4},
	} {
		if !s.v.Equal(s.v.Truncate(s.scale)) {
			return errs.Fieldf(field+"."+name, "%s has more than %d decimals", name, s.scale)
		}
	}
	return nil
}
