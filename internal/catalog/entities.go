package catalog

import "time"

// AuthorityLevel is a level of government that carries out procedures,
// valid between two dates.
type AuthorityLevel struct {
	Code      LevelCode
	Name      string
	Rank      int
	ValidFrom time.Time
	ValidTo   *time.Time
}

// Sector is a field of state management (lĩnh vực).
type Sector struct {
	ID   int64
	Name string
	// MinistryUnitID is the ministry that owns the sector, if known: it
	// reviews provinces' proposals that need a central legal change.
	MinistryUnitID *int64
}

// Agency is a state body that procedures name in some role.
type Agency struct {
	ID     int64
	Name   string
	UnitID *int64
}

// Unit is an administrative unit in the dated tree of provinces, districts
// and communes. A unit merged away keeps its row, with ValidTo set and the
// unit it merged into as its successor.
type Unit struct {
	ID          int64
	Code        string
	Name        string
	Level       LevelCode
	ParentID    *int64
	ValidFrom   time.Time
	ValidTo     *time.Time
	SuccessorID *int64
	// IsCentralReviewer marks the central reviewing unit (the Prime
	// Minister's office), which reviews ministries' proposals.
	IsCentralReviewer bool
}

// LegalDocument is a legal normative document that procedures rest on.
type LegalDocument struct {
	ID            int64
	Number        string // e.g. "23/2023/QH15"
	Title         string
	Type          *string
	Issuer        string
	IssuedOn      *time.Time
	EffectiveOn   *time.Time
	ExpiresOn     *time.Time
	Validity      *string
	ReviewOutcome *string
	// NumberIssues say why Number cannot be right as written, for a
	// reviewer; empty for a sound number.
	NumberIssues []LegalNumberIssue
}

// ProcedureAgency is an agency in the role it plays for one procedure.
type ProcedureAgency struct {
	Role   AgencyRole
	Agency Agency
}
