// Package catalog holds the domain of the procedure catalog: procedures,
// authority levels, administrative units, agencies, sectors and legal
// documents. It knows nothing of HTTP, GraphQL or SQL.
package catalog

import (
	"time"

	"github.com/shopspring/decimal"
)

// LevelCode identifies an authority level. Levels are rows with validity
// dates (the district level ended on 2025-06-30), not a fixed enum; these
// constants name the ones the portal data refers to.
type LevelCode string

const (
	LevelMinistry LevelCode = "MINISTRY"
	LevelProvince LevelCode = "PROVINCE"
	LevelDistrict LevelCode = "DISTRICT"
	LevelCommune  LevelCode = "COMMUNE"
	LevelOther    LevelCode = "OTHER"
)

// ChannelKind is how a dossier may be submitted.
type ChannelKind string

const (
	ChannelOnline   ChannelKind = "ONLINE"
	ChannelPost     ChannelKind = "POST"
	ChannelInPerson ChannelKind = "IN_PERSON"
)

// TimeUnit is the unit of a processing time.
type TimeUnit string

const (
	UnitWorkingDay TimeUnit = "WORKING_DAY"
	UnitDay        TimeUnit = "DAY"
	UnitHour       TimeUnit = "HOUR"
	UnitMonth      TimeUnit = "MONTH"
)

// AgencyRole is the part an agency plays in a procedure.
type AgencyRole string

const (
	RoleCompetent    AgencyRole = "COMPETENT"
	RoleExecuting    AgencyRole = "EXECUTING"
	RoleDelegated    AgencyRole = "DELEGATED"
	RoleCoordinating AgencyRole = "COORDINATING"
)

// Status tells whether a procedure is still in force.
type Status string

const (
	StatusInForce   Status = "IN_FORCE"
	StatusAbolished Status = "ABOLISHED"
)

// Procedure is one administrative procedure (thủ tục hành chính) of the
// national catalog.
type Procedure struct {
	ID              int64
	Code            string // national code, e.g. "1.000080"
	Name            string
	SectorID        *int64
	Type            string // loai_thu_tuc, kept as the portal words it
	DecisionNumber  string // the decision that published it, e.g. "163/QĐ-BTP"
	Audiences       []string
	Steps           string
	Requirements    string
	Result          string
	ResultCodes     []string
	ReceptionAddr   string
	RelatedText     string
	OnlineAvailable bool
	Status          Status
	SourceURL       string
	PortalID        string
	RawText         string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// Levels (in code order) and Sector (nil without one) come with the
	// procedure: the store reads them in the same statement, which saves
	// a page a statement for each.
	Levels []LevelCode
	Sector *Sector
}

// TextFields names the long texts of a procedure that a read must bring;
// the others come back empty. A client that shows a procedure's dossier
// and requirements seldom wants the kilobytes of the portal's page text.
type TextFields struct {
	Steps, Requirements, Result, RawText bool
}

// AllTexts brings every long text.
var AllTexts = TextFields{Steps: true, Requirements: true, Result: true, RawText: true}

// Parts names the lists of a procedure that a read of one procedure
// brings with it, in the same statement; the others are left to the
// batch loaders. A page that shows one procedure in depth then costs one
// statement, and one that shows none of them nothing more.
type Parts struct {
	Channels, Documents, Agencies, LegalDocuments bool
}

// ProcedureDetail is a procedure with the parts a read brought (Parts);
// a part not asked for is nil.
type ProcedureDetail struct {
	Procedure
	Channels       []Channel
	Documents      []Document
	Agencies       []ProcedureAgency
	LegalDocuments []LegalDocument
}

// ProcessingTime is a duration as the portal states it: a number and a unit.
type ProcessingTime struct {
	Value decimal.Decimal
	Unit  TimeUnit
}

// Fee keeps the portal's text and, only where it is unambiguous, an exact
// amount with its currency ("VND", "USD").
type Fee struct {
	Text     string
	Amount   *decimal.Decimal
	Currency string
}

// Channel is one way to submit a dossier, with its processing time and fee.
type Channel struct {
	Kind           ChannelKind
	ProcessingTime *ProcessingTime
	TimeText       string // the time as written, kept when it did not parse
	Fee            Fee
	Description    string
}

// Document is one item of the dossier an applicant submits.
type Document struct {
	Group     string // the case heading it falls under, if the portal groups them
	Name      string
	Form      string // the template file name, if any
	Originals *int
	Copies    *int
	Quantity  string // the quantity as written
}

// AgencyRef names an agency in a role, as the portal gives it.
type AgencyRef struct {
	Role AgencyRole
	Name string
}

// LegalRef is one legal basis entry: the document number and the title as
// the procedure cites it.
type LegalRef struct {
	Number string // e.g. "23/2023/QH15"
	Title  string
}

// ProcedureDraft is a whole procedure as an import or an administrator
// writes it: the row and its parts, with sector, agencies and legal
// documents named rather than referenced by id.
type ProcedureDraft struct {
	Procedure  Procedure
	Sector     string
	Levels     []LevelCode
	Agencies   []AgencyRef
	Channels   []Channel
	Documents  []Document
	LegalBasis []LegalRef
}

// Outcome is what writing a draft did.
type Outcome string

const (
	Inserted  Outcome = "inserted"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
)

// Valid tells whether k is one of the known channel kinds.
func (k ChannelKind) Valid() bool {
	return k == ChannelOnline || k == ChannelPost || k == ChannelInPerson
}

// Valid tells whether s is one of the known statuses.
func (s Status) Valid() bool { return s == StatusInForce || s == StatusAbolished }
