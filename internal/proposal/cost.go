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

// Cost is a proposal's annual compliance cost before and after, the saving
// and the percentage cut.
type Cost struct {
	AnnualBefore decimal.Decimal
	AnnualAfter  decimal.Decimal
	Saving       decimal.Decimal
	// PercentCut is Saving / AnnualBefore x 100, rounded half away from
	// zero to 2 decimals; nil when AnnualBefore is 0.
	PercentCut *decimal.Decimal
}

// PerProcedure is the cost of doing the procedure once: hours x hourly rate
// + fees (Circular 02/2017/TT-VPCP, Article 27). Opportunity cost is not
// counted.
func (c CostParameters) PerProcedure() decimal.Decimal {
	return c.Hours.Mul(c.HourlyRate).Add(c.Fee)
}

// Annual is the cost of one procedure x times a year x applicants a year.
func (c CostParameters) Annual() decimal.Decimal {
	return c.PerProcedure().Mul(c.TimesPerYear).Mul(decimal.NewFromInt(c.ApplicantsPerYear))
}

// ComputeCost applies the formula to the parameters before and after. It
// is exact: decimals throughout, never floats. The database computes the
// same in generated columns for reports (migrations/00002_proposals.sql).
func ComputeCost(before, after CostParameters) Cost {
	c := Cost{AnnualBefore: before.Annual(), AnnualAfter: after.Annual()}
	c.Saving = c.AnnualBefore.Sub(c.AnnualAfter)
	if !c.AnnualBefore.IsZero() {
		p := c.Saving.Mul(decimal.NewFromInt(100)).DivRound(c.AnnualBefore, 10).Round(2)
		c.PercentCut = &p
	}
	return c
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
	// stored value equal to the one the formula used.
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
