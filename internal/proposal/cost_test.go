package proposal

import (
	"testing"

	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestCostPercentCut checks the rounding of the percentage cut; the
// figures it divides are the database's (TestCostFormula).
func TestCostPercentCut(t *testing.T) {
	for _, c := range []struct {
		cost Cost
		want string // "" for none
	}{
		// 390/585 = 66.666...%
		{Cost{AnnualBefore: d("585000000"), AnnualAfter: d("195000000"), Saving: d("390000000")}, "66.67"},
		// 71250.915 / 71251.125 x 100 = 99.99970527...
		{Cost{AnnualBefore: d("71251.125"), AnnualAfter: d("0.21"), Saving: d("71250.915")}, "100"},
		// a cost increase
		{Cost{AnnualBefore: d("200"), AnnualAfter: d("300"), Saving: d("-100")}, "-50"},
		// nothing before: no percentage
		{Cost{AnnualBefore: d("0"), AnnualAfter: d("100"), Saving: d("-100")}, ""},
	} {
		got := c.cost.PercentCut()
		switch {
		case c.want == "" && got != nil:
			t.Errorf("%+v: percent cut %s, want none", c.cost, got)
		case c.want != "" && (got == nil || got.String() != c.want):
			t.Errorf("%+v: percent cut %v, want %s", c.cost, got, c.want)
		}
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
