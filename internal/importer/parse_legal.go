package importer

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tthc/internal/catalog"
)

// legalHeader is the flattened header of the legal basis table.
const legalHeader = "Tên văn bản pháp lýMã văn bản"

// The table is a run of title + number cells with nothing between them:
//
//	Luật Khiếu nại  năm 201102/2011/QH13Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP
//
// The parser reads it as a careful person does, in two steps. First it
// finds every document symbol by the grammar of symbols (catalog.LegalNumber:
// number, optional year, type and issuer codes or a legislature such as
// QH15), deciding where each ends by what can follow a code: the
// separator of another code part, the digits of the next number, or the
// first word of the next title, which is a Vietnamese word and not a run
// of initials. Then it decides which symbols close a row (the number
// cell) and which are quoted inside a title, from how each is glued to
// the text around it and whether the title already quoted it. Issuer codes
// are an open set: none is listed here.

// legalSymbol is a document symbol found in the text of the table.
type legalSymbol struct {
	runStart   int // where the digits before the first "/" start, digits the title may own included
	start      int // where the number starts
	end        int // where the symbol ends
	number     string
	year       string
	parts      []string // type and issuer codes, or the legislature: ["NĐ", "CP"], ["QH13"]
	gluedNext  bool     // the last code runs straight into the next number's digits
	normalised bool     // written with stray spaces or separators
	guessed    bool     // where it ends was decided by the shape of words alone
	// hyphenated marks the older form number "-" code ["/" issuer]: a
	// Party document ("13-TB/TW", "36-NQ/TW") or a decree of the 1990s
	// ("73-CP"). Only a cell is read in the second form.
	hyphenated bool
}

// text is the symbol in its usual form.
func (s legalSymbol) text() string {
	if s.hyphenated {
		t := s.number + "-" + s.parts[0]
		if len(s.parts) > 1 {
			t += "/" + strings.Join(s.parts[1:], "-")
		}
		return t
	}
	t := s.number
	if s.year != "" {
		t += "/" + s.year
	}
	if len(s.parts) > 0 {
		t += "/" + strings.Join(s.parts, "-")
	}
	return t
}

// abbreviates reports whether s is o written short: the same number and
// year (s may lack it), and s's codes the first of o's ("46/2020" for
// "46/2020/NĐ-CP", "52/2024/NĐ" for "52/2024/NĐ-CP").
func (s legalSymbol) abbreviates(o legalSymbol) bool {
	if s.number != o.number || (s.year != "" && s.year != o.year) || len(s.parts) > len(o.parts) {
		return false
	}
	for i, p := range s.parts {
		if p != o.parts[i] {
			return false
		}
	}
	return true
}

// thisYear dates the check for symbols from the future.
var thisYear = time.Now().Year()

// parseLegalBasis reads can_cu_phap_ly into legal references, one per
// document in the order they appear. known holds issuer codes the record
// writes cleanly elsewhere (cleanCodes); they settle where a glued code
// ends when the shape of words cannot.
func parseLegalBasis(s string, known codeSet, w *warnings) []catalog.LegalRef {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if s == "" || s == noInfo {
		return nil
	}
	body, ok := strings.CutPrefix(s, legalHeader)
	if !ok {
		// Another field's text, now and then naming the document it rests
		// on: ": Thông tư 269/2016/TT-BTC ngày ...".
		w.add(LegalNoTable, snippet(s))
		text := strings.TrimLeft(s, " :")
		if q, ok := titleNames(text, 0, scanSymbols(text, cleanCodes(text))); ok {
			return []catalog.LegalRef{{Number: q.text(), Title: cleanLegalTitle(text[:q.end])}}
		}
		return nil
	}
	if strings.TrimSpace(body) == "" || strings.TrimSpace(body) == noInfo {
		return nil
	}
	known = known.with(cleanCodes(body))
	rows, rest := legalRows(body, scanSymbols(body, known), w)

	var out []catalog.LegalRef
	var syms []legalSymbol
	byNumber := map[string][]int{} // number -> indexes in syms
	for _, row := range rows {
		if row.sym.guessed {
			w.add(LegalBoundaryGuessed, quote(row.sym.text()))
		}
		// One document, once: a repeat, or the same symbol written short,
		// joins the entry of the whole symbol.
		merged := false
		for _, i := range byNumber[row.sym.number] {
			prev := syms[i]
			switch {
			case row.sym.abbreviates(prev):
			case prev.abbreviates(row.sym):
				syms[i] = row.sym
				out[i].Number = row.sym.text()
			default:
				continue
			}
			if out[i].Title == "" {
				out[i].Title = row.title
			}
			merged = true
			break
		}
		if !merged {
			byNumber[row.sym.number] = append(byNumber[row.sym.number], len(syms))
			syms = append(syms, row.sym)
			out = append(out, catalog.LegalRef{Number: row.sym.text(), Title: row.title})
		}
	}
	for i, ref := range out {
		if syms[i].normalised {
			w.add(LegalNumberNormalised, quote(ref.Number))
		}
		if ref.Title == "" {
			w.add(LegalNumberWithoutTitle, quote(ref.Number))
		}
		if issues := catalog.LegalNumberIssues(ref.Number, thisYear); len(issues) > 0 {
			w.add(LegalNumberSuspect, quote(ref.Number)+" "+string(issues[0]))
		}
	}
	if rest := strings.Trim(rest, " \t\n\r.;,"); rest != "" {
		switch {
		case len(out) == 0:
			w.add(LegalNoNumber, snippet(rest))
		case len(out) == 1 && out[0].Title == "" && !strings.ContainsAny(rest, "0123456789"):
			// "06/2007/QH12Luật Hóa chất": the one row's cells in the
			// other order.
			out[0].Title = cleanLegalTitle(rest)
		default:
			w.add(LegalTextAfterLastNumber, snippet(rest))
		}
	}
	return out
}

