package httpserver_test

import (
	"strings"
	"testing"
)

// TestProposalPageStatements checks that a page of proposals with their
// procedures, units and events costs a fixed number of SQL statements,
// whatever its size, and that leaving the long texts of the procedures
// out of a page does not change what a client that asks for them gets.
func TestProposalPageStatements(t *testing.T) {
	a := newReportAPI(t)
	// Enough proposals for pages of 100: copies of the demo's.
	cols := strings.Join(a.strings(t, `SELECT column_name FROM information_schema.columns
		WHERE table_name = 'proposals' AND column_name <> 'id' AND is_generated = 'NEVER' ORDER BY ordinal_position`), ", ")
	a.exec(t, `INSERT INTO proposals (`+cols+`) SELECT `+cols+` FROM proposals, generate_series(1, 10)`)
	if n := a.count(t, `SELECT count(*) FROM proposals`); n < 100 {
		t.Fatalf("%d proposals, want at least 100", n)
	}
	const q = `query($first: Int) { proposals(first: $first) { nodes {
		id title status
		procedure { code name }
		proposingUnit { code name }
		unit { code }
		reviewingUnit { code }
		cost { annualBefore annualAfter saving }
		events { to at }
	} } }`
	// The page, the procedures, the units and the events.
	for _, n := range []int{1, 2, 20, 50, 100} {
		for run := range 3 {
			var headers = []string{"Authorization", bearer(t, rAnalyst)}
			res := a.post(t, q, map[string]any{"first": n}, headers...)
			if len(res.Errors) > 0 {
				t.Fatalf("page of %d: %s", n, res.Body)
			}
			if res.Statements != 4 {
				t.Errorf("a page of %d proposals (run %d) ran %d SQL statements, want 4", n, run, res.Statements)
			}
		}
	}

	// The long texts a page leaves out come back when asked for, next to
	// the same procedure read without them.
	var r struct {
		Proposals struct {
			Nodes []struct {
				Procedure struct {
					Code, Requirements, RawText string
				}
				Short struct{ Code, Requirements string }
			}
		}
	}
	a.as(t, &rAnalyst, `{ proposals(first: 100) { nodes {
		procedure { code requirements rawText }
		short: procedure { code requirements }
	} } }`, nil, &r)
	for _, p := range r.Proposals.Nodes {
		want := a.strings(t, `SELECT requirements FROM procedures WHERE code = $1`, p.Procedure.Code)[0]
		if p.Procedure.Requirements != want || p.Short.Requirements != want {
			t.Fatalf("procedure %s: requirements %q and %q, want %q", p.Procedure.Code, p.Procedure.Requirements, p.Short.Requirements, want)
		}
		if p.Procedure.RawText == "" {
			t.Errorf("procedure %s: no raw text", p.Procedure.Code)
		}
	}
}
