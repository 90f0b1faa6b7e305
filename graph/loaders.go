package graph

import (
	"context"
	"errors"
	"time"

	"github.com/vikstrous/dataloadgen"

	"tthc/internal/catalog"
	"tthc/internal/proposal"
)

// Loaders batch the reads of one request: every procedure on a page asks
// for its channels, and one statement answers them all.
type Loaders struct {
	Procedure *dataloadgen.Loader[int64, catalog.Procedure]
	// ProcedureSummary loads procedures without their long texts, for
	// fields whose selection shows none of them (selectsLongText).
	ProcedureSummary *dataloadgen.Loader[int64, catalog.Procedure]
	Channels         *dataloadgen.Loader[int64, []catalog.Channel]
	Documents        *dataloadgen.Loader[int64, []catalog.Document]
	Agencies         *dataloadgen.Loader[int64, []catalog.ProcedureAgency]
	LegalDocs        *dataloadgen.Loader[int64, []catalog.LegalDocument]
	Sector           *dataloadgen.Loader[int64, catalog.Sector]
	SectorCount      *dataloadgen.Loader[int64, int]
	Agency           *dataloadgen.Loader[int64, catalog.Agency]
	Unit             *dataloadgen.Loader[int64, catalog.Unit]
	UnitChildren     *dataloadgen.Loader[int64, []catalog.Unit]
	LegalDocument    *dataloadgen.Loader[int64, catalog.LegalDocument]
	// Proposal only ever returns the proposals the request's actor may
	// read (see proposal.go).
	Proposal *dataloadgen.Loader[int64, proposal.Proposal]
	Events   *dataloadgen.Loader[int64, []proposal.Event]
	// The rows listed together, batched together (batch.go).
	procedureGroups groups
	sectorGroups    groups
	unitGroups      groups
	// proposals listed together, by the procedures and by the units they
	// point to
	proposalGroups     groups
	proposalUnitGroups groups
}

// batchWait is how long a loader gathers keys before it queries. The
// resolvers of one page run concurrently and ask within microseconds of
// each other.
const batchWait = 500 * time.Microsecond

// NewLoaders returns fresh loaders for one request. A subscription, which
// lives for hours, passes dataloadgen.WithoutCache() so each event reads
// fresh data.
func NewLoaders(s Store, opts ...dataloadgen.Option) *Loaders {
	opt := append([]dataloadgen.Option{dataloadgen.WithWait(batchWait)}, opts...)
	l := &Loaders{
		Procedure:        dataloadgen.NewMappedLoader(mapByID(s.ProceduresByIDs, procedureID), opt...),
		ProcedureSummary: dataloadgen.NewMappedLoader(mapByID(s.ProcedureSummariesByIDs, procedureID), opt...),
		Channels:         dataloadgen.NewMappedLoader(s.ChannelsByProcedure, opt...),
		Documents:        dataloadgen.NewMappedLoader(s.DocumentsByProcedure, opt...),
		Agencies:         dataloadgen.NewMappedLoader(s.AgenciesByProcedure, opt...),
		LegalDocs:        dataloadgen.NewMappedLoader(s.LegalDocumentsByProcedure, opt...),
		SectorCount:      dataloadgen.NewMappedLoader(s.SectorProcedureCounts, opt...),
		Sector:           dataloadgen.NewMappedLoader(mapByID(s.Sectors, sectorID), opt...),
		Agency:           dataloadgen.NewMappedLoader(mapByID(s.AgenciesByIDs, agencyID), opt...),
		Unit:             dataloadgen.NewMappedLoader(mapByID(s.UnitsByIDs, unitID), opt...),
		UnitChildren:     dataloadgen.NewMappedLoader(s.UnitChildren, opt...),
		LegalDocument:    dataloadgen.NewMappedLoader(mapByID(s.LegalDocumentsByIDs, legalDocumentID), opt...),
		Proposal: dataloadgen.NewMappedLoader(mapByID(func(ctx context.Context, ids []int64) ([]proposal.Proposal, error) {
			return s.ProposalsByIDs(ctx, visibility(ctx), ids)
		}, proposalID), opt...),
		Events: dataloadgen.NewMappedLoader(s.EventsByProposal, opt...),
	}
	return l
}

func index[T any](rows []T, key func(T) int64) map[int64]T {
	m := make(map[int64]T, len(rows))
	for _, r := range rows {
		m[key(r)] = r
	}
	return m
}

// loadList loads a per-procedure list; a procedure without rows has an
// empty list, not an error.
func loadList[T any](ctx context.Context, l *dataloadgen.Loader[int64, []T], id int64) ([]T, error) {
	v, err := l.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return []T{}, nil
	}
	return v, err
}

// loadOne loads an entity by id; nil when it does not exist.
func loadOne[T any](ctx context.Context, l *dataloadgen.Loader[int64, T], id int64) (*T, error) {
	v, err := l.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

type loadersKey struct{}

// WithLoaders attaches fresh loaders to a request's context.
func WithLoaders(ctx context.Context, s Store) context.Context {
	return context.WithValue(ctx, loadersKey{}, NewLoaders(s))
}

func loadersFrom(ctx context.Context) *Loaders {
	return ctx.Value(loadersKey{}).(*Loaders)
}
