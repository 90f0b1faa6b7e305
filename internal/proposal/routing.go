package proposal

import (
	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// RouteUnit is what routing needs to know of an administrative unit.
type RouteUnit struct {
	ID      int64
	Name    string
	Level   catalog.LevelCode
	Central bool // the central reviewing unit (the Prime Minister's office)
}

// RouteFacts are the facts the reviewer of a proposal is derived from.
type RouteFacts struct {
	// Chain is the proposing unit followed by its ancestors, nearest first.
	Chain                   []RouteUnit
	NeedsCentralLegalChange bool
	// SectorMinistryID is the ministry that owns the procedure's sector,
	// if the catalog names one.
	SectorMinistryID *int64
	// CentralReviewerID is the unit flagged as the central reviewer, if any.
	CentralReviewerID *int64
}

// Route returns the unit that reviews a proposal. The rule:
//   - a commune's or a (pre-2025) district's proposal goes to the nearest
//     province above it;
//   - a province's own proposal is decided by the province itself, unless
//     it needs a central legal change: then it goes to the ministry that
//     owns the procedure's sector;
//   - a ministry's proposal goes to the central reviewing unit (the Prime
//     Minister's office).
func Route(f RouteFacts) (int64, error) {
	if len(f.Chain) == 0 {
		return 0, errs.Errorf(errs.Invalid, "the proposing unit does not exist")
	}
	u := f.Chain[0]
	switch {
	case u.Central:
		return 0, errs.Errorf(errs.Invalid, "%s is the central reviewer and has no one to submit to", u.Name)
	case u.Level == catalog.LevelCommune || u.Level == catalog.LevelDistrict:
		for _, a := range f.Chain[1:] {
			if a.Level == catalog.LevelProvince {
				return a.ID, nil
			}
		}
		return 0, errs.Errorf(errs.Invalid, "%s is under no province to review its proposal", u.Name)
	case u.Level == catalog.LevelProvince:
		if !f.NeedsCentralLegalChange {
			return u.ID, nil
		}
		if f.SectorMinistryID == nil {
			return 0, errs.Errorf(errs.Invalid, "the proposal needs a central legal change, but no ministry owns the procedure's sector: ask an administrator to set one")
		}
		return *f.SectorMinistryID, nil
	case u.Level == catalog.LevelMinistry:
		if f.CentralReviewerID == nil {
			return 0, errs.Errorf(errs.Invalid, "no central reviewing unit is set up to review a ministry's proposal")
		}
		return *f.CentralReviewerID, nil
	}
	return 0, errs.Errorf(errs.Invalid, "a unit of level %s cannot submit proposals", u.Level)
}
