package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"tthc/internal/catalog"
	"tthc/internal/proposal"
)

// A loader batches the keys asked for within its wait. That alone does not
// make a page cost one statement per part: the resolvers of a page of 100
// procedures run in hundreds of goroutines, and on a busy machine they ask
// over much more than the wait, which splits the batch in many. So a list
// remembers the rows that came in it, and the first of them to need a part
// fetches the part of every row in one statement and primes the loader
// with it; the others wait for it and find their part there.

// group is the rows of one list.
type group struct {
	ids []int64
	// the rows they point to: the parents and successors of units, the
	// procedures or the units of proposals
	refs []int64

	mu      sync.Mutex
	fetched map[any]*sync.Once // per loader, its fetch for the whole group
}

// groups finds the group of a row by its id, for one type of row.
type groups struct {
	mu sync.Mutex
	of map[int64]*group
}

// add records the rows of a list. A row in several lists keeps the last.
func (gs *groups) add(g *group) {
	if len(g.ids) < 2 {
		return
	}
	g.fetched = map[any]*sync.Once{}
	gs.mu.Lock()
	defer gs.mu.Unlock()
	if gs.of == nil {
		gs.of = map[int64]*group{}
	}
	for _, id := range g.ids {
		gs.of[id] = g
	}
}

func (gs *groups) get(id int64) *group {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	return gs.of[id]
}

func (g *group) addRef(id *int64) {
	if id != nil && !slices.Contains(g.refs, *id) {
		g.refs = append(g.refs, *id)
	}
}

func groupIDs(g *group) []int64  { return g.ids }
func groupRefs(g *group) []int64 { return g.refs }

// listedProcedures records procedures listed together.
func (l *Loaders) listedProcedures(ps []catalog.Procedure) {
	g := &group{}
	for _, p := range ps {
		g.ids = append(g.ids, p.ID)
	}
	l.procedureGroups.add(g)
}

// listedSectors records sectors listed together.
func (l *Loaders) listedSectors(ss []catalog.Sector) {
	g := &group{}
	for _, s := range ss {
		g.ids = append(g.ids, s.ID)
	}
	l.sectorGroups.add(g)
}

// listedUnits records administrative units listed together.
func (l *Loaders) listedUnits(us []catalog.Unit) {
	g := &group{}
	for _, u := range us {
		g.ids = append(g.ids, u.ID)
		g.addRef(u.ParentID)
		g.addRef(u.SuccessorID)
	}
	l.unitGroups.add(g)
}

// listedProposals records proposals listed together.
func (l *Loaders) listedProposals(ps []proposal.Proposal) {
	procedures, units := &group{}, &group{}
	for _, p := range ps {
		procedures.ids = append(procedures.ids, p.ID)
		procedures.addRef(&p.ProcedureID)
		units.ids = append(units.ids, p.ID)
		units.addRef(&p.ProposingUnitID)
		units.addRef(p.UnitID)
		units.addRef(p.ReviewingUnitID)
	}
	l.proposalGroups.add(procedures)
	l.proposalUnitGroups.add(units)
}

// primeParts hands the parts read with procedure p (parts) to the
// loaders, where its field resolvers find them without a statement.
func (l *Loaders) primeParts(p catalog.ProcedureDetail, parts catalog.Parts) {
	if parts.Channels {
		l.Channels.Prime(p.ID, p.Channels)
	}
	if parts.Documents {
		l.Documents.Prime(p.ID, p.Documents)
	}
	if parts.Agencies {
		l.Agencies.Prime(p.ID, p.Agencies)
	}
	if parts.LegalDocuments {
		l.LegalDocs.Prime(p.ID, p.LegalDocuments)
	}
}

// unitRef loads the unit that u points to (its parent, its successor),
// with those of the units listed with it; nil when id is.
func (r *Resolver) unitRef(ctx context.Context, u *catalog.Unit, id *int64) (*catalog.Unit, error) {
	if id == nil {
		return nil, nil
	}
	l := loadersFrom(ctx)
	primeGroup(ctx, l.unitGroups.get(u.ID), l.Unit, groupRefs, mapByID(r.Store.UnitsByIDs, unitID), nil)
	return loadOne(ctx, l.Unit, *id)
}