// legalRow is one row of the table: a title cell and a number cell.
type legalRow struct {
	title string
	sym   legalSymbol
}

// legalRows decides which symbols are number cells and returns the rows
// and the text after the last one. A symbol quoted in a title stays in
// the title.
func legalRows(body string, syms []legalSymbol, w *warnings) ([]legalRow, string) {
	var rows []legalRow
	titleStart := 0
	prevEnd := -1
	quoted := newQuotes(nil) // symbols quoted in the current title
	for i := range syms {
		s := syms[i]
		if s.runStart != prevEnd {
			st := titleDigits(body, titleStart, s, quoted)
			s.number, s.start = s.number[st-s.start:], st
		}
		var next *legalSymbol
		if i+1 < len(syms) && syms[i+1].runStart == s.end {
			next = &syms[i+1]
		}
		prevEnd = s.end
		if !isCell(body, titleStart, s, next, quoted) {
			quoted.add(s)
			continue
		}
		bare, from, rest := bareCellRows(body, titleStart, s.start, quoted.list, w)
		if from != titleStart {
			titleStart, quoted = from, newQuotes(rest)
		}
		rows = append(rows, bare...)
		// A cell written short ("46/2020", "12/TT-BNNMT") whose title
		// quotes the whole symbol is that symbol.
		if len(s.parts) == 0 || s.year == "" {
			for _, q := range quoted.sameNumber(s.number) {
				if q.year != "" && len(q.parts) > 0 && q.number == s.number && (s.year == "" || s.year == q.year) && (len(s.parts) == 0 || equalParts(s.parts, q.parts)) {
					w.add(LegalNumberCompleted, quote(s.text())+" → "+quote(q.text()))
					s.year, s.parts = q.year, q.parts
					break
				}
			}
		}
		// "Nghị định số 85/2026": a decree is always the Government's.
		if len(s.parts) == 0 && s.year != "" && decreeCell.MatchString(body[titleStart:s.start]) {
			w.add(LegalNumberCompleted, quote(s.text())+" → "+quote(s.text()+"/NĐ-CP"))
			s.parts = []string{"NĐ", "CP"}
		}
		// A title that opens with another document than its cell's holds
		// a row whose cell was missed: "Nghị định số 210/2025/NĐ-CP ...
		// sáng tạoNghị định số 210/2025/NĐ-CP của Chính phủLuật
		// 04/2017/QH14" + "04/2017/QH14". The missed row ends where a
		// capital is glued to a small letter, the mark of a cell boundary.
		title := body[titleStart:s.start]
		if q, ok := titleNames(body, titleStart, quoted.list); ok && !sameDocument(q, s) {
			cut := len(title)
			if i := lastCamelGlue(title); i > q.end-titleStart {
				cut = i
			}
			w.add(LegalNumberCompleted, snippet(title))
			rows = append(rows, legalRow{title: cleanLegalTitle(title[:cut]), sym: q})
			title = title[cut:]
		}
		rows = append(rows, legalRow{title: cleanLegalTitle(title), sym: s})
		titleStart, quoted = s.end, newQuotes(nil)
	}
	bare, titleStart, rest := bareCellRows(body, titleStart, len(body), quoted.list, w)
	rows = append(rows, bare...)
	// The last title, left without a cell ("Nghị định số 174/2016/NĐ-CP
	// ngày ... của Chính phủ quy định..." then nothing): when it opens with
	// a symbol, that is its document.
	if q, ok := titleNames(body, titleStart, rest); ok {
		w.add(LegalNumberCompleted, snippet(body[titleStart:]))
		rows = append(rows, legalRow{title: cleanLegalTitle(body[titleStart:]), sym: q})
		titleStart = len(body)
	}
	return rows, body[titleStart:]
}

