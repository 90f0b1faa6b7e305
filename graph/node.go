package graph

import (
	"cmp"
	"context"
	"slices"

	"tthc/graph/model"
	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// node fetches any entity by global ID through the request's loaders, so
// `nodes` with many IDs costs one statement per type. A well-formed ID of
// an entity that does not exist gives null.
func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	typ, key, err := parseGlobalID(id)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	if typ == typeAuthorityLevel {
		level, err := r.level(ctx, catalog.LevelCode(key))
		if errs.KindOf(err) == errs.NotFound {
			return nil, nil
		}
		return level, err
	}
	n, err := parseIntID("id", typ, id)
	if err != nil {
		return nil, err
	}
	// Each case returns a typed nil pointer as an untyped nil, so a missing
	// entity marshals as null.
	switch typ {
	case typeProcedure:
		loader, _ := r.procedureLoader(ctx)
		return nilIfMissing(loadOne(ctx, loader, n))
	case typeSector:
		return nilIfMissing(loadOne(ctx, l.Sector, n))
	case typeAgency:
		return nilIfMissing(loadOne(ctx, l.Agency, n))
	case typeUnit:
		return nilIfMissing(loadOne(ctx, l.Unit, n))
	case typeLegalDocument:
		return nilIfMissing(loadOne(ctx, l.LegalDocument, n))
	case typeProposal:
		// The loader returns only the proposals the caller may read
		// (none without a valid token), so one they may not read is
		// null, as if it did not exist.
		return nilIfMissing(loadOne(ctx, l.Proposal, n))
	}
	return nil, errs.Errorf(errs.Invalid, "invalid ID %q", id)
}

func nilIfMissing[T any](v *T, err error) (model.Node, error) {
	if v == nil || err != nil {
		return nil, err
	}
	return v, nil
}

// level returns the authority level with code.
func (r *Resolver) level(ctx context.Context, code catalog.LevelCode) (model.AuthorityLevel, error) {
	levels, err := r.authorityLevels(ctx)
	if err != nil {
		return model.AuthorityLevel{}, err
	}
	for _, l := range levels {
		if l.AuthorityLevel.Code == code {
			return l, nil
		}
	}
	return model.AuthorityLevel{}, errs.Errorf(errs.NotFound, "no authority level %q", code)
}

// procedureLevels returns the authority levels of a procedure, highest
// first (the store reads them with the procedure, in code order).
func (r *Resolver) procedureLevels(ctx context.Context, p *catalog.Procedure) ([]model.AuthorityLevel, error) {
	out := make([]model.AuthorityLevel, 0, len(p.Levels))
	for _, c := range p.Levels {
		l, err := r.level(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b model.AuthorityLevel) int { return cmp.Compare(a.Rank, b.Rank) })
	return out, nil
}
