package proposal

import (
	"time"

	"tthc/internal/catalog"
)

// Filter narrows a list of proposals. Zero fields do not filter. Whatever
// it says, a list only ever holds the proposals the actor may read.
type Filter struct {
	IDs          []int64
	Statuses     []Status
	Kinds        []Kind // any of
	ProcedureIDs []int64
	// UnitID: proposals made by this unit or any unit under it.
	UnitID *int64
	// Levels: proposals made by units of these levels.
	Levels          []catalog.LevelCode
	SectorIDs       []int64
	ReviewingUnitID *int64
	Created         DateRange
	Submitted       DateRange
	Decided         DateRange
	// Search holds words to find in the title, changes and reasons,
	// without regard to case or diacritics.
	Search string
}

// DateRange is an inclusive range of calendar days; either end may be open.
type DateRange struct {
	From *time.Time
	To   *time.Time
}

// OrderField is a column proposals may be sorted by.
type OrderField string

const (
	OrderCreatedAt OrderField = "CREATED_AT"
	OrderUpdatedAt OrderField = "UPDATED_AT"
	OrderSaving    OrderField = "SAVING"
)

// Order is a sort field and direction. The default is newest first.
type Order struct {
	Field OrderField
	Desc  bool
}