// bareCell is digits glued to the capital that starts the next title: a
// number cell that is no symbol ("...ngày 28/4/2022" + "25" + "Luật ...",
// "Luật Hải quan 2014" + "54" + "Nghị định ..."); lastBareCell is one that
// ends the table.
var (
	bareCell     = regexp.MustCompile(`\d+\p{Lu}`)
	lastBareCell = regexp.MustCompile(`\d+[\s.;,]*$`)
)

// bareCellRows finds number cells that are not symbols between from and
// to. The row of such a cell is the document its title quotes with the
// same number ("Thông tư số 25/2022/TT-BTC ngày 28/4/2022" + "25"), or the
// symbol the title opens with; otherwise the row is left out, with a
// warning. It returns the rows, where the next title starts and the
// symbols quoted in it.
func bareCellRows(body string, from, to int, quoted []legalSymbol, w *warnings) ([]legalRow, int, []legalSymbol) {
	var cells [][2]int
	for _, loc := range bareCell.FindAllStringIndex(body[from:to], -1) {
		_, size := utf8.DecodeLastRuneInString(body[from+loc[0] : from+loc[1]])
		cells = append(cells, [2]int{from + loc[0], from + loc[1] - size})
	}
	if to == len(body) {
		if loc := lastBareCell.FindStringIndex(body[from:to]); loc != nil {
			cells = append(cells, [2]int{from + loc[0], to})
		}
	}
	var rows []legalRow
	for _, c := range cells {
		start, end := c[0], c[1]
		digits := strings.TrimRight(body[start:end], " \t\n\r.;,")
		if start < from || insideSymbol(start, quoted) || (start > from && unicode.IsLetter(lastRune(body[:start]))) ||
			(isYear(digits) && lastRune(body[:start]) == '/') {
			continue // a symbol's digits, digits in a word, a date's year
		}
		var own, rest []legalSymbol
		for _, q := range quoted {
			if q.end <= start {
				own = append(own, q)
			} else {
				rest = append(rest, q)
			}
		}
		sym, found := legalSymbol{}, false
		for _, q := range own {
			if len(q.parts) > 0 && strings.HasSuffix(digits, q.number) && (len(digits) == len(q.number) || len(digits) == len(q.number)+4) {
				sym, found = q, true
				break
			}
		}
		if !found {
			sym, found = titleNames(body, from, own)
		}
		if found {
			rows = append(rows, legalRow{title: cleanLegalTitle(body[from:start]), sym: sym})
			w.add(LegalNumberCompleted, quote(digits)+" → "+quote(sym.text()))
		} else {
			w.add(LegalCellNotASymbol, snippet(body[from:end]))
		}
		from, quoted = end, rest
	}
	return rows, from, quoted
}

// titleNames returns the symbol a title opens with ("Nghị định số
// 174/2016/NĐ-CP ngày ..."): the title's own document.
func titleNames(body string, from int, quoted []legalSymbol) (legalSymbol, bool) {
	if len(quoted) == 0 || len(quoted[0].parts) == 0 {
		return legalSymbol{}, false
	}
	q := quoted[0]
	if q.start-from > maxOpener {
		return legalSymbol{}, false
	}
	words := strings.Fields(strings.ToLower(strings.NewReplacer(":", " ").Replace(body[from:q.start])))
	for i := 0; i < len(words); i++ {
		if !typeWords[words[i]] {
			return legalSymbol{}, false
		}
	}
	return q, true
}

// maxOpener bounds the words before a title's own symbol: "Thông tư
// liên tịch số " and the spaces around it.
const maxOpener = 100

// typeWords are the words of document types and "số" (number).
var typeWords = map[string]bool{
	"luật": true, "bộ": true, "nghị": true, "định": true, "thông": true, "tư": true, "liên": true, "tịch": true,
	"quyết": true, "pháp": true, "lệnh": true, "chỉ": true, "thị": true, "văn": true, "bản": true, "hợp": true,
	"nhất": true, "số": true,
}

