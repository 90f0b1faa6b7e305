package importer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"tthc/internal/catalog"
)

// legalHeader is the flattened header of the legal basis table.
const legalHeader = "Tên văn bản pháp lýMã văn bản"

// The table is a run of title + number pairs with nothing between them:
//
//	Luật Khiếu nại  năm 201102/2011/QH13Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP
//
// A number is mostly "number/year/issuer" ("02/2011/QH13", "120/2025/NĐ-CP",
// "66.7/2025/NQ-CP", "21/2007/TT-BCA(X13)"). Titles quote numbers too, so
// the parser finds every number-shaped text and keeps those that close a
// row. Inside a title a number follows a space and is followed by a space;
// a cell is glued to its title before it and to the next title after it.
// Where digits are glued on both sides, the title's own words decide (see
// gluedIsCell and splitGluedDigits).

// knownIssuers are the last parts of issuer codes in legal document
// numbers. They let the parser find where a code ends when the next title is
// glued to it ("TT-BCALuật", "QH14QUY ĐỊNH"). Unknown codes still parse, by
// a weaker rule, with a warning.
var knownIssuers = []string{
	"CP", "TTg", "TTG", "BCA", "BTC", "BTP", "BKHĐT", "BKHCN", "BLĐTBXH", "BGTVT",
	"BYT", "BQP", "BCT", "BNNPTNT", "BNN", "BTNMT", "BXD", "BNV", "BNG", "BGDĐT",
	"BTTTT", "BVHTTDL", "BTCTW", "BHXH", "CSXH", "VPCP", "NHNN", "NHNNVN", "UBND",
	"HĐND", "LLTP", "LP", "CTN", "TANDTC", "VKSNDTC", "KTNN", "UBDT", "TTCP",
	"HĐTP", "HĐTĐTW", "BKH", "BCN", "BTM", "BTS", "BLĐ", "TCHQ", "TCT", "UBCKNN",
	"NV", "UBTƯMTTQVN",
}

// issuerWithTerm are issuers followed by a two-digit legislature number:
// the National Assembly (QH15) and its Standing Committee (UBTVQH15).
var issuerWithTerm = regexp.MustCompile(`^(?:UBTVQH|QH)\d\d`)

// titlePrefixes are words that the portal sometimes puts in the number
// cell ("...tại Việt NamLuật 47/2014/QH13"); they are cut from the title.
var titlePrefixes = []string{
	"Thông tư liên tịch", "Thông tư", "Nghị định", "Nghị quyết", "Quyết định",
	"Pháp lệnh", "Bộ luật", "Luật",
}

// numberMatch is one number-shaped text in the table.
type numberMatch struct {
	runStart int  // start of the digits before the first slash
	end      int  // end of the issuer code, or of the year when there is none
	cell     bool // closes a row
	glued    bool // directly followed by the digits of another number
	follows  bool // directly follows the issuer code of another number
	year     string
}

