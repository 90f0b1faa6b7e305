package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"time"

	"tthc/graph/model"
	"tthc/graph/scalars"
	"tthc/internal/auth"
	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/proposal"
	"tthc/internal/report"
)

// ReportStore is what the statistics (catalogStats, dossierStats,
// legalDocumentStats, proposalStats) and the reform progress read;
// internal/postgres implements it.
type ReportStore interface {
	CatalogStats(ctx context.Context, f catalog.ProcedureFilter, dim catalog.Dimension) ([]catalog.StatBucket, error)
	DossierStats(ctx context.Context, f report.DossierFilter, by []report.Dimension, o report.DossierOrder, first *int) ([]report.DossierBucket, error)
	LegalDocumentStats(ctx context.Context, f catalog.LegalDocumentFilter, by []report.Dimension) ([]report.LegalDocumentBucket, error)
	ProposalStats(ctx context.Context, v proposal.Visibility, q report.ProposalStatsQuery) (report.ProposalStats, error)
	ReformProgress(ctx context.Context, unit *int64, year int) (report.ReformProgress, error)
	ReformTargets(ctx context.Context, year *int) ([]report.ReformTarget, error)
	UnitWithin(ctx context.Context, id int64, ancestorCode string) (bool, error)
}

// unitLevels are the levels UNIT can be grouped at.
var unitLevels = []catalog.LevelCode{catalog.LevelMinistry, catalog.LevelProvince, catalog.LevelDistrict,
	catalog.LevelCommune, catalog.LevelOther}

// proposalStatsQuery decodes the arguments of proposalStats.
func proposalStatsQuery(filter *model.ProposalFilter, groupBy []report.Dimension, unitLevel *string,
	orderBy *model.ProposalStatsOrder, first *int) (report.ProposalStatsQuery, error) {
	f, err := proposalFilter(filter)
	if err != nil {
		return report.ProposalStatsQuery{}, err
	}
	q := report.ProposalStatsQuery{Filter: f, By: groupBy, First: report.DefaultBuckets}
	if unitLevel != nil {
		if !slices.Contains(unitLevels, catalog.LevelCode(*unitLevel)) {
			return q, errs.Fieldf("unitLevel", "unitLevel must be one of %v", unitLevels)
		}
		q.UnitLevel = *unitLevel
	}
	if first != nil {
		if *first < 0 || *first > report.MaxBuckets {
			return q, errs.Fieldf("first", "first must be between 0 and %d", report.MaxBuckets)
		}
		q.First = *first
	}
	q.Order = report.ProposalStatsOrder{Field: report.OrderKey}
	if orderBy != nil {
		q.Order.Field = orderBy.Field
		q.Order.Desc = descending(orderBy.Field != report.OrderKey, orderBy.Direction)
	}
	return q, nil
}

// dossierScope returns the unit code whose subtree the caller may see in
// dossier statistics: "" for analysts, who see every unit.
func dossierScope(ctx context.Context) (string, error) {
	a, err := auth.FromContext(ctx)
	if err != nil {
		return "", err
	}
	if a.Has(auth.Analyst) {
		return "", nil
	}
	if a.UnitCode == "" {
		return "", errs.Errorf(errs.Forbidden, "your token names no unit")
	}
	return a.UnitCode, nil
}

// checkReformAccess tells whether the caller may see the reform progress
// of unit (nil: the whole country): analysts any, officers their own unit
// and the units under it. A reviewer reads the proposals routed to their
// unit, which no subtree's progress is made of.
func (r *Resolver) checkReformAccess(ctx context.Context, unit *int64) error {
	a, err := auth.FromContext(ctx)
	if err != nil {
		return err
	}
	if a.Has(auth.Analyst) {
		return nil
	}
	if a.Has(auth.Officer) && unit != nil && a.UnitCode != "" {
		ok, err := r.Store.UnitWithin(ctx, *unit, a.UnitCode)
		if err != nil || ok {
			return err
		}
	}
	return errs.Errorf(errs.Forbidden, "you may see the reform progress of your own unit and the units under it")
}

// proposalFilterJSON is a ProposalFilter as the JSON of the GraphQL
// input, with dates as YYYY-MM-DD.
type proposalFilterJSON struct {
	Statuses        []string       `json:"statuses"`
	Kinds           []string       `json:"kinds"`
	ProcedureIDs    []string       `json:"procedureIds"`
	UnitID          *string        `json:"unitId"`
	Levels          []string       `json:"levels"`
	SectorIDs       []string       `json:"sectorIds"`
	ReviewingUnitID *string        `json:"reviewingUnitId"`
	Created         *dateRangeJSON `json:"created"`
	Submitted       *dateRangeJSON `json:"submitted"`
	Decided         *dateRangeJSON `json:"decided"`
	Search          *string        `json:"search"`
}

type dateRangeJSON struct {
	From *string `json:"from"`
	To   *string `json:"to"`
}

// DecodeProposalFilter reads a ProposalFilter written as the JSON of the
// GraphQL input, as the proposals CSV export takes it, with the same
// checks as the API.
func DecodeProposalFilter(raw string) (proposal.Filter, error) {
	var in proposalFilterJSON
	if err := checkFilterText(raw); err != nil {
		return proposal.Filter{}, err
	}
	if raw != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return proposal.Filter{}, errs.Fieldf("filter", "filter must be the JSON of a ProposalFilter: %v", err)
		}
	}
	m := model.ProposalFilter{ProcedureIds: in.ProcedureIDs, UnitID: in.UnitID, Levels: in.Levels,
		SectorIds: in.SectorIDs, ReviewingUnitID: in.ReviewingUnitID, Search: in.Search}
	for _, s := range in.Statuses {
		if !slices.Contains(proposal.Statuses, proposal.Status(s)) {
			return proposal.Filter{}, errs.Fieldf("filter.statuses", "unknown status %q", s)
		}
		m.Statuses = append(m.Statuses, proposal.Status(s))
	}
	for _, k := range in.Kinds {
		if !slices.Contains(proposal.Kinds, proposal.Kind(k)) {
			return proposal.Filter{}, errs.Fieldf("filter.kinds", "unknown kind %q", k)
		}
		m.Kinds = append(m.Kinds, proposal.Kind(k))
	}
	for _, d := range []struct {
		name string
		in   *dateRangeJSON
		out  **model.DateRange
	}{{"created", in.Created, &m.Created}, {"submitted", in.Submitted, &m.Submitted}, {"decided", in.Decided, &m.Decided}} {
		if d.in == nil {
			continue
		}
		r := &model.DateRange{}
		for _, e := range []struct {
			name string
			in   *string
			out  **time.Time
		}{{"from", d.in.From, &r.From}, {"to", d.in.To, &r.To}} {
			if e.in == nil {
				continue
			}
			t, err := scalars.UnmarshalDate(*e.in)
			if err != nil {
				return proposal.Filter{}, errs.Fieldf("filter."+d.name+"."+e.name, "%v", err)
			}
			*e.out = &t
		}
		*d.out = r
	}
	return proposalFilter(&m)
}

// ProposalID returns the global ID of proposal id, as exports write it.
func ProposalID(id int64) string { return globalIntID(typeProposal, id) }

// descending tells whether statistics sort descending: as direction says,
// else measures largest first and keys ascending.
func descending(measure bool, direction *model.OrderDirection) bool {
	if direction != nil {
		return *direction == model.OrderDirectionDesc
	}
	return measure
}