// primeGroup fetches the values of the keys of group g (keys picks the ids
// or the refs) in one call and primes loader with them, once per loader
// and group. A key that fetch does not return is primed with *missing, or
// left to the loader when missing is nil. On an error nothing is primed: each
// row's own Load then fails, or succeeds, on its own.
func primeGroup[V any](ctx context.Context, g *group, loader *dataloadgen.Loader[int64, V], keys func(*group) []int64,
	fetch func(context.Context, []int64) (map[int64]V, error), missing *V) {
	if g == nil {
		return
	}
	g.mu.Lock()
	once := g.fetched[loader]
	if once == nil {
		once = &sync.Once{}
		g.fetched[loader] = once
	}
	g.mu.Unlock()
	// The other rows of the group wait here while the first fetches; the
	// fetches of different loaders run side by side.
	once.Do(func() {
		ks := keys(g)
		values, err := fetch(ctx, ks)
		if err != nil {
			return
		}
		for _, k := range ks {
			v, ok := values[k]
			if !ok && missing != nil {
				v, ok = *missing, true
			}
			if ok {
				loader.Prime(k, v)
			}
		}
	})
}

// loadPart loads a part of a procedure (its channels, levels...) together
// with the same part of the procedures listed with it.
func loadPart[T any](ctx context.Context, loader *dataloadgen.Loader[int64, []T], fetch func(context.Context, []int64) (map[int64][]T, error), procedureID int64) ([]T, error) {
	primeGroup(ctx, loadersFrom(ctx).procedureGroups.get(procedureID), loader, groupIDs, fetch, &[]T{})
	return loadList(ctx, loader, procedureID)
}

// mapByID turns a store function that lists rows into one that maps them
// by id, as loaders want.
func mapByID[T any](list func(context.Context, []int64) ([]T, error), id func(T) int64) func(context.Context, []int64) (map[int64]T, error) {
	return func(ctx context.Context, ids []int64) (map[int64]T, error) {
		rows, err := list(ctx, ids)
		return index(rows, id), err
	}
}

func sectorID(s catalog.Sector) int64               { return s.ID }
func unitID(u catalog.Unit) int64                   { return u.ID }
func procedureID(p catalog.Procedure) int64         { return p.ID }
func agencyID(a catalog.Agency) int64               { return a.ID }
func legalDocumentID(d catalog.LegalDocument) int64 { return d.ID }
func proposalID(p proposal.Proposal) int64          { return p.ID }

// primeAll fetches the values of ids in one call and primes loader with
// them.
func primeAll[V any](ctx context.Context, loader *dataloadgen.Loader[int64, V], ids []int64, fetch func(context.Context, []int64) (map[int64]V, error)) {
	if len(ids) > 0 {
		primeGroup(ctx, &group{ids: ids, fetched: map[any]*sync.Once{}}, loader, groupIDs, fetch, nil)
	}
}

// primeNodes fetches the entities of the well-formed IDs of ids, one
// statement per type, and primes the loaders with them, so that `nodes`
// does not cost one statement per ID. Errors are left to the resolution
// of each ID.
func (r *Resolver) primeNodes(ctx context.Context, ids []string) {
	keys := map[string][]int64{}
	for _, id := range ids {
		typ, _, err := parseGlobalID(id)
		if err != nil {
			continue
		}
		if n, err := parseIntID("id", typ, id); err == nil && !slices.Contains(keys[typ], n) {
			keys[typ] = append(keys[typ], n)
		}
	}
	l := loadersFrom(ctx)
	procedures, fetch := r.procedureLoader(ctx)
	primeAll(ctx, procedures, keys[typeProcedure], mapByID(fetch, procedureID))
	primeAll(ctx, l.Sector, keys[typeSector], mapByID(r.Store.Sectors, sectorID))
	primeAll(ctx, l.Agency, keys[typeAgency], mapByID(r.Store.AgenciesByIDs, agencyID))
	primeAll(ctx, l.Unit, keys[typeUnit], mapByID(r.Store.UnitsByIDs, unitID))
	primeAll(ctx, l.LegalDocument, keys[typeLegalDocument], mapByID(r.Store.LegalDocumentsByIDs, legalDocumentID))
}