// insideSymbol reports whether byte i lies in one of syms, which are in
// order and do not overlap.
func insideSymbol(i int, syms []legalSymbol) bool {
	k := sort.Search(len(syms), func(k int) bool { return syms[k].end > i })
	return k < len(syms) && i >= syms[k].runStart
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// decreeCell is a number cell that says it is a decree: "...bổ
// sungNghị định số 85/2026".
var decreeCell = regexp.MustCompile(`(?i)nghị định(?: số)?:? ?$`)

// sameDocument reports whether two symbols name one document: the same
// number and year, however the rest is written ("190/2025/QH15" and
// "190/2025/NQ-QH15"), or one abbreviates the other.
func sameDocument(a, b legalSymbol) bool {
	return a.number == b.number && (a.year == b.year || a.year == "" || b.year == "")
}

// lastCamelGlue returns where the last capitalised word glued to the
// letter before it starts in s ("phủ|Luật", "CP|Quyết"), or -1.
func lastCamelGlue(s string) int {
	last := -1
	var prev rune
	for i, r := range s {
		if unicode.IsUpper(r) && unicode.IsLetter(prev) && (unicode.IsLower(prev) || lowerAt(s, i+utf8.RuneLen(r))) && !strings.HasPrefix(s[i:], "Tg") {
			last = i
		}
		prev = r
	}
	return last
}

func equalParts(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// quotes are the symbols a title quotes, in order, indexed by number so
// that a title quoting thousands of numbers is still read in linear time.
type quotes struct {
	list     []legalSymbol
	byNumber map[string][]legalSymbol
}

func newQuotes(list []legalSymbol) *quotes {
	q := &quotes{byNumber: map[string][]legalSymbol{}}
	for _, s := range list {
		q.add(s)
	}
	return q
}

// maxSameNumber bounds how many quotes of one number a title keeps for
// comparing: real titles quote a number once or twice, and a row of
// thousands of "1/2020/..." must not take quadratic time.
const maxSameNumber = 16

func (q *quotes) add(s legalSymbol) {
	q.list = append(q.list, s)
	if len(q.byNumber[s.number]) < maxSameNumber {
		q.byNumber[s.number] = append(q.byNumber[s.number], s)
	}
}

func (q *quotes) sameNumber(n string) []legalSymbol { return q.byNumber[n] }

// isCell decides whether s closes a row. next is the symbol whose digits
// s runs into, if any; quoted are the symbols the row's title quotes so
// far.
func isCell(body string, titleStart int, s legalSymbol, next *legalSymbol, quoted *quotes) bool {
	// A number the title already quoted is likely its cell. When the
	// title opens with its own document ("Thông tư số 32/2025/TT-BTC ...
	// Nghị định số 123/2020/NĐ-CP ..."), only that one is.
	repeats := false
	opener, opens := titleNames(body, titleStart, quoted.list)
	for _, q := range quoted.sameNumber(s.number) {
		if (s.abbreviates(q) || q.abbreviates(s)) && (!opens || sameDocument(q, opener)) {
			repeats = true
		}
	}
	glued := gluedStart(body, titleStart, s)
	if next != nil {
		// "Luật 51/2019/QH1451/2019/QH14": a title quoting the number its
		// cell repeats; "Luật số 37/2024/QH1519/2024/TT-BTP": a title
		// ending in a quoted number; "...lĩnh vực thuế19/2021/TT-BTC86/...":
		// a cell glued to a title that is a number.
		if next.abbreviates(s) {
			return false
		}
		return repeats || glued
	}
	after := body[s.end:]
	if strings.Trim(after, " \t\n\r.;,") == "" {
		return true // the last cell of the table
	}
	if len(s.parts) == 0 || (s.hyphenated && len(s.parts) == 1) {
		// Only a number and a year, or an old "73-CP": a cell when glued
		// on both sides, like
		// "46/2020" after its title's "...NĐ-CP"; otherwise a date such as
		// "tháng 5/2021".
		r, _ := utf8.DecodeRuneInString(after)
		return (glued || repeats) && unicode.IsUpper(r)
	}
	r, _ := utf8.DecodeRuneInString(after)
	switch {
	case unicode.IsUpper(r) || unicode.IsDigit(r):
		return true // the next title, glued
	case unicode.IsLower(r):
		// "...NĐ-CPsửa đổi..." is a cell and a title starting in lower
		// case; "số 53/2025/TT-BCAngày 01/7/2025" is a quote missing a space.
		return glued || repeats || !inTitleWords[firstWord(after)]
	}
	// A space or punctuation, then text: inside a title, unless the text
	// before shows a cell ("...năm 2025;143/2025/QH15 định số...",
	// "(Luật số 84/2015/QH13 ...);  84/2015/QH13 Quy định...").
	rest := strings.TrimLeft(after, " \t\n\r.;,-–")
	r, _ = utf8.DecodeRuneInString(rest)
	if (repeats || glued) && unicode.IsLower(r) && inTitleWords[firstWord(rest)] && strings.HasPrefix(after, " ") {
		return false // "...theo Nghị định 126/2020/NĐ-CP của Chính phủ"
	}
	return repeats || glued
}

// inTitleWords follow a number inside a title: "số 53/2025/TT-BCA ngày
// 01/7/2025 của Bộ Công an".
var inTitleWords = map[string]bool{"ngày": true, "của": true, "và": true, "năm": true, "tháng": true, "được": true, "đã": true}

func firstWord(s string) string {
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
		return s[:i]
	}
	return s
}

// gluedStart reports whether s is glued to the text before it, as a cell
// is to its title: to a letter or a full stop, to the digits of a year
// ending the title, at the start of a row. A number after a space, or
// after "số" missing its space, is quoted.
func gluedStart(body string, titleStart int, s legalSymbol) bool {
	if s.start == titleStart || s.start != s.runStart {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(body[:s.start])
	switch {
	case unicode.IsLetter(prev):
		before := body[:s.start]
		return !strings.HasSuffix(before, "số") && !strings.HasSuffix(before, "Số") && !strings.HasSuffix(before, "SỐ")
	case strings.ContainsRune(".;:,)”\"'", prev):
		return true
	}
	return false
}

// maxNumberDigits bounds the number of a document a title quotes when
// looking for it in the digits before a cell.
const maxNumberDigits = 6

// titleDigits finds where the number of s starts when the digits before
// its first "/" follow a space and may end the title: "Luật Khiếu nại năm
// 2011" + "02/2011/QH13" reads "năm 201102/2011/QH13", "Kỳ họp thứ 3" +
// "25/2021/QĐ-TTg" reads "thứ 325/2021/QĐ-TTg".
func titleDigits(body string, titleStart int, s legalSymbol, quoted *quotes) int {
	prev, _ := utf8.DecodeLastRuneInString(body[:s.runStart])
	if s.runStart == titleStart || !(unicode.IsSpace(prev) || prev == '-' || prev == '–') {
		return s.start
	}
	digits := body[s.runStart : strings.IndexByte(body[s.runStart:], '/')+s.runStart]
	if !isAllDigits(digits) || len(digits) < 2 {
		return s.start
	}
	// The title quotes the number: "...năm 2011" + "02/2011/QH13".
	tail := s.text()[len(s.number):]
	for k := max(1, len(digits)-maxNumberDigits); k < len(digits); k++ {
		for _, q := range quoted.sameNumber(digits[k:]) {
			if q.text()[len(q.number):] == tail {
				return s.runStart + k
			}
		}
	}
	// A year ends the title: document numbers have at most four digits.
	if len(digits) >= 5 && isYear(digits[:4]) {
		return s.runStart + 4
	}
	// An ordinal ends the title: "Kỳ họp thứ 3", "lần thứ 2".
	before := strings.TrimRightFunc(body[titleStart:s.runStart], unicode.IsSpace)
	word := before[strings.LastIndexFunc(before, unicode.IsSpace)+1:]
	if strings.ToLower(word) == "thứ" {
		for k := 1; k <= 2 && k < len(digits); k++ {
			// Numbers below ten are written with a zero: "05/2021".
			if n := digits[k:]; len(n) >= 2 && (n[0] != '0' || len(n) == 2) {
				return s.runStart + k
			}
		}
	}
	return s.start
}

// scanSymbols finds every document symbol in body, in order.
func scanSymbols(body string, known codeSet) []legalSymbol {
	var out []legalSymbol
	from := 0
	for i := 0; i < len(body); {
		j := strings.IndexAny(body[i:], "/-")
		if j < 0 {
			break
		}
		sep := i + j
		var s legalSymbol
		var ok bool
		if body[sep] == '/' {
			s, ok = symbolAt(body, from, sep, known)
		} else {
			s, ok = hyphenSymbolAt(body, from, sep, known)
		}
		if !ok {
			i = sep + 1
			continue
		}
		out = append(out, s)
		i, from = s.end, s.end
	}
	return out
}

// hyphenSymbolAt reads a symbol of the older form whose "-" is at dash:
// "13-TB/TW", "36-NQ/TW", "73-CP".
func hyphenSymbolAt(body string, from, dash int, known codeSet) (legalSymbol, bool) {
	var s legalSymbol
	d := dash
	for d > from && isDigitByte(body[d-1]) {
		d--
	}
	if d == dash || dash-d > 4 || (d > from && strings.ContainsRune("/-", rune(body[d-1]))) {
		return s, false
	}
	k := scanKind(body, dash+1, known)
	if len(k.parts) == 0 || k.gluedNext {
		return s, false
	}
	// One letter is a type only before its issuer: the laws of the 1990s,
	// "18-L/CTN" (luật, Chủ tịch nước).
	if len([]rune(k.parts[0])) < 2 && !(len(k.parts) >= 2 && catalog.IsLegalType(k.parts[0])) {
		return s, false
	}
	s.runStart, s.start, s.end = d, d, k.end
	s.number, s.parts, s.hyphenated = body[d:dash], k.parts, true
	s.normalised, s.guessed = k.normalised, k.guessed
	return s, true
}

// symbolAt reads the symbol whose first "/" is at slash; its number
// starts at from or later.
func symbolAt(body string, from, slash int, known codeSet) (legalSymbol, bool) {
	var s legalSymbol
	k := slash
	// "30a/2008/NQ-CP", "08.a/2010/TT-BTP": one letter after the digits.
	if k-2 >= from && body[k-1] >= 'a' && body[k-1] <= 'z' {
		switch {
		case isDigitByte(body[k-2]):
			k--
		case k-3 >= from && body[k-2] == '.' && isDigitByte(body[k-3]):
			k -= 2
		}
	}
	d := k
	for d > from && isDigitByte(body[d-1]) {
		d--
	}
	if d == k {
		return s, false
	}
	// "66.7/2025/NQ-CP" has a dotted number; "năm 2024.15/2025/TT-BTP" is
	// a year glued to the number by the title's full stop.
	if d-2 >= from && body[d-1] == '.' && isDigitByte(body[d-2]) {
		e := d - 1
		for e > from && isDigitByte(body[e-1]) {
			e--
		}
		if !isYear(body[e : d-1]) {
			d = e
		}
	}
	s.runStart, s.start = d, d
	if d > from && body[d-1] == '/' {
		// The second half of a date ("ngày 15/5/2026"), unless the date's
		// year runs into a number ("từ ngày 01/01/2017120/2016/NĐ-CP").
		if run := body[d:k]; len(run) < 5 || !isYear(run[:4]) {
			return s, false
		}
		s.runStart, s.start = d+4, d+4
	}
	s.number = body[s.start:slash]

	p := skipSpaces(body, slash+1)
	if y := yearAt(body[p:]); y != "" {
		s.year, s.end = y, p+4
		s.normalised = p != slash+1
		q := skipSpaces(body, s.end)
		if q < len(body) && body[q] == '/' {
			r := skipSpaces(body, q+1)
			if k := scanKind(body, r, known); len(k.parts) > 0 {
				s.parts, s.end, s.gluedNext, s.guessed = k.parts, k.end, k.gluedNext, k.guessed
				s.normalised = s.normalised || k.normalised || q != p+4 || r != q+1
			}
		}
		return s, true
	}
	// Without a year: "3510/QĐ-BHXH", "2754/BHXH-CSXH". One word after a
	// slash ("và/hoặc") is not a symbol.
	k2 := scanKind(body, p, known)
	if len(k2.parts) < 2 {
		return s, false
	}
	s.parts, s.end, s.gluedNext, s.guessed = k2.parts, k2.end, k2.gluedNext, k2.guessed
	s.normalised = k2.normalised || p != slash+1
	return s, true
}

// kindScan is the type and issuer part of a symbol.
type kindScan struct {
	parts      []string
	end        int
	gluedNext  bool
	normalised bool
	guessed    bool
}

// scanKind reads the codes of a symbol from p: "NĐ-CP", "TTLT-BCA-BYT",
// "QH13", "TT-BCA(X13)", "NĐ- CP" (a stray space).
func scanKind(body string, p int, known codeSet) kindScan {
	var k kindScan
	pos := p
	for {
		tok, end, stop := codeToken(body, pos, known, &k)
		if tok == "" {
			break
		}
		if n := homoglyphs.Replace(tok); n != tok {
			tok, k.normalised = n, true
		}
		if len(k.parts) == 0 {
			tok = asciiType(tok, &k)
		}
		k.parts = append(k.parts, tok)
		k.end = end
		if stop {
			break
		}
		next, ok := nextCodeStart(body, end, len(k.parts) == 1 && catalog.IsLegalType(k.parts[0]))
		if !ok {
			break
		}
		if next != end+1 || body[end] != '-' {
			k.normalised = true
		}
		pos = next
	}
	return k
}

// asciiType writes a type typed without its Đ ("QD", "ND") the usual way.
func asciiType(tok string, k *kindScan) string {
	switch tok {
	case "QD":
		k.normalised = true
		return "QĐ"
	case "ND":
		k.normalised = true
		return "NĐ"
	}
	return tok
}

// nextCodeStart returns where the next code of a symbol starts after a
// separator at i: "-", a "-" with stray spaces around it, or after the
// type an old-style "/" ("TTLT/BGDĐT-BTC").
func nextCodeStart(body string, i int, afterType bool) (int, bool) {
	j := skipSpaces(body, i)
	if j >= len(body) {
		return 0, false
	}
	switch {
	case body[j] == '-' || body[j] == '_':
		j++
		for j < len(body) && (body[j] == '-' || body[j] == '_') {
			j++
		}
	case body[j] == '/' && j == i && afterType:
		if yearAt(body[j+1:]) != "" {
			return 0, false
		}
		j++
	default:
		return 0, false
	}
	j = skipSpaces(body, j)
	r, _ := utf8.DecodeRuneInString(body[j:])
	if !unicode.IsUpper(r) {
		return 0, false
	}
	return j, true
}

// legislaturePart is a legislature at the start of a code run: "QH13",
// "UBTVQH15".
var legislaturePart = regexp.MustCompile(`^(?:UBTVQH|QH)\d\d`)

// numberSuffix is what may follow the digits of a number before its "/":
// "09b/", "08.a/".
var numberSuffix = regexp.MustCompile(`^\.?[a-z]?/`)

// parenCode is a department after the issuer: "TT-BCA(X13)".
var parenCode = regexp.MustCompile(`^\([A-Z0-9]+\)`)

// codeToken reads one code of a symbol at pos and returns it, where it
// ends and whether the symbol ends with it. It returns "" when pos starts
// a word, not a code.
func codeToken(body string, pos int, known codeSet, k *kindScan) (string, int, bool) {
	i := pos
	for i < len(body) {
		r, size := utf8.DecodeRuneInString(body[i:])
		// "BNN&PTNT" is one code.
		if r == '&' && i > pos {
			if next, _ := utf8.DecodeRuneInString(body[i+1:]); unicode.IsUpper(next) {
				i++
				continue
			}
		}
		if !unicode.IsUpper(r) && !(r >= '0' && r <= '9') {
			break
		}
		i += size
	}
	run := body[pos:i]
	if run == "" || isDigitByte(run[0]) {
		return "", pos, true
	}
	// The Prime Minister's "TTg", the one code with a small letter.
	if run == "TT" && i < len(body) && body[i] == 'g' && !lowerAt(body, i+1) {
		return "TTg", i + 1, false
	}
	// A legislature has two digits; more digits start the next number
	// ("QH1360/2014/QH13"), letters the next title ("QH14Nghị định").
	if m := legislaturePart.FindString(run); m != "" && m != run {
		k.gluedNext = isDigitByte(run[len(m)])
		return m, pos + len(m), true
	}
	// Digits after the letters that a "/" follows begin the next number:
	// "TT-BCA55/2019/TT-BCA", "QĐ-BTC601/QĐ-BTC", "TT-BTP09b/2013/TT-BTP".
	slashAfter := numberSuffix.MatchString(body[i:])
	if letters := strings.TrimRightFunc(run, unicode.IsDigit); letters != run && slashAfter {
		k.gluedNext = true
		// "TT-BTCTT29/2025": a code the record writes elsewhere, then the
		// type of the next cell.
		if !known[letters] {
			for cut := len(letters) - 1; cut >= 2; cut-- {
				if known[letters[:cut]] && catalog.IsLegalType(letters[cut:]) {
					return letters[:cut], pos + cut, true
				}
			}
		}
		return letters, pos + len(letters), true
	}
	// The next title's first word glued to the code: "TT-BCALuật",
	// "NĐ-CPsửa đổi" (a title starting in lower case).
	if lowerAt(body, i) {
		last, size := utf8.DecodeLastRuneInString(run)
		j := i
		for j < len(body) && lowerAt(body, j) {
			_, n := utf8.DecodeRuneInString(body[j:])
			j += n
		}
		// The record's own codes decide ("NĐ-CPDecision" in English), then
		// whether the capital and the small letters make a Vietnamese word.
		cut := run
		short := run[:len(run)-size]
		switch {
		case known[run] != known[short]:
			if known[short] {
				cut = short
			}
		case unicode.IsLetter(last) && isSyllable(string(last)+body[i:j]):
			cut = short
		}
		if cut == "" || (utf8.RuneCountInString(cut) == 1 && len(k.parts) > 0) {
			return "", pos, true
		}
		return cut, pos + len(cut), true
	}
	// An upper-case title glued to the code: "TT-BCAQUY ĐỊNH", "NĐ-CPLUẬT".
	if hasTone(run) || capsWordFollows(body, i) {
		if cut, ok, guessed := splitCapsRun(run, known); ok {
			if cut == 0 {
				return "", pos, true
			}
			k.guessed = k.guessed || guessed
			return run[:cut], pos + cut, true
		}
	}
	if m := parenCode.FindString(body[i:]); m != "" {
		return run + m, i + len(m), true
	}
	return run, i, false
}

// capsWordFollows reports whether a space and an upper-case word of two
// letters or more follow i: the text is a title in capitals.
func capsWordFollows(body string, i int) bool {
	if i >= len(body) || body[i] != ' ' {
		return false
	}
	word := firstWord(body[i+1:])
	return utf8.RuneCountInString(word) >= 2 && isUpperRun(word)
}

// maxSyllable is the most letters a Vietnamese syllable has.
const maxSyllable = 7

// splitCapsRun finds where the first word of a title in capitals starts
// in run, a code with the word glued to it. It returns the byte offset of
// the word (0: run is a word, not a code) and whether a word was found.
// The word is a Vietnamese syllable of two letters or more, after a code
// of two letters or more. Several readings may be Vietnamese ("BTP" +
// "HƯỚNG", "BT" + "PHƯỚNG"): a code the record writes cleanly elsewhere
// decides, then a word that opens titles, then the longest word
// (guessed).
func splitCapsRun(run string, known codeSet) (int, bool, bool) {
	runes := []rune(run)
	var withInitial, without []int // rune offsets of candidate words
	// A syllable has at most seven letters ("nghiêng").
	for k := max(0, len(runes)-maxSyllable); k+2 <= len(runes); k++ {
		if k == 1 {
			continue // a one-letter code
		}
		w := string(runes[k:])
		if !isSyllable(w) {
			continue
		}
		if hasInitial(w) {
			withInitial = append(withInitial, k)
		} else {
			without = append(without, k)
		}
	}
	cands := withInitial
	if len(cands) == 0 {
		cands = without
	}
	if len(cands) == 0 {
		return 0, false, false
	}
	offset := func(k int) int { return len(string(runes[:k])) }
	for _, k := range cands {
		if k > 0 && known[string(runes[:k])] {
			return offset(k), true, false
		}
	}
	for _, k := range cands {
		if titleOpeners[strings.ToLower(string(runes[k:]))] {
			return offset(k), true, false
		}
	}
	return offset(cands[0]), true, cands[0] > 0
}

// codeSet holds issuer codes a record writes with a clear end.
type codeSet map[string]bool

func (c codeSet) with(o codeSet) codeSet {
	out := codeSet{}
	for k := range c {
		out[k] = true
	}
	for k := range o {
		out[k] = true
	}
	return out
}

// cleanCodes collects the codes that texts write with a clear end: after
// a "-" or "/", upper-case letters and digits, then a space, punctuation
// or the end of the text ("BCA" in "Thông tư số 04/2015/TT-BCA ngày ...").
func cleanCodes(texts ...string) codeSet {
	out := codeSet{}
	for _, t := range texts {
		for i := 0; i < len(t); i++ {
			if t[i] != '-' && t[i] != '/' {
				continue
			}
			j := i + 1
			for j < len(t) {
				r, size := utf8.DecodeRuneInString(t[j:])
				if !unicode.IsUpper(r) && !(j > i+1 && r >= '0' && r <= '9') {
					break
				}
				j += size
			}
			if j == i+1 {
				continue
			}
			if next, _ := utf8.DecodeRuneInString(t[j:]); j == len(t) || unicode.IsSpace(next) || strings.ContainsRune(".,;:)”\"'(", next) {
				out[t[i+1:j]] = true
			}
			i = j - 1
		}
	}
	return out
}

// cleanLegalTitle normalises a title's white space and drops a document
// type word that belongs to the number cell.
func cleanLegalTitle(t string) string {
	t = strings.Trim(collapseSpaces(t), " -–;,.")
	for _, p := range titlePrefixes {
		for _, suffix := range []string{p + " số:", p + " số", p + ":", p} {
			cut, ok := strings.CutSuffix(t, suffix)
			if !ok || cut == "" {
				continue
			}
			// Only when glued to the title ("Việt NamLuật"); a title that
			// ends with the word after a space is left alone.
			prev, _ := utf8.DecodeLastRuneInString(cut)
			if !unicode.IsSpace(prev) {
				return strings.TrimSpace(cut)
			}
		}
	}
	return t
}

// titlePrefixes are words that the portal sometimes puts in the number
// cell ("...tại Việt NamLuật 47/2014/QH13", "...CÔNGSố: 151/2017/NĐ-CP").
var titlePrefixes = []string{
	"Thông tư liên tịch", "Thông tư", "Nghị định", "Nghị quyết", "Quyết định",
	"Pháp lệnh", "Bộ luật", "Luật", "Số", "số",
}

// yearAt returns the year at the start of s: four digits from 1900 to 2099
// not followed by another digit, or "".
func yearAt(s string) string {
	if len(s) < 4 || !isYear(s[:4]) || (len(s) > 4 && isDigitByte(s[4])) {
		return ""
	}
	return s[:4]
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

func isYear(s string) bool {
	return len(s) == 4 && (strings.HasPrefix(s, "19") || strings.HasPrefix(s, "20")) && isAllDigits(s)
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// lowerAt reports whether a lower-case letter starts at byte i of s.
func lowerAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLower(r)
}

// homoglyphs are Cyrillic capitals that look like Latin ones; the data has
// "85/2024/TT-BTС" with a Cyrillic "С".
var homoglyphs = strings.NewReplacer(
	"А", "A", "В", "B", "С", "C", "Е", "E", "Н", "H", "К", "K",
	"М", "M", "О", "O", "Р", "P", "Т", "T", "Х", "X",
)
