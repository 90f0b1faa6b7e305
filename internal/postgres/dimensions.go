package postgres

import (
	"fmt"

	"tthc/internal/catalog"
	"tthc/internal/report"
)

// The dimensions of every statistic, described once: each kind of value
// (a unit, a sector, a level, a month...) by a function of the column
// that holds it, and each report's dimensions by the columns of its
// source. grouped.go builds the statements; internal/report holds the
// labels of codes and of the buckets without a value.

// The tables that name entities. A unit's label tells it from its
// namesakes (migrations/00007).
var (
	units      = &entity{table: "administrative_units", label: "label"}
	sectors    = &entity{table: "sectors", label: "name"}
	procedures = &entity{table: "procedures", key: "code", label: "name"}
	agencies   = &entity{table: "agencies", label: "name"}
)

// in returns d as held by rollups of grain.
func (d dimension) in(grain string) dimension {
	d.grain = grain
	return d
}

// joining returns d reading a join of the source.
func (d dimension) joining(join string) dimension {
	d.join = join
	return d
}

func unitDim(col string, none report.None) dimension {
	return dimension{value: col, entity: units, none: none}
}

func sectorDim(col string) dimension {
	return dimension{value: col, entity: sectors, none: report.NoSector}
}

func levelDim(col string) dimension {
	return dimension{value: col, label: "(SELECT name FROM authority_levels WHERE code = %s)"}
}

// codeDim groups by a coded value; a key without a label is its own.
func codeDim[K ~string](col string, labels map[K]string, none report.None) dimension {
	l := make(map[string]string, len(labels))
	for k, v := range labels {
		l[string(k)] = v
	}
	return dimension{value: col, labels: l, none: none}
}

// periodDims are the month, quarter and year of a date column holding
// the first day of a month, grouped by the first day of the period and
// written as 2025-07, 2025-Q3 or 2025. A month groups by the column
// itself, whose statistics tell the planner how many groups to expect.
func periodDims(col, grain string, none report.None) (month, quarter, year dimension) {
	period := func(trunc, format string) dimension {
		value := "date_trunc('" + trunc + "', " + col + ")::date"
		if trunc == "month" {
			value = col
		}
		return dimension{value: value, key: "to_char(%s, '" + format + "')", none: none, grain: grain}
	}
	return period("month", "YYYY-MM"), period("quarter", `YYYY-"Q"Q`), period("year", "YYYY")
}

// catalogDims group the procedures p; a procedure in several groups
// (several levels, agencies or units) counts once in each.
var catalogDims = map[catalog.Dimension]dimension{
	catalog.DimensionLevel:  levelDim("pl.level_code").joining("JOIN procedure_levels pl ON pl.procedure_id = p.id"),
	catalog.DimensionSector: sectorDim("p.sector_id"),
	catalog.DimensionAgency: dimension{value: "pa.agency_id", entity: agencies}.joining("JOIN procedure_agencies pa ON pa.procedure_id = p.id"),
	catalog.DimensionUnit:   unitDim("up.unit_id", report.None{}).joining("JOIN unit_procedures up ON up.procedure_id = p.id"),
}

// dossierDims group the dossier figures d of a source (dossierSources),
// its procedure p and its receiving unit du; levelCol holds the level of
// the receiving unit.
func dossierDims(levelCol string) map[report.Dimension]dimension {
	month, quarter, year := periodDims("d.period", dossierPeriod, report.None{})
	return map[report.Dimension]dimension{
		report.ByUnit:      unitDim("d.unit_id", report.None{}).in(dossierUnit),
		report.ByProcedure: dimension{value: "d.procedure_id", entity: procedures}.in(dossierProcedure),
		report.BySector:    sectorDim("p.sector_id").in(dossierProcedure),
		report.ByLevel:     levelDim(levelCol),
		report.ByMonth:     month,
		report.ByQuarter:   quarter,
		report.ByYear:      year,
	}
}

// legalDocumentDims group the legal documents l. Every bucket without a
// value has a key of its own: NOT_REVIEWED for the documents no review
// covered, UNKNOWN for a validity, type or issuer not known.
var legalDocumentDims = map[report.Dimension]dimension{
	report.ByStatus: codeDim("l.validity", report.ValidityLabels, report.UnknownValidity),
	report.ByReviewOutcome: codeDim(fmt.Sprintf("coalesce(l.review_outcome, CASE WHEN l.reviewed_by_unit_id IS NOT NULL THEN '%s' END)",
		report.ReviewedWithoutAction), report.ReviewOutcomeLabels, report.NotReviewed),
	report.ByType:   codeDim("l.doc_type", report.LegalTypeLabels, report.UnknownType),
	report.ByIssuer: codeDim("NULLIF(l.issuer, '')", map[string]string{}, report.UnknownIssuer),
	report.ByUnit:   unitDim("l.reviewed_by_unit_id", report.NotReviewed),
}

// proposalDims group the proposal facts f (proposal_stats.go), from the
// rollup or the proposals table alike.
var proposalDims = func() map[report.Dimension]dimension {
	submittedMonth, submittedQuarter, submittedYear := periodDims("f.submitted_month", grainSubmitted, report.NotSubmitted)
	decidedMonth, decidedQuarter, decidedYear := periodDims("f.decided_month", grainDecided, report.NotDecided)
	return map[report.Dimension]dimension{
		report.ByStatus:           codeDim("f.status", report.StatusLabels, report.None{}),
		report.ByKind:             codeDim("f.kind", report.KindLabels, report.None{}).in(grainKind),
		report.ByLevel:            levelDim("f.level_code"),
		report.BySector:           sectorDim("f.sector_id").in(grainSector),
		report.ByUnit:             unitDim("f.unit_id", report.None{}).in(grainUnit),
		report.ByReviewingUnit:    unitDim("f.reviewing_unit_id", report.NotSubmitted).in(grainReviewer),
		report.BySubmittedMonth:   submittedMonth,
		report.BySubmittedQuarter: submittedQuarter,
		report.BySubmittedYear:    submittedYear,
		report.ByDecidedMonth:     decidedMonth,
		report.ByDecidedQuarter:   decidedQuarter,
		report.ByDecidedYear:      decidedYear,
	}
}()

// unitAtLevelDim groups proposals by the proposing unit's ancestor (or
// itself) of the level that placeholder names: the UNIT dimension at a
// chosen depth of the unit tree.
func unitAtLevelDim(placeholder string) dimension {
	d := unitDim("m.anc", report.NoUnitAtLevel).in(grainUnit).joining("LEFT JOIN unit_at m ON m.id = f.unit_id")
	d.with = fmt.Sprintf(`unit_up AS (
		SELECT id, id AS anc, level_code, parent_id, 0 AS depth FROM administrative_units
		UNION ALL
		SELECT unit_up.id, a.id, a.level_code, a.parent_id, unit_up.depth + 1
		FROM unit_up JOIN administrative_units a ON a.id = unit_up.parent_id WHERE unit_up.depth < 16
	), unit_at AS (
		SELECT DISTINCT ON (id) id, anc FROM unit_up WHERE level_code = %s ORDER BY id, depth
	)`, placeholder)
	return d
}
