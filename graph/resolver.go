package graph

import (
	"context"
	"log/slog"
	"sync"

	"tthc/graph/model"
	"tthc/internal/auth"
	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/page"
)

// Resolver holds the dependencies of the resolvers. Resolvers are thin:
// they decode arguments, call the store or the domain, and encode.
type Resolver struct {
	Store Store
	// Events feeds subscriptions; nil disables them.
	Events EventSource
	// Verifier checks the tokens of WebSocket connections; nil refuses
	// them all.
	Verifier *auth.Verifier
	// Versions knows the catalog's newest version; nil: unknown.
	Versions VersionSource
	Logger   *slog.Logger

	levels levelCache
}

// levelCache keeps the authority levels in the process: they almost
// never change, and every procedure shows its levels. They are read again
// when the catalog version changes (any change of the catalog, levels
// included), so a cached response never shows levels older than its label.
type levelCache struct {
	mu      sync.Mutex
	levels  []model.AuthorityLevel
	version int64 // the version known when they were read; -1: unknown
}

// authorityLevels returns every authority level, highest first.
func (r *Resolver) authorityLevels(ctx context.Context) ([]model.AuthorityLevel, error) {
	version, known := int64(-1), r.Versions == nil
	if r.Versions != nil {
		version, known = r.Versions.Current()
	}
	r.levels.mu.Lock()
	defer r.levels.mu.Unlock()
	if len(r.levels.levels) == 0 || !known || r.levels.version != version {
		levels, err := r.Store.AuthorityLevels(ctx)
		if err != nil {
			return nil, err
		}
		views := make([]model.AuthorityLevel, len(levels))
		for i, l := range levels {
			views[i] = model.AuthorityLevel{AuthorityLevel: l, ID: globalID(typeAuthorityLevel, string(l.Code))}
		}
		r.levels.levels, r.levels.version = views, version
	}
	return r.levels.levels, nil
}

func pageArgs(first *int, after *string, last *int, before *string) page.Args {
	return page.Args{First: first, After: after, Last: last, Before: before}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// search reads the search text of a filter (at filter.search); nil and
// blank are no search.
func search(p *string) (string, error) {
	if err := catalog.CheckSearch(str(p)); err != nil {
		return "", errs.Fieldf("filter.search", "%s", err)
	}
	return str(p), nil
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// procedureFilter decodes the GraphQL filter into the domain's.
func procedureFilter(in *model.ProcedureFilter) (catalog.ProcedureFilter, error) {
	var f catalog.ProcedureFilter
	if in == nil {
		return f, nil
	}
	var err error
	if f.Search, err = search(in.Search); err != nil {
		return f, err
	}
	for _, l := range in.Levels {
		f.Levels = append(f.Levels, catalog.LevelCode(l))
	}
	if f.SectorIDs, err = parseIntIDs("filter.sectorIds", typeSector, in.SectorIds); err != nil {
		return f, err
	}
	if f.AgencyIDs, err = parseIntIDs("filter.agencyIds", typeAgency, in.AgencyIds); err != nil {
		return f, err
	}
	if f.UnitID, err = optIntID("filter.unitId", typeUnit, in.UnitID); err != nil {
		return f, err
	}
	if f.LegalDocumentID, err = optIntID("filter.legalDocumentId", typeLegalDocument, in.LegalDocumentID); err != nil {
		return f, err
	}
	f.Channel = in.Channel
	f.Status = in.Status
	return f, nil
}

// procedureConnection lists procedures and counts them only if asked.
func (r *Resolver) procedureConnection(ctx context.Context, f catalog.ProcedureFilter, o catalog.ProcedureOrder, args page.Args) (model.ProcedureConnection, error) {
	args.Summary, args.WithTotal = procedureListHints(ctx)
	p, err := r.Store.ListProcedures(ctx, f, o, args)
	if err != nil {
		return model.ProcedureConnection{}, err
	}
	return connection(ctx, p, (*Loaders).listedProcedures, func(ctx context.Context) (int, error) {
		return r.Store.CountProcedures(ctx, f)
	}), nil
}
