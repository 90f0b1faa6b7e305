package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tthc/internal/catalog"
	"tthc/internal/postgres"
	"tthc/internal/proposal"
	"tthc/internal/report"
	"tthc/internal/testdb"
)

// nationalDB returns the national data set (testdb.National), to read
// only.
func nationalDB(t testing.TB) *postgres.DB {
	t.Helper()
	return testdb.Open(t, testdb.National(t))
}

// nationalIDs are entities of the national data set the queries name.
type nationalIDs struct {
	Province, Commune, Sector, Procedure, DossierProcedure, Reviewer int64
	ProvinceCode, CommuneCode                                        string
}

func lookupNationalIDs(t testing.TB, db *postgres.DB) nationalIDs {
	t.Helper()
	var ids nationalIDs
	ctx := context.Background()
	for _, q := range []struct {
		dst   any
		query string
	}{
		{&ids.Province, `SELECT id FROM administrative_units WHERE code = 'T34-07'`},
		{&ids.ProvinceCode, `SELECT 'T34-07'`},
		{&ids.Commune, `SELECT id FROM administrative_units WHERE code = 'X-00042'`},
		{&ids.CommuneCode, `SELECT 'X-00042'`},
		{&ids.Sector, `SELECT min(id) + 3 FROM sectors`},
		{&ids.Procedure, `SELECT min(procedure_id) FROM proposals`},
		{&ids.DossierProcedure, `SELECT min(procedure_id) FROM dossier_procedure_months`},
		{&ids.Reviewer, `SELECT id FROM administrative_units WHERE code = 'BO-03'`},
	} {
		if err := db.Get(ctx, q.dst, q.query); err != nil {
			t.Fatalf("%s: %v", q.query, err)
		}
	}
	return ids
}

func day(s string) *time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &d
}

// reportingQuery is one statistics query of the plan test and the
// benchmark.
type reportingQuery struct {
	name     string
	proposal *proposalQuery
	dossier  *dossierQuery
}

type proposalQuery struct {
	v proposal.Visibility
	q report.ProposalStatsQuery
}

type dossierQuery struct {
	f  report.DossierFilter
	by []report.Dimension
}

var analyst = proposal.Visibility{All: true}

