package catalog

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"tthc/internal/errs"
)

// ProcedureFilter narrows a list of procedures. Zero fields do not filter.
type ProcedureFilter struct {
	// Search holds words to find in the name or a code prefix, matched
	// without regard to case or diacritics.
	Search          string
	Levels          []LevelCode
	SectorIDs       []int64
	AgencyIDs       []int64
	UnitID          *int64
	Channel         *ChannelKind
	Status          *Status
	LegalDocumentID *int64
}

// ProcedureOrderField is a column procedures may be sorted by.
type ProcedureOrderField string

const (
	OrderRelevance ProcedureOrderField = "RELEVANCE"
	OrderName      ProcedureOrderField = "NAME"
	OrderCode      ProcedureOrderField = "CODE"
	OrderUpdatedAt ProcedureOrderField = "UPDATED_AT"
)

// ProcedureOrder is a sort field and direction.
type ProcedureOrder struct {
	Field ProcedureOrderField
	Desc  bool
}

// Dimension is what catalog statistics are grouped by.
type Dimension string

const (
	DimensionLevel  Dimension = "LEVEL"
	DimensionSector Dimension = "SECTOR"
	DimensionAgency Dimension = "AGENCY"
	DimensionUnit   Dimension = "UNIT"
)

// StatBucket is one group of a statistic. Key is a level code or the ID of
// a sector, agency or unit; nil for rows without one.
type StatBucket struct {
	Dimension Dimension
	Key       *string
	ID        *int64
	Label     string
	Count     int
}

// UnitFilter narrows a list of administrative units.
type UnitFilter struct {
	Search   string
	Levels   []LevelCode
	ParentID *int64
	ValidOn  *time.Time
}

// LegalDocumentFilter narrows a list of legal documents.
type LegalDocumentFilter struct {
	Search        string
	Types         []string
	Validity      *string
	ReviewOutcome *string
	// ReviewedByUnitID keeps the documents reviewed by this unit or a
	// unit under it.
	ReviewedByUnitID *int64
	// Flagged keeps the documents whose number has issues (true) or has
	// none (false).
	Flagged *bool
}

// SearchTerms splits a search into words: runs of letters and digits, with
// '.' kept inside codes such as "1.000080". Text typed in decomposed form
// (NFD sends "ă" as "a" and a combining breve) is composed first, as the
// catalog's text is; a mark left over belongs to the word it follows. A
// run of marks and dots alone is no word: folded, it would be empty.
func SearchTerms(s string) []string {
	words := strings.FieldsFunc(norm.NFC.String(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) && r != '.'
	})
	return slices.DeleteFunc(words, func(w string) bool {
		return !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	})
}

// CheckSearch refuses a search that is not blank but has no word to look
// for, such as "!!!" or a lone combining accent: it is a mistake, not a
// search for everything. A blank search is no search.
func CheckSearch(s string) error {
	if strings.TrimSpace(s) != "" && len(SearchTerms(s)) == 0 {
		return errs.Errorf(errs.Invalid, "search must contain a letter or a digit")
	}
	return nil
}

// DefaultOrder is relevance when searching, else name.
func DefaultOrder(f ProcedureFilter) ProcedureOrder {
	if len(SearchTerms(f.Search)) > 0 {
		return ProcedureOrder{Field: OrderRelevance}
	}
	return ProcedureOrder{Field: OrderName}
}