// parseLegalBasis reads can_cu_phap_ly into legal references, deduplicated by
// number in the order they appear.
func parseLegalBasis(s string, w *warnings) []catalog.LegalRef {
	s = strings.TrimSpace(s)
	if s == "" || s == noInfo {
		return nil
	}
	body, ok := strings.CutPrefix(s, legalHeader)
	if !ok {
		w.add("legal", "no table header", snippet(s))
		return nil
	}
	if strings.TrimSpace(body) == "" || strings.TrimSpace(body) == noInfo {
		return nil
	}

	matches := findNumbers(body, w)
	var out []catalog.LegalRef
	seen := map[string]int{} // number -> index in out
	titleStart := 0
	prevEnd := -1 // end of the previous number-shaped text, cell or not
	for i, m := range matches {
		if m.glued && i+1 < len(matches) {
			m.cell = gluedIsCell(body, titleStart, m, matches[i+1])
		}
		if !m.cell {
			prevEnd = m.end
			continue
		}
		start := m.runStart
		if start != prevEnd {
			start = splitGluedDigits(body, titleStart, m, w)
		}
		number := body[start:m.end]
		if n := normaliseHomoglyphs(number); n != number {
			w.add("legal", "look-alike letters in number", quote(number))
			number = n
		}
		title := cleanLegalTitle(body[titleStart:start])
		if i, ok := seen[number]; !ok {
			seen[number] = len(out)
			out = append(out, catalog.LegalRef{Number: number, Title: title})
		} else if out[i].Title == "" {
			// The same number again, this time with a title.
			out[i].Title = title
		}
		titleStart = m.end
		prevEnd = m.end
	}
	for _, ref := range out {
		if ref.Title == "" {
			w.add("legal", "number without a title", quote(ref.Number))
		}
		// "Luật Hải quan 201454Nghị định 59/2018/NĐ-CP": a row whose number
		// cell ("54") has no year was not found and ran into this title.
		if gluedRow.MatchString(ref.Title) {
			w.add("legal", "title may hold another row", snippet(ref.Title))
		}
	}
	if rest := strings.Trim(body[titleStart:], " \t\n\r\u00a0.;,"); rest != "" {
		if len(out) == 0 {
			w.add("legal", "no document number found", snippet(rest))
		} else {
			w.add("legal", "text after the last number", snippet(rest))
		}
	}
	return out
}

// findNumbers finds every number-shaped text in body, decides where each
// issuer code ends and whether the number closes a row. Three shapes occur:
// "12/2020/NĐ-CP" (the usual one), "46/2020" (no issuer) and "3510/QĐ-BHXH"
// (no year).
func findNumbers(body string, w *warnings) []numberMatch {
	var out []numberMatch
	from := 0
	for from < len(body) {
		loc := digitSlash.FindStringIndex(body[from:])
		if loc == nil {
			break
		}
		slash := from + loc[1] - 1
		m := numberMatch{runStart: slash - 1}
		if !isDigitByte(body[m.runStart]) {
			m.runStart-- // the letter of "30a/"
		}

		// The digits before the slash, and a decimal part as in "66.7".
		for m.runStart > from && isDigitByte(body[m.runStart-1]) {
			m.runStart--
		}
		if m.runStart-2 >= from && body[m.runStart-1] == '.' && isDigitByte(body[m.runStart-2]) {
			m.runStart--
			for m.runStart > from && isDigitByte(body[m.runStart-1]) {
				m.runStart--
			}
		}

		after := slash + 1
		next := -1
		if y := yearAt(body[after:]); y != "" {
			m.year = y
			m.end = after + len(y)
			if m.end+1 < len(body) && body[m.end] == '/' && !startsYear.MatchString(body[m.end+1:]) {
				if end, n := scanIssuer(body, m.end+1, w); end > m.end+1 {
					m.end, next = end, n
				}
			}
			// A date ("ngày 01/7/2025") has the same shape as "46/2020".
			if m.end == after+len(y) && m.runStart > 0 && body[m.runStart-1] == '/' {
				from = m.end
				continue
			}
		} else {
			// Without a year the issuer follows the slash: "3510/QĐ-BHXH".
			if r, _ := utf8.DecodeRuneInString(body[after:]); !unicode.IsUpper(r) {
				from = after
				continue
			}
			end, n := scanIssuer(body, after, w)
			if end == after || !strings.Contains(body[after:end], "-") {
				from = after
				continue
			}
			m.end, next = end, n
		}
		m.glued = next >= 0
		m.follows = len(out) > 0 && out[len(out)-1].glued && out[len(out)-1].end == m.runStart
		m.cell = !m.glued && closesRow(body, m.runStart, m.end, m.follows)
		out = append(out, m)
		from = m.end
		if next >= 0 {
			from = next
		}
	}
	return out
}

