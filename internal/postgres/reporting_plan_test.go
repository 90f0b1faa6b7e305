package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"tthc/internal/proposal"
	"tthc/internal/report"
)

// bigTables are the tables that statistics must never read whole at
// national scale.
var bigTables = map[string]bool{"proposals": true, "proposal_events": true, "dossier_stats": true}

// seqScans returns the big tables a JSON plan scans sequentially.
func seqScans(t testing.TB, plan string) []string {
	t.Helper()
	var root []struct {
		Plan map[string]any `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(plan), &root); err != nil {
		t.Fatalf("plan: %v", err)
	}
	var out []string
	var walk func(n map[string]any)
	walk = func(n map[string]any) {
		if n["Node Type"] == "Seq Scan" {
			if rel, _ := n["Relation Name"].(string); bigTables[rel] {
				out = append(out, rel)
			}
		}
		kids, _ := n["Plans"].([]any)
		for _, k := range kids {
			if m, ok := k.(map[string]any); ok {
				walk(m)
			}
		}
	}
	for _, r := range root {
		walk(r.Plan)
	}
	return out
}

// TestReportingPlansAtNationalScale checks that no statistics query reads
// proposals, proposal_events or dossier_stats sequentially on the national
// data set (4 million dossier rows, 200,000 proposals, 700,000 events),
// and neither does the reform progress refresh that every workflow step
// runs.
func TestReportingPlansAtNationalScale(t *testing.T) {
	// Parallel, so it runs after the package's other tests: by then make
	// test's background build of the national data set is done.
	t.Parallel()
	db := nationalDB(t)
	ctx := context.Background()
	ids := lookupNationalIDs(t, db)
	for _, q := range reportingQueries(ids) {
		var plans []string
		switch {
		case q.proposal != nil:
			p, err := db.ExplainProposalStats(ctx, q.proposal.v, q.proposal.q)
			if err != nil {
				t.Fatalf("%s: %v", q.name, err)
			}
			plans = p
		case q.dossier != nil:
			p, _, err := db.ExplainDossierStats(ctx, q.dossier.f, q.dossier.by)
			if err != nil {
				t.Fatalf("%s: %v", q.name, err)
			}
			plans = []string{p}
		}
		for _, p := range plans {
			if scans := seqScans(t, p); len(scans) > 0 {
				t.Errorf("%s scans %s sequentially:\n%s", q.name, strings.Join(scans, ", "), p)
			}
		}
	}
	for _, units := range [][]int64{{ids.Commune}, {ids.Province}} {
		p, err := db.ExplainReformRefresh(ctx, units)
		if err != nil {
			t.Fatal(err)
		}
		if scans := seqScans(t, p); len(scans) > 0 {
			t.Errorf("reform refresh of units %v scans %s sequentially:\n%s", units, strings.Join(scans, ", "), p)
		}
	}
}

// BenchmarkReporting times each statistics query on the national data
// set. Run it with
//
//	TEST_PG_DIR=.data/test scripts/test.sh ./internal/postgres -run '^$' -bench Reporting -benchtime 20x
//
// (set TEST_NATIONAL_DATABASE_URL to a generated database to skip the
// generation); bench/REPORTING.md holds the results.
func BenchmarkReporting(b *testing.B) {
	db := nationalDB(b)
	ctx := context.Background()
	ids := lookupNationalIDs(b, db)
	for _, q := range reportingQueries(ids) {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				var err error
				switch {
				case q.proposal != nil:
					_, err = db.ProposalStats(ctx, q.proposal.v, q.proposal.q)
				case q.dossier != nil:
					_, err = db.DossierStats(ctx, q.dossier.f, q.dossier.by, report.DossierOrder{}, nil)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// What the same national questions cost without the rollups: the
	// proposals and dossier_stats tables read whole.
	for _, q := range reportingQueries(ids) {
		switch {
		case q.proposal != nil && q.proposal.v.All && isZeroFilter(q.proposal.q.Filter) && q.proposal.q.UnitLevel == "":
			b.Run("withoutRollups/"+q.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ProposalStatsFromBase(ctx, q.proposal.v, q.proposal.q); err != nil {
						b.Fatal(err)
					}
				}
			})
		case q.dossier != nil && q.dossier.f.UnitID == nil && q.dossier.f.WithinUnitCode == "" && len(q.dossier.f.ProcedureIDs) == 0 &&
			len(q.dossier.f.SectorIDs) == 0 && len(q.dossier.f.Levels) == 0 && q.dossier.f.From == nil:
			b.Run("withoutRollups/"+q.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := db.DossierStatsFromBase(ctx, q.dossier.f, q.dossier.by); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	for _, y := range []int{2025, 2026} {
		for _, u := range []*int64{nil, &ids.Province} {
			name := fmt.Sprintf("reformProgress/%d national", y)
			if u != nil {
				name = fmt.Sprintf("reformProgress/%d of a province", y)
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ReformProgress(ctx, u, y); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func isZeroFilter(f proposal.Filter) bool {
	return len(f.IDs) == 0 && len(f.Statuses) == 0 && len(f.Kinds) == 0 && len(f.ProcedureIDs) == 0 && f.UnitID == nil &&
		len(f.Levels) == 0 && len(f.SectorIDs) == 0 && f.ReviewingUnitID == nil && f.Created == (proposal.DateRange{}) &&
		f.Submitted == (proposal.DateRange{}) && f.Decided == (proposal.DateRange{}) && f.Search == ""
}