// reportingQueries are the statistics questions that must stay
// interactive at national scale: every dimension alone, with no filter
// and with the common filters, the crossings that a filter narrows, and
// the national crossings that rollups of their own grain answer.
func reportingQueries(ids nationalIDs) []reportingQuery {
	var qs []reportingQuery
	pq := func(name string, v proposal.Visibility, f proposal.Filter, unitLevel string, by ...report.Dimension) {
		qs = append(qs, reportingQuery{name: "proposalStats/" + name,
			proposal: &proposalQuery{v: v, q: report.ProposalStatsQuery{Filter: f, By: by, UnitLevel: unitLevel, First: 1000}}})
	}
	dq := func(name string, f report.DossierFilter, by ...report.Dimension) {
		qs = append(qs, reportingQuery{name: "dossierStats/" + name, dossier: &dossierQuery{f: f, by: by}})
	}
	decided := []proposal.Status{proposal.StatusApproved, proposal.StatusImplemented}
	year2025 := proposal.DateRange{From: day("2025-01-01"), To: day("2025-12-31")}
	for _, dim := range []report.Dimension{report.ByStatus, report.ByKind, report.ByLevel, report.BySector, report.ByUnit,
		report.ByReviewingUnit, report.BySubmittedMonth, report.BySubmittedQuarter, report.BySubmittedYear,
		report.ByDecidedMonth, report.ByDecidedQuarter, report.ByDecidedYear} {
		name := strings.ToLower(string(dim))
		pq(name, analyst, proposal.Filter{}, "", dim)
		pq(name+" approved", analyst, proposal.Filter{Statuses: decided}, "", dim)
		pq(name+" commune level", analyst, proposal.Filter{Levels: []catalog.LevelCode{catalog.LevelCommune}}, "", dim)
		pq(name+" of a province", analyst, proposal.Filter{UnitID: &ids.Province}, "", dim)
		pq(name+" of a commune", analyst, proposal.Filter{UnitID: &ids.Commune}, "", dim)
		pq(name+" of a procedure", analyst, proposal.Filter{ProcedureIDs: []int64{ids.Procedure}}, "", dim)
		pq(name+" searched", analyst, proposal.Filter{Search: "số 4242"}, "", dim)
		pq(name+" for a province officer", proposal.Visibility{SubtreeOf: ids.ProvinceCode}, proposal.Filter{}, "", dim)
		pq(name+" for a ministry reviewer", proposal.Visibility{ReviewedBy: "BO-03"}, proposal.Filter{}, "", dim)
		pq(name+" for an officer and reviewer", proposal.Visibility{SubtreeOf: ids.CommuneCode, ReviewedBy: ids.ProvinceCode}, proposal.Filter{}, "", dim)
	}
	pq("unit at province level", analyst, proposal.Filter{}, "PROVINCE", report.ByUnit)
	pq("unit at commune level, approved", analyst, proposal.Filter{Statuses: decided}, "COMMUNE", report.ByUnit)
	pq("status by sector", analyst, proposal.Filter{}, "", report.BySector, report.ByStatus)
	pq("status of a sector", analyst, proposal.Filter{SectorIDs: []int64{ids.Sector}}, "", report.ByStatus)
	pq("status of a kind", analyst, proposal.Filter{Kinds: []proposal.Kind{proposal.KindCutTime}}, "", report.ByStatus)
	pq("level and status submitted in 2025", analyst, proposal.Filter{Submitted: year2025}, "", report.ByLevel, report.ByStatus)
	pq("status decided in a quarter", analyst, proposal.Filter{Decided: proposal.DateRange{From: day("2025-04-01"), To: day("2025-06-30")}}, "", report.ByStatus)
	pq("status reviewed by a ministry", analyst, proposal.Filter{ReviewingUnitID: &ids.Reviewer}, "", report.ByStatus)
	pq("level and status created since 2024 (bench S4)", analyst, proposal.Filter{Created: proposal.DateRange{From: day("2024-01-01")}}, "",
		report.ByLevel, report.ByStatus)
	pq("status created in a week", analyst, proposal.Filter{Created: proposal.DateRange{From: day("2025-03-03"), To: day("2025-03-09")}}, "", report.ByStatus)
	pq("status submitted in a week", analyst, proposal.Filter{Submitted: proposal.DateRange{From: day("2025-03-03"), To: day("2025-03-09")}}, "", report.ByStatus)
	pq("sector by year of a province", analyst, proposal.Filter{UnitID: &ids.Province}, "", report.BySector, report.BySubmittedYear)
	pq("totals", analyst, proposal.Filter{}, "")

	for _, dim := range []report.Dimension{report.ByUnit, report.ByProcedure, report.BySector, report.ByLevel,
		report.ByMonth, report.ByQuarter, report.ByYear} {
		name := strings.ToLower(string(dim))
		dq(name, report.DossierFilter{}, dim)
		dq(name+" in 2025", report.DossierFilter{From: day("2025-01-01"), To: day("2025-12-31")}, dim)
		dq(name+" of a province", report.DossierFilter{UnitID: &ids.Province}, dim)
		dq(name+" of a commune", report.DossierFilter{UnitID: &ids.Commune}, dim)
		dq(name+" of a procedure", report.DossierFilter{ProcedureIDs: []int64{ids.DossierProcedure}}, dim)
		dq(name+" of a sector", report.DossierFilter{SectorIDs: []int64{ids.Sector}}, dim)
		dq(name+" at commune level", report.DossierFilter{Levels: []string{"COMMUNE"}}, dim)
		dq(name+" for a province officer", report.DossierFilter{WithinUnitCode: ids.ProvinceCode}, dim)
	}
	dq("procedure by month of a commune", report.DossierFilter{UnitID: &ids.Commune}, report.ByProcedure, report.ByMonth)
	dq("unit by sector of a province", report.DossierFilter{UnitID: &ids.Province}, report.ByUnit, report.BySector)
	dq("level by quarter", report.DossierFilter{}, report.ByLevel, report.ByQuarter)

	// Crossings of the whole country with no filter: tens of thousands of
	// buckets (every commune by every sector: 66,000; every procedure by
	// month: 119,000), each from a rollup of its own grain
	// (migrations/00006).
	dq("unit by sector", report.DossierFilter{}, report.ByUnit, report.BySector)
	dq("procedure by month", report.DossierFilter{}, report.ByProcedure, report.ByMonth)
	pq("sector by submitted year", analyst, proposal.Filter{}, "", report.BySector, report.BySubmittedYear)
	pq("unit by kind", analyst, proposal.Filter{}, "", report.ByUnit, report.ByKind)
	return qs
}