// gluedIsCell decides for a number a that is directly followed by the
// digits of number b. Either a is quoted in a title and b is the cell
// ("Luật 51/2019/QH1451/2019/QH14", "Nghị định số 46/2020/NĐ-CP46/2020",
// "...theo Luật số 37/2024/QH1519/2024/TT-BTP"), or a is the cell and b
// starts the next title ("...lĩnh vực thuế19/2021/TT-BTC86/2024/TT-BTC").
// The title so far tells which, then the text before a: a number after a
// space is quoted, one glued to the title's last word closes the row.
func gluedIsCell(body string, titleStart int, a, b numberMatch) bool {
	aText := body[a.runStart:a.end]
	bText := body[b.runStart:b.end]
	if strings.Contains(aText, bText) {
		return false
	}
	title := body[titleStart:a.runStart]
	switch {
	case quotesNumber(title, bText) && !quotesNumber(title, aText):
		return false
	case quotesNumber(title, aText):
		return true
	}
	if a.follows {
		return false
	}
	// Digits glued to the title's last word ("Luật Doanh nghiệp
	// 202076/2025/QH15") mean a closes the row, like a letter would.
	if start := splitGluedDigits(body, titleStart, a, nil); start > a.runStart {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(title)
	return unicode.IsLetter(prev) || strings.ContainsRune(".;:)”", prev)
}

// digitSlash finds the end of a number's first part: "12/", and "30a/" as
// in "Nghị quyết số 30a/2008/NQ-CP".
var digitSlash = regexp.MustCompile(`\d[a-z]?/`)

// yearAt returns the year at the start of s: four digits from 1900 to 2099
// not followed by another digit, or "".
func yearAt(s string) string {
	if len(s) < 4 || !isYear(s[:4]) || (len(s) > 4 && isDigitByte(s[4])) {
		return ""
	}
	return s[:4]
}

// scanIssuer reads the issuer code that starts at i ("NĐ-CP", "TT-BCA",
// "TTLT/BQP-BKHĐT-BTC", "QH13", "TT-BCA(X13)"). It returns where the code
// ends and, when the code is directly followed by the digits of another
// number ("QH1451/2019/QH14"), where those digits start; otherwise -1.
func scanIssuer(body string, i int, w *warnings) (int, int) {
	pos := i
	lastSeg := -1
	for {
		segEnd := pos
		for segEnd < len(body) {
			r, size := utf8.DecodeRuneInString(body[segEnd:])
			if isCodeRune(r) {
				segEnd += size
				continue
			}
			// "QĐ-TTg": the only lower-case letter in an issuer code.
			if r == 'g' && strings.HasSuffix(body[pos:segEnd], "TT") {
				segEnd += size
				continue
			}
			break
		}
		if segEnd == pos {
			break
		}
		lastSeg = pos
		pos = segEnd
		// A department code in parentheses: "TT-BCA(X13)".
		if m := parenCode.FindString(body[pos:]); m != "" {
			pos += len(m)
		}
		// "/2019/" after a segment starts the next number, not a segment; so
		// do digits glued to a segment's letters before a slash
		// ("QĐ-BTC601/QĐ-BTC").
		if pos < len(body) && body[pos] == '/' && (startsYear.MatchString(body[pos+1:]) || endsInGluedDigits(body[lastSeg:pos])) {
			break
		}
		if pos+1 < len(body) && strings.IndexByte("-/&_", body[pos]) >= 0 {
			r, _ := utf8.DecodeRuneInString(body[pos+1:])
			if isCodeRune(r) {
				pos++
				continue
			}
		}
		break
	}
	if lastSeg < 0 {
		return i, -1
	}

	seg := body[lastSeg:pos]
	if strings.HasSuffix(seg, ")") {
		return pos, -1 // "(X13)" closed the code
	}

	// The last segment may run into the digits of the next number.
	if pos+1 < len(body) && body[pos] == '/' && endsInGluedDigits(seg) {
		// "QH1451" keeps the term: "QH14" + "51"; "BTC601" is "BTC" + "601".
		keep := len(seg) - trailingDigits(seg)
		if loc := issuerWithTerm.FindStringIndex(seg); loc != nil && loc[1] < len(seg) {
			keep = loc[1]
		}
		return lastSeg + keep, lastSeg + keep
	}

	// The last segment may run into the next title: "CPLuật" reads as
	// "CPL", "BCAQUY ĐỊNH" as "BCAQUY".
	next, _ := utf8.DecodeRuneInString(body[pos:])
	nextLower := pos < len(body) && unicode.IsLower(next)
	if isKnownIssuer(seg) && !nextLower {
		return pos, -1
	}
	if k := knownIssuerPrefix(seg); k > 0 && k < len(seg) {
		return lastSeg + k, -1
	}
	if isKnownIssuer(seg) {
		return pos, -1 // followed by lower case; closesRow decides
	}
	if nextLower && utf8.RuneCountInString(seg) == 1 && lastSeg > i {
		// A capitalised word after a hyphen: "166/2016/NĐ-CP-Quy định".
		return lastSeg - 1, -1
	}
	if nextLower && len(seg) > 1 {
		// An unknown code: take the last capital as the start of the next
		// title's first word.
		_, size := utf8.DecodeLastRuneInString(seg)
		w.add("legal", "unknown issuer code, split guessed", snippet(body[i:min(len(body), pos+20)]))
		return pos - size, -1
	}
	return pos, -1
}

// parenCode is a department code after the issuer: "TT-BCA(X13)".
var parenCode = regexp.MustCompile(`^\([A-Z0-9]+\)`)

// startsYear matches the year that follows the digits of a number.
var startsYear = regexp.MustCompile(`^(?:19|20)\d\d(?:$|[^0-9])`)

// closesRow decides whether the number from start to end, not glued to
// another number, is a cell: it is at the end of the table or glued to the
// next title. Inside a title a number stands after a space ("Luật số
// 84/2015/QH13 của Quốc hội"); a cell is glued at its start to the end of
// its title ("...kinh doanh66.18/2026/NQ-CP", "...ngày 11/12/2025;143/2025/QH15")
// or is the repeat of a number its title quotes, handled by gluedIsCell.
//
// A number after a space is still a cell when the next title is glued to
// it. Titles mostly start with a capital, but some start in lower case
// ("Nghị định số 77/2008/NĐ-CPsửa đổi, bổ sung..."), while a title may
// lack the space after a number it quotes ("số 53/2025/TT-BCAngày
// 01/7/2025"). In this data the latter is always a word like "ngày".
func closesRow(body string, start, end int, followsNumber bool) bool {
	rest := strings.TrimRight(body[end:], " \t\n\r\u00a0.;,")
	if rest == "" {
		return true
	}
	// Glued to a title, not to the issuer code of the number before it;
	// digits count when the title ends in a year ("giai đoạn 2026 -
	// 2030182/2025/NQ-HĐND").
	prev, _ := utf8.DecodeLastRuneInString(body[:start])
	gluedStart := start > 0 && !followsNumber && (unicode.IsLetter(prev) || strings.ContainsRune(".;:)”", prev))
	if !followsNumber && yearGlued(body[start:end]) {
		gluedStart = true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	switch {
	case unicode.IsUpper(r):
		return true
	case unicode.IsLower(r):
		word := rest
		if i := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
			word = rest[:i]
		}
		return gluedStart || !inTitleWords[word]
	}
	return gluedStart
}

// inTitleWords follow a number inside a title, glued to it by a missing space.
var inTitleWords = map[string]bool{"ngày": true, "của": true, "và": true, "năm": true, "tháng": true}

// splitGluedDigits finds where a number starts when its digits may be glued
// to the end of its title ("Luật Khiếu nại năm 2011" + "02/2011/QH13" reads
// "năm 201102/2011/QH13"). It prefers a split that makes the number one the
// title already quotes, then one that leaves a year at the end of the title.
func splitGluedDigits(body string, titleStart int, m numberMatch, w *warnings) int {
	run := body[m.runStart:m.end]
	numLen := strings.IndexByte(run, '/')
	for k := 0; k < numLen; k++ {
		if run[k] == '.' {
			continue
		}
		if quotesNumber(body[titleStart:m.runStart+k], run[k:]) {
			return m.runStart + k
		}
	}
	// A title ending in a year: "năm 2011", "01/01/2017", "2026-2030". In
	// this data these splits all check out against the titles.
	prev, _ := utf8.DecodeLastRuneInString(body[:m.runStart])
	if yearGlued(run) && !unicode.IsLetter(prev) {
		if numLen-4 > 4 {
			w.add("legal", "long number after a year", snippet(body[max(titleStart, m.runStart-20):m.end]))
		}
		return m.runStart + 4
	}
	if len(run[:numLen])-strings.Count(run[:numLen], ".") >= 5 {
		w.add("legal", "long number, maybe glued to its title", snippet(body[max(titleStart, m.runStart-20):m.end]))
	}
	return m.runStart
}

// gluedRow is a digit glued to a capitalised word inside a title.
var gluedRow = regexp.MustCompile(`\d\p{Lu}\p{Ll}`)

// yearGlued reports whether a number's digits start with a year that
// belongs to the title before it: five or more digits, the first four a
// year ("201102/2011/QH13" is "2011" + "02/2011/QH13"). Document numbers in
// this data have at most four digits.
func yearGlued(number string) bool {
	digits, _, _ := strings.Cut(number, "/")
	return len(digits) >= 5 && isAllDigits(digits) && isYear(digits[:4])
}

// quotesNumber reports whether title contains number as a whole number,
// not as the tail of a longer one ("5/QĐ-BHXH" in "595/QĐ-BHXH").
func quotesNumber(title, number string) bool {
	for from := 0; ; {
		i := strings.Index(title[from:], number)
		if i < 0 {
			return false
		}
		i += from
		if i == 0 || !strings.ContainsRune("0123456789.", rune(title[i-1])) {
			return true
		}
		from = i + 1
	}
}

// cleanLegalTitle normalises a title's white space and drops a document
// type word that belongs to the number cell.
func cleanLegalTitle(t string) string {
	t = collapseSpaces(t)
	for _, p := range titlePrefixes {
		for _, suffix := range []string{p + " số", p} {
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

// isCodeRune reports whether r may be part of an issuer code. Codes are
// upper case, with Vietnamese letters now and then ("BLĐTBXH", "UBTƯMTTQVN").
func isCodeRune(r rune) bool {
	return unicode.IsUpper(r) || (r >= '0' && r <= '9')
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

func isYear(s string) bool {
	return len(s) == 4 && (strings.HasPrefix(s, "19") || strings.HasPrefix(s, "20")) && isAllDigits(s)
}

// endsInGluedDigits reports whether a code segment ends in digits glued to
// its letters ("BTC601", "QH1451"): digits that may begin another number.
func endsInGluedDigits(seg string) bool {
	n := trailingDigits(seg)
	return n > 0 && n < len(seg)
}

func trailingDigits(s string) int {
	n := 0
	for n < len(s) && isDigitByte(s[len(s)-1-n]) {
		n++
	}
	return n
}

func isKnownIssuer(seg string) bool {
	if loc := issuerWithTerm.FindStringIndex(seg); loc != nil && loc[1] == len(seg) {
		return true
	}
	for _, k := range knownIssuers {
		if seg == k {
			return true
		}
	}
	return false
}

// knownIssuerPrefix returns the length of the longest known issuer code
// that seg starts with, or 0.
func knownIssuerPrefix(seg string) int {
	best := 0
	if loc := issuerWithTerm.FindStringIndex(seg); loc != nil {
		best = loc[1]
	}
	for _, k := range knownIssuers {
		if strings.HasPrefix(seg, k) && len(k) > best {
			best = len(k)
		}
	}
	return best
}

// homoglyphs are Cyrillic capitals that look like Latin ones; the data has
// "85/2024/TT-BTС" with a Cyrillic "С".
var homoglyphs = strings.NewReplacer(
	"А", "A", "В", "B", "С", "C", "Е", "E", "Н", "H", "К", "K",
	"М", "M", "О", "O", "Р", "P", "Т", "T", "Х", "X",
)

// normaliseHomoglyphs replaces look-alike letters in a document number so
// that the same document gets the same number.
func normaliseHomoglyphs(number string) string {
	return homoglyphs.Replace(number)
}
