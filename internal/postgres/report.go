package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/lib/pq"

	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/report"
)

// unitSubtree is a condition that col is the unit $n or a unit under it.
const unitSubtree = `%s IN (SELECT id FROM unit_subtree(%s))`

// The grains of the dossier rollups: what a source must hold to group or
// filter by a unit, a procedure (or its sector), a period.
const (
	dossierUnit      = "unit"
	dossierProcedure = "procedure"
	dossierPeriod    = "period"
)

// dossierSource is a table that dossier statistics can be read from:
// the base table or one of its rollups (migrations/00005 and 00006),
// with the grains it holds and the columns its filters use.
type dossierSource struct {
	from      string
	holds     []string // the dossier grains (dimensions.go)
	levelCol  string   // the level of the receiving unit
	sectorCol string
}

// dossierBase answers everything, crossing units with procedures and
// periods.
var dossierBase = dossierSource{
	from:      "dossier_stats d JOIN procedures p ON p.id = d.procedure_id JOIN administrative_units du ON du.id = d.unit_id",
	holds:     []string{dossierUnit, dossierProcedure, dossierPeriod},
	levelCol:  "du.level_code",
	sectorCol: "p.sector_id",
}

// dossierSources are the sources, smallest first.
var dossierSources = []dossierSource{
	{from: "dossier_level_months d", holds: []string{dossierPeriod}, levelCol: "d.level_code"},
	{
		from:     "dossier_unit_months d JOIN administrative_units du ON du.id = d.unit_id",
		holds:    []string{dossierUnit, dossierPeriod},
		levelCol: "du.level_code",
	},
	{
		from:      "dossier_procedure_months d JOIN procedures p ON p.id = d.procedure_id",
		holds:     []string{dossierProcedure, dossierPeriod},
		levelCol:  "d.level_code",
		sectorCol: "p.sector_id",
	},
	// a desk's totals over all months
	{
		from:      "dossier_unit_procedures d JOIN procedures p ON p.id = d.procedure_id JOIN administrative_units du ON du.id = d.unit_id",
		holds:     []string{dossierUnit, dossierProcedure},
		levelCol:  "du.level_code",
		sectorCol: "p.sector_id",
	},
	dossierBase,
}

// dossierSourceFor picks the smallest source that holds what f filters
// on and the dimensions group by.
func dossierSourceFor(f report.DossierFilter, by []report.Dimension) dossierSource {
	var need []string
	if f.UnitID != nil || f.WithinUnitCode != "" {
		need = append(need, dossierUnit)
	}
	if len(f.ProcedureIDs) > 0 || len(f.SectorIDs) > 0 {
		need = append(need, dossierProcedure)
	}
	if f.From != nil || f.To != nil {
		need = append(need, dossierPeriod)
	}
	dims := dossierDims("")
	for _, d := range by {
		if g := dims[d].grain; g != "" {
			need = append(need, g)
		}
	}
	for _, src := range dossierSources {
		if !slices.ContainsFunc(need, func(g string) bool { return !slices.Contains(src.holds, g) }) {
			return src
		}
	}
	return dossierBase
}

// dossierMeasures are the sums of a bucket, in the order DossierStats
// scans them.
var dossierMeasures = []measure{
	{"received", "sum(d.received)"},
	{"received_online", "sum(d.received_online)"},
	{"resolved_on_time", "sum(d.resolved_on_time)"},
	{"resolved_late", "sum(d.resolved_late)"},
	{"pending", "sum(d.pending)"},
}

// dossierStatsQuery returns the statement of a dossier statistics query,
// reading the smallest source that answers when rollups is true, else
// the base table (tests and benchmarks compare the two).
func dossierStatsQuery(f report.DossierFilter, by []report.Dimension, rollups bool, o groupOrder) (groupedQuery, error) {
	if len(by) == 0 {
		return groupedQuery{}, errs.Fieldf("groupBy", "name at least one dimension")
	}
	src := dossierBase
	if rollups {
		src = dossierSourceFor(f, by)
	}
	dims, err := pickDimensions(dossierDims(src.levelCol), by)
	if err != nil {
		return groupedQuery{}, fmt.Errorf("dossier stats: dimensions: %w", err)
	}
	w := &where{}
	if f.UnitID != nil {
		w.add(fmt.Sprintf(unitSubtree, "d.unit_id", "%s"), *f.UnitID)
	}
	if f.WithinUnitCode != "" {
		w.add(`d.unit_id IN (SELECT id FROM unit_subtree(`+actorUnitID+`))`, f.WithinUnitCode)
	}
	if len(f.ProcedureIDs) > 0 {
		w.add(`d.procedure_id = ANY(%s)`, pq.Array(f.ProcedureIDs))
	}
	if len(f.SectorIDs) > 0 {
		w.add(src.sectorCol+` = ANY(%s)`, pq.Array(f.SectorIDs))
	}
	if len(f.Levels) > 0 {
		w.add(src.levelCol+` = ANY(%s)`, pq.Array(f.Levels))
	}
	if f.From != nil {
		w.add(`d.period >= date_trunc('month', %s::date)`, *f.From)
	}
	if f.To != nil {
		w.add(`d.period <= %s::date`, *f.To)
	}
	return groupedQuery{from: src.from, where: w, by: by, dims: dims, measures: dossierMeasures,
		wide: dossierWide(f), order: o}, nil
}

