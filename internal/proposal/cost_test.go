package proposal

import (
	"testing"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestCostWorkedExample applies Circular 02/2017/TT-VPCP Article 27 to the
// demo's birth registration proposal in Đô Lương:
//
//	before: 6 hours x 37,500 VND + 0 fee = 225,000 VND a dossier;
//	        x 1 time a year x 2,600 applicants = 585,000,000 VND a year
//	after:  2 hours x 37,500 VND = 75,000 VND; x 2,600 = 195,000,000 VND
//	saving: 390,000,000 VND a year, 390/585 = 66.666...% -> 66.67%
func TestCostWorkedExample(t *testing.T) {
	before := CostParameters{Hours: d("6"), HourlyRate: d("37500"), Fee: d("0"), TimesPerYear: d("1"), ApplicantsPerYear: 2600}
	after := CostParameters{Hours: d("2"), HourlyRate: d("37500"), Fee: d("0"), TimesPerYear: d("1"), ApplicantsPerYear: 2600}
	if got := before.PerProcedure(); !got.Equal(d("225000")) {
		t.Errorf("cost of one procedure before = %s, want 225000", got)
	}
	c := ComputeCost(before, after)
	for name, v := range map[string][2]decimal.Decimal{
		"annual before": {c.AnnualBefore, d("585000000")},
		"annual after":  {c.AnnualAfter, d("195000000")},
		"saving":        {c.Saving, d("390000000")},
	} {
		if !v[0].Equal(v[1]) {
			t.Errorf("%s = %s, want %s", name, v[0], v[1])
		}
	}
	if c.PercentCut == nil || c.PercentCut.String() != "66.67" {
		t.Errorf("percent cut = %v, want 66.67", c.PercentCut)
	}
}

// TestCostIsExact uses fractions that floats cannot hold.
func TestCostIsExact(t *testing.T) {
	before := CostParameters{Hours: d("1.5"), HourlyRate: d("25000.50"), Fee: d("10000"), TimesPerYear: d("0.5"), ApplicantsPerYear: 3}
	// (1.5 x 25,000.50 + 10,000) x 0.5 x 3 = 47,500.75 x 1.5 = 71,251.125
	after := CostParameters{Hours: d("0.1"), HourlyRate: d("0.1"), Fee: d("0.2"), TimesPerYear: d("1"), ApplicantsPerYear: 1}
	// 0.01 + 0.2 = 0.21 exactly (0.1 x 0.1 + 0.2 is 0.21000000000000002 in float64)
	c := ComputeCost(before, after)
	if !c.AnnualBefore.Equal(d("71251.125")) {
		t.Errorf("annual before = %s, want 71251.125", c.AnnualBefore)
	}
	if !c.AnnualAfter.Equal(d("0.21")) {
		t.Errorf("annual after = %s, want 0.21", c.AnnualAfter)
	}
	if !c.Saving.Equal(d("71250.915")) {
		t.Errorf("saving = %s, want 71250.915", c.Saving)
	}
	// 71250.915 / 71251.125 x 100 = 99.99970527...
	if c.PercentCut.String() != "100" {
		t.Errorf("percent cut = %s, want 100 (99.9997 rounded to 2 decimals)", c.PercentCut)
	}
}

func TestCostPercentNullWhenNothingBefore(t *testing.T) {
	zero := CostParameters{Hours: d("0"), HourlyRate: d("0"), Fee: d("0"), TimesPerYear: d("1"), ApplicantsPerYear: 10}
	after := CostParameters{Hours: d("1"), HourlyRate: d("10"), Fee: d("0"), TimesPerYear: d("1"), ApplicantsPerYear: 10}
	c := ComputeCost(zero, after)
	if c.PercentCut != nil {
		t.Errorf("percent cut = %s, want nil when the cost before is 0", c.PercentCut)
	}
	if !c.Saving.Equal(d("-100")) {
		t.Errorf("saving = %s, want -100 (a cost increase)", c.Saving)
	}
}

func TestCostParametersValidate(t *testing.T) {
	ok := CostParameters{Hours: d("1.25"), HourlyRate: d("37500"), Fee: d("0"), TimesPerYear: d("0.0833"), ApplicantsPerYear: 1}
	if err := ok.validate("input.before"); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]CostParameters{
		"negative fee":        {Fee: d("-1")},
		"too many decimals":   {Hours: d("1.255")},
		"negative applicants": {ApplicantsPerYear: -1},
	} {
		if err := c.validate("input.before"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
