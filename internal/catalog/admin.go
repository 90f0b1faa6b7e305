package catalog

import "time"

// The patches below are what an administrator changes in the catalog: a
// nil field keeps the stored value; a non-nil list replaces the whole list.

// ProcedurePatch changes some of a procedure.
type ProcedurePatch struct {
	Name           *string
	Sector         *string // "" clears the sector
	Type           *string
	DecisionNumber *string
	Audiences      *[]string
	Steps          *string
	Requirements   *string
	Result         *string
	ReceptionAddr  *string
	Status         *Status
	Levels         *[]LevelCode
	Channels       *[]Channel
	Documents      *[]Document
	LegalBasis     *[]LegalRef
}

// UnitPatch changes some of an administrative unit.
type UnitPatch struct {
	Name              *string
	Level             *LevelCode
	ParentID          *int64
	ValidFrom         *time.Time
	ValidTo           *time.Time
	SuccessorID       *int64
	IsCentralReviewer *bool
}

// LegalDocumentPatch changes some of a legal document.
type LegalDocumentPatch struct {
	Number        *string
	Title         *string
	Type          *string
	Issuer        *string
	IssuedOn      *time.Time
	EffectiveOn   *time.Time
	ExpiresOn     *time.Time
	Validity      *string
	ReviewOutcome *string
}
