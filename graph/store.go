package graph

import (
	"context"

	"tthc/internal/catalog"
	"tthc/internal/page"
)

// Store is what the resolvers read and write, by area; internal/postgres
// implements it.
type Store interface {
	CatalogStore
	ProposalStore // proposal.go
	AdminStore    // admin.go
	ReportStore   // report.go
}

// CatalogStore reads the catalog: procedures and their parts, authority
// levels, sectors, agencies, administrative units and legal documents.
type CatalogStore interface {
	ListProcedures(ctx context.Context, f catalog.ProcedureFilter, o catalog.ProcedureOrder, args page.Args) (page.Page[catalog.Procedure], error)
	CountProcedures(ctx context.Context, f catalog.ProcedureFilter) (int, error)
	ProcedureDetailByCode(ctx context.Context, code string, texts catalog.TextFields, parts catalog.Parts) (catalog.ProcedureDetail, error)
	ProceduresByIDs(ctx context.Context, ids []int64) ([]catalog.Procedure, error)
	ProcedureSummariesByIDs(ctx context.Context, ids []int64) ([]catalog.Procedure, error)
	ChannelsByProcedure(ctx context.Context, ids []int64) (map[int64][]catalog.Channel, error)
	DocumentsByProcedure(ctx context.Context, ids []int64) (map[int64][]catalog.Document, error)
	AgenciesByProcedure(ctx context.Context, ids []int64) (map[int64][]catalog.ProcedureAgency, error)
	LegalDocumentsByProcedure(ctx context.Context, ids []int64) (map[int64][]catalog.LegalDocument, error)
	AuthorityLevels(ctx context.Context) ([]catalog.AuthorityLevel, error)
	Sectors(ctx context.Context, ids []int64) ([]catalog.Sector, error)
	SectorProcedureCounts(ctx context.Context, ids []int64) (map[int64]int, error)
	AgenciesByIDs(ctx context.Context, ids []int64) ([]catalog.Agency, error)
	UnitsByIDs(ctx context.Context, ids []int64) ([]catalog.Unit, error)
	UnitChildren(ctx context.Context, parentIDs []int64) (map[int64][]catalog.Unit, error)
	ListUnits(ctx context.Context, f catalog.UnitFilter, args page.Args) (page.Page[catalog.Unit], error)
	CountUnits(ctx context.Context, f catalog.UnitFilter) (int, error)
	LegalDocumentsByIDs(ctx context.Context, ids []int64) ([]catalog.LegalDocument, error)
	ListLegalDocuments(ctx context.Context, f catalog.LegalDocumentFilter, args page.Args) (page.Page[catalog.LegalDocument], error)
	CountLegalDocuments(ctx context.Context, f catalog.LegalDocumentFilter) (int, error)
	// CatalogVersion reads the catalog's version (internal/cache).
	CatalogVersion(ctx context.Context) (int64, error)
	// BeginPublicRead routes an anonymous query's reads to the database
	// that serves the public (a replica when one is configured and has
	// caught up with known, the newest version this instance knows) and,
	// when needVersion, reads the catalog version there first.
	BeginPublicRead(ctx context.Context, known int64, needVersion bool) (context.Context, int64, error)
}
