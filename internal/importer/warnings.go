package importer

import (
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Category names one kind of warning. Categories are stable: scripts and
// spreadsheets filter on them, so a category is never renamed; a new kind
// of problem gets a new one. README.md explains each (a test checks it).
type Category string

// CategoryInfo says which portal field a category concerns and what a
// person can do about it.
type CategoryInfo struct {
	Category Category
	Field    string // the portal key
	Meaning  string
}

// Categories lists every warning category, in the order of the portal's
// fields.
var Categories = []CategoryInfo{
	{LevelUnknown, "cap_thuc_hien", "a level the importer does not know; the procedure is stored without it"},
	{AgencyNotAName, "co_quan_*", "text in an agency field that is not an agency's name (starts in lower case or runs over 300 characters); dropped"},
	{ChannelNoTable, "cach_thuc_thuc_hien", "no channels table; the procedure has no channels"},
	{ChannelNoRow, "cach_thuc_thuc_hien", "a channels table without a recognisable row (Trực tiếp, Trực tuyến, Dịch vụ bưu chính)"},
	{ChannelTextBeforeRow, "cach_thuc_thuc_hien", "text between the header and the first row, dropped"},
	{TimeWithoutUnit, "cach_thuc_thuc_hien", "a processing time without a unit (\"15\"); kept as text, no duration"},
	{TimeNotDuration, "cach_thuc_thuc_hien", "the time cell is words, not a duration (\"Không quy định\"); kept as text"},
	{TimeNotPositive, "cach_thuc_thuc_hien", "a processing time of zero; kept as text"},
	{TimeGluedToFee, "cach_thuc_thuc_hien", "a time without unit glued to a fee amount that cannot be told apart (\"120 VNĐ\"); time and amount left out"},
	{FeeMissing, "cach_thuc_thuc_hien", "a channel row without a fee cell; no fee"},
	{FeeUnbalancedParenthesis, "cach_thuc_thuc_hien", "a fee note whose parenthesis is never closed; the note is cut where the description starts"},
	{FeeAmountUnreadable, "cach_thuc_thuc_hien", "an amount that is not a well-formed number; text kept, no amount"},
	{FeeInThousands, "cach_thuc_thuc_hien", "a VND amount under 1,000, almost always thousands of dong; text kept, no amount"},
	{FeeConditional, "cach_thuc_thuc_hien", "the note makes the amount depend on something (a percentage, the provincial council, a dated rate or exemption); text kept, no single amount"},
	{FeeOtherAmounts, "cach_thuc_thuc_hien", "the note names amounts other than the cell's; text kept, no single amount"},
	{FeePerQuantity, "cach_thuc_thuc_hien", "a rate per quantity (per tonne, per page, per km, a percentage), not a fixed amount; text kept"},
	{FeeFreeButNoteCharges, "cach_thuc_thuc_hien", "the cell says free (Miễn phí) but the note names real fees or who sets them; no amount unless the note names exactly one fixed amount"},
	{DocumentNoTable, "thanh_phan_ho_so", "no dossier table; no documents"},
	{DocumentRowWithoutName, "thanh_phan_ho_so", "a quantity cell without a document name before it; row dropped"},
	{DocumentTextAfterLastRow, "thanh_phan_ho_so", "text after the last row of the last table (a note, or a row without quantity); dropped"},
	{LegalNoTable, "can_cu_phap_ly", "no legal basis table (another field's text spilled here); no legal basis"},
	{LegalNoNumber, "can_cu_phap_ly", "a legal basis table in which no document number was found"},
	{LegalTextAfterLastNumber, "can_cu_phap_ly", "text after the last document number that holds no number (page furniture such as \"Trang chủ\", a title without its cell); dropped"},
	{LegalCellNotASymbol, "can_cu_phap_ly", "a number cell that is not a document symbol (\"54\" for a law of 2014): the row is left out and its text stays in the next title or at the end"},
	{LegalNumberWithoutTitle, "can_cu_phap_ly", "a document number without a title cell"},
	{LegalNumberCompleted, "can_cu_phap_ly", "a number cell without year or type (\"46/2020\") completed from the symbol its title quotes"},
	{LegalNumberNormalised, "can_cu_phap_ly", "a symbol written with stray spaces or hyphens, look-alike Cyrillic letters or an unaccented type (QD, ND), stored in its usual form"},
	{LegalNumberSuspect, "can_cu_phap_ly", "a symbol that cannot be right (a year outside its legislature's term, an unknown or cut type, no issuer); stored as written and flagged (LegalDocument.numberIssues) for a reviewer"},
	{LegalBoundaryGuessed, "can_cu_phap_ly", "where a symbol ends or starts was decided by the shape of Vietnamese words alone, without confirmation elsewhere in the record"},
	{ResultNoCode, "ket_qua_xu_ly", "\"Mã:\" without a result code after it"},
}

// The categories, named for the code that adds them.
const (
	LevelUnknown             Category = "LEVEL_UNKNOWN"
	AgencyNotAName           Category = "AGENCY_NOT_A_NAME"
	ChannelNoTable           Category = "CHANNEL_NO_TABLE"
	ChannelNoRow             Category = "CHANNEL_NO_ROW"
	ChannelTextBeforeRow     Category = "CHANNEL_TEXT_BEFORE_ROW"
	TimeWithoutUnit          Category = "TIME_WITHOUT_UNIT"
	TimeNotDuration          Category = "TIME_NOT_DURATION"
	TimeNotPositive          Category = "TIME_NOT_POSITIVE"
	TimeGluedToFee           Category = "TIME_GLUED_TO_FEE"
	FeeMissing               Category = "FEE_MISSING"
	FeeUnbalancedParenthesis Category = "FEE_UNBALANCED_PARENTHESIS"
	FeeAmountUnreadable      Category = "FEE_AMOUNT_UNREADABLE"
	FeeInThousands           Category = "FEE_IN_THOUSANDS"
	FeeConditional           Category = "FEE_CONDITIONAL"
	FeeOtherAmounts          Category = "FEE_OTHER_AMOUNTS"
	FeePerQuantity           Category = "FEE_PER_QUANTITY"
	FeeFreeButNoteCharges    Category = "FEE_FREE_BUT_NOTE_CHARGES"
	DocumentNoTable          Category = "DOCUMENT_NO_TABLE"
	DocumentRowWithoutName   Category = "DOCUMENT_ROW_WITHOUT_NAME"
	DocumentTextAfterLastRow Category = "DOCUMENT_TEXT_AFTER_LAST_ROW"
	LegalNoTable             Category = "LEGAL_NO_TABLE"
	LegalNoNumber            Category = "LEGAL_NO_NUMBER"
	LegalTextAfterLastNumber Category = "LEGAL_TEXT_AFTER_LAST_NUMBER"
	LegalCellNotASymbol      Category = "LEGAL_CELL_NOT_A_SYMBOL"
	LegalNumberWithoutTitle  Category = "LEGAL_NUMBER_WITHOUT_TITLE"
	LegalNumberCompleted     Category = "LEGAL_NUMBER_COMPLETED"
	LegalNumberNormalised    Category = "LEGAL_NUMBER_NORMALISED"
	LegalNumberSuspect       Category = "LEGAL_NUMBER_SUSPECT"
	LegalBoundaryGuessed     Category = "LEGAL_BOUNDARY_GUESSED"
	ResultNoCode             Category = "RESULT_NO_CODE"
)

// categoryField maps a category to its portal key.
var categoryField = func() map[Category]string {
	m := make(map[Category]string, len(Categories))
	for _, c := range Categories {
		m[c.Category] = c.Field
	}
	return m
}()

// Warning is something in one record the parser could not read reliably.
// It kept the raw text and went on; Fragment quotes the text concerned,
// shortened.
type Warning struct {
	Field    string // the portal key, e.g. "can_cu_phap_ly"
	Category Category
	Fragment string
}

func (w Warning) String() string {
	return string(w.Category) + " (" + w.Field + "): " + w.Fragment
}

// warnings collects the warnings of one record.
type warnings struct {
	list []Warning
}

func (w *warnings) add(c Category, fragment string) {
	if w == nil {
		return
	}
	w.list = append(w.list, Warning{Field: categoryField[c], Category: c, Fragment: fragment})
}

// LineWarning is a warning of an import: the record's line and code, and
// the warning.
type LineWarning struct {
	Line int
	Code string
	Warning
}

// CategoryCount is how many warnings of one category an import had.
type CategoryCount struct {
	Category Category
	Count    int
}

// WarningsByCategory counts warnings by category, most frequent first.
func WarningsByCategory(list []LineWarning) []CategoryCount {
	counts := map[Category]int{}
	for _, w := range list {
		counts[w.Category]++
	}
	out := make([]CategoryCount, 0, len(counts))
	for c, n := range counts {
		out = append(out, CategoryCount{c, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Category < out[j].Category
	})
	return out
}

// WriteWarningsCSV writes warnings as CSV with a header: line, code,
// field, category, fragment. Fragments come from the portal; one that a
// spreadsheet would run as a formula gets a leading "'".
func WriteWarningsCSV(w io.Writer, list []LineWarning) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"line", "code", "field", "category", "fragment"}); err != nil {
		return err
	}
	for _, lw := range list {
		if err := cw.Write([]string{strconv.Itoa(lw.Line), defuse(lw.Code), lw.Field, string(lw.Category), defuse(lw.Fragment)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from running a cell as a formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