// dossierWide tells whether f leaves the whole country's units and
// procedures in: then a crossing may have 100,000 buckets.
func dossierWide(f report.DossierFilter) bool {
	return f.UnitID == nil && f.WithinUnitCode == "" && len(f.ProcedureIDs) == 0 && len(f.SectorIDs) == 0
}

// dossierSort is the SQL of each order of dossier buckets over
// dossierMeasures. Rates divide in numeric, exact enough that equal
// fractions tie; a bucket without a rate sorts last.
var dossierSort = map[report.DossierOrderField]string{
	report.DossierByReceived:     "g.received",
	report.DossierByPending:      "g.pending",
	report.DossierByResolvedLate: "g.resolved_late",
	report.DossierByOnTimeRate:   "g.resolved_on_time::numeric / NULLIF(g.resolved_on_time + g.resolved_late, 0)",
	report.DossierByLateRate:     "g.resolved_late::numeric / NULLIF(g.resolved_on_time + g.resolved_late, 0)",
	report.DossierByOnlineRate:   "g.received_online::numeric / NULLIF(g.received, 0)",
}

// DossierStats sums one-stop desk statistics by the dimensions asked,
// sorted by o (the keys by default) and cut to first (nil: all).
func (d *DB) DossierStats(ctx context.Context, f report.DossierFilter, by []report.Dimension, o report.DossierOrder, first *int) ([]report.DossierBucket, error) {
	g := groupOrder{measure: dossierSort[o.Field], desc: o.Desc, limit: first}
	if g.measure == "" && o.Field != "" && o.Field != report.DossierByKey {
		return nil, errs.Fieldf("orderBy", "unknown ordering %q", o.Field)
	}
	return d.dossierStats(ctx, f, by, true, g)
}

// dossierStats reads the smallest source that answers when rollups is
// true, else the base table.
func (d *DB) dossierStats(ctx context.Context, f report.DossierFilter, by []report.Dimension, rollups bool, o groupOrder) ([]report.DossierBucket, error) {
	q, err := dossierStatsQuery(f, by, rollups, o)
	if err != nil {
		return nil, fmt.Errorf("dossier stats by %v: %w", by, err)
	}
	out := []report.DossierBucket{}
	var m [5]int64
	_, err = q.run(ctx, d.db, []any{&m[0], &m[1], &m[2], &m[3], &m[4]}, func(group []report.GroupKey, _ bool) {
		out = append(out, report.DossierBucket{Group: group, Received: int(m[0]), ReceivedOnline: int(m[1]),
			ResolvedOnTime: int(m[2]), ResolvedLate: int(m[3]), Pending: int(m[4])})
	})
	if err != nil {
		return nil, fmt.Errorf("dossier stats by %v: %w", by, err)
	}
	return out, nil
}

// LegalDocumentStats counts legal documents by the dimensions asked.
func (d *DB) LegalDocumentStats(ctx context.Context, f catalog.LegalDocumentFilter, by []report.Dimension) ([]report.LegalDocumentBucket, error) {
	if len(by) == 0 {
		return nil, errs.Fieldf("groupBy", "name at least one dimension")
	}
	dims, err := pickDimensions(legalDocumentDims, by)
	if err != nil {
		return nil, fmt.Errorf("legal document stats: dimensions: %w", err)
	}
	q := groupedQuery{from: "legal_documents l", where: legalDocumentWhere(f), by: by, dims: dims,
		measures: []measure{{"documents", "count(*)"}}}
	out := []report.LegalDocumentBucket{}
	var n int
	_, err = q.run(ctx, d.db, []any{&n}, func(group []report.GroupKey, _ bool) {
		out = append(out, report.LegalDocumentBucket{Group: group, Count: n})
	})
	if err != nil {
		return nil, fmt.Errorf("legal document stats by %v: %w", by, err)
	}
	return out, nil
}
