package proposal_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"

	"tthc/internal/proposal"
)

// TestCostFormula checks the annual compliance cost that the database
// computes for every proposal it stores (proposal.Cost), as a write and a
// read give it back, on worked examples.
func TestCostFormula(t *testing.T) {
	e := newEnv(t)
	d := decimal.RequireFromString
	for _, c := range []struct {
		name                              string
		before, after                     proposal.CostParameters
		annualBefore, annualAfter, saving string
	}{
		// Circular 02/2017/TT-VPCP Article 27 on the demo's birth
		// registration proposal in Đô Lương: before, 6 hours x 37,500 VND
		// + 0 fee = 225,000 VND a dossier, x 1 time a year x 2,600
		// applicants; after, 2 hours.
		{"worked example",
			proposal.CostParameters{Hours: d("6"), HourlyRate: d("37500"), Fee: d("0"), TimesPerYear: d("1"), ApplicantsPerYear: 2600},
			proposal.CostParameters{Hours: d("2"), HourlyRate: d("37500"), Fee: d("0"), TimesPerYear: d("1"), ApplicantsPerYear: 2600},
			"585000000", "195000000", "390000000"},
		// Fractions that floats cannot hold: (1.5 x 25,000.50 + 10,000) x
		// 0.5 x 3 = 71,251.125; 0.1 x 0.1 + 0.2 = 0.21 exactly (not
		// 0.21000000000000002).
		{"exact",
			proposal.CostParameters{Hours: d("1.5"), HourlyRate: d("25000.50"), Fee: d("10000"), TimesPerYear: d("0.5"), ApplicantsPerYear: 3},
			proposal.CostParameters{Hours: d("0.1"), HourlyRate: d("0.1"), Fee: d("0.2"), TimesPerYear: d("1"), ApplicantsPerYear: 1},
			"71251.125", "0.21", "71250.915"},
		{"a cost increase from nothing",
			proposal.CostParameters{Hours: d("0"), HourlyRate: d("0"), Fee: d("0"), TimesPerYear: d("1"), ApplicantsPerYear: 10},
			proposal.CostParameters{Hours: d("1"), HourlyRate: d("10"), Fee: d("0"), TimesPerYear: d("1"), ApplicantsPerYear: 10},
			"0", "100", "-100"},
	} {
		p, _, err := e.workflow.Create(context.Background(), officerDL, proposal.New{ProcedureID: e.procedureID(t, "1.005136"),
			Content: proposal.Content{Kinds: []proposal.Kind{proposal.KindCutTime}, Title: "Chi phí: " + c.name,
				Before: c.before, After: c.after}})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for how, got := range map[string]proposal.Cost{"written": p.Cost, "read": e.reload(t, p.ID).Cost} {
			if got.AnnualBefore.String() != c.annualBefore || got.AnnualAfter.String() != c.annualAfter || got.Saving.String() != c.saving {
				t.Errorf("%s, %s: cost %s, %s, %s, want %s, %s, %s", c.name, how, got.AnnualBefore, got.AnnualAfter, got.Saving,
					c.annualBefore, c.annualAfter, c.saving)
			}
		}
	}
}
