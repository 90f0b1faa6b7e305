package importer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"tthc/internal/catalog"
)

// The fee cell of a channel row is a word ("Miễn phí", "Không có thông
// tin") or an amount with a currency ("2,000,000 Việt Nam Đồng", "10
// USD"), often followed by a note in parentheses, then by the row's
// description. The cell keeps its text; it has an amount only when the
// cell and its note together name one fixed amount:
//
//   - "free" means 0, unless the note names real fees, rates, a tariff or
//     who sets them, a dated rate or exemption, or frees only some
//     applicants; a note that names exactly one fixed amount makes it that
//     amount;
//   - an amount stands unless its note names other amounts, a dated rate,
//     a percentage or the council that sets it, or it is a rate per
//     quantity (per page, per tonne);
//   - the portal writes VND amounts in thousands now and then ("20 VNĐ"):
//     the amount the note names then settles it.

// freeWords are fee cells that mean "free of charge", longest first.
var freeWords = []string{
	"Không phải nộp phí, lệ phí", "Không thu phí, lệ phí", "Miễn phí, lệ phí",
	"Không phải nộp lệ phí", "Không phải nộp phí", "Không phải trả phí",
	"Không thu lệ phí", "Không thu phí", "Không mất phí", "Không có phí",
	"Miễn thu phí", "Miễn lệ phí", "Miễn phí",
}

// feeCellKind is what a fee cell holds.
type feeCellKind int

const (
	cellFree feeCellKind = iota + 1
	cellNoInfo
	cellAmount
)

// feeWord reports whether s starts with a fee cell that is a word, and
// which.
func feeWord(s string) (string, feeCellKind, bool) {
	for _, word := range freeWords {
		if len(s) >= len(word) && strings.EqualFold(s[:len(word)], word) {
			return s[:len(word)], cellFree, true
		}
	}
	if strings.HasPrefix(s, noInfo) {
		return noInfo, cellNoInfo, true
	}
	return "", 0, false
}

// feeAmountHead is an amount with a currency at the start of a fee cell:
// "10 USD", "2,000,000 Việt Nam Đồng", "50.000 VNĐ".
var feeAmountHead = regexp.MustCompile(`^(\d[\d.,]*) ?(VNĐ|Việt Nam Đồng|USD)`)

// feeAmountAnywhere finds an amount cell inside a row.
var feeAmountAnywhere = regexp.MustCompile(`\d[\d.,]* ?(?:VNĐ|Việt Nam Đồng|USD)`)

// firstFeeIndex returns the byte offset of the first fee cell in s, or -1.
func firstFeeIndex(s string) int {
	best := -1
	for i := 0; i < len(s); i++ {
		if _, _, ok := feeWord(s[i:]); ok {
			best = i
			break
		}
	}
	if loc := feeAmountAnywhere.FindStringIndex(s); loc != nil && (best < 0 || loc[0] < best) {
		best = loc[0]
	}
	return best
}

// parseFee reads the fee cell at the start of s and its notes. It returns
// the fee, the number of bytes read and whether a fee was there.
func parseFee(s string, w *warnings) (catalog.Fee, int, bool) {
	var fee catalog.Fee
	head, kind, ok := feeWord(s)
	n := len(head)
	var amountText, currencyWord string
	if !ok {
		m := feeAmountHead.FindStringSubmatch(s)
		if m == nil {
			return fee, 0, false
		}
		head, n, kind = m[0], len(m[0]), cellAmount
		amountText, currencyWord = m[1], m[2]
	}
	note, length := feeNotes(s[n:], w)
	n += length
	if kind == cellNoInfo && note == "" {
		return fee, n, true
	}
	fee.Text = collapseSpaces(head + note)
	switch kind {
	case cellFree:
		fee.Amount, fee.Currency = freeAmount(head+note, note, w)
	case cellAmount:
		fee.Amount, fee.Currency = cellFeeAmount(amountText, currencyWord, note, w)
	}
	return fee, n, true
}

// feeNotes reads the notes after a fee cell: the first parenthesised
// group, and more groups that are about money ("(/hồ sơ)(áp dụng mức phí
// ...)"). It returns them and their length.
func feeNotes(s string, w *warnings) (string, int) {
	n := noteEnd(s, w)
	if n == 0 {
		return "", 0
	}
	for strings.HasPrefix(s[n:], "(") {
		end := matchingParen(s[n:])
		if end < 0 || !isFeeNote(s[n:n+end]) {
			break
		}
		n += end
	}
	return s[:n], n
}

// listMarker opens a numbered item: "(1)", "(a)", "(iv)".
var listMarker = regexp.MustCompile(`^\((?:\d{1,2}|[a-zđ]|[ivx]{1,4})\)`)

// noteEnd returns the length of the note that opens s, or 0 when s opens
// no note. "(1) Nộp hồ sơ ..." and "(a) Đối với ..." number the row's
// description and are no note, unless the "(" opens a note whose list
// starts "a) ..." and a ")" later closes it. A note left open ends where
// the description is glued to one of its ")" ("...Bộ Tài chín)+ Trực
// tiếp ..."), or at the end of its line: it never takes the description.
func noteEnd(s string, w *warnings) int {
	if !strings.HasPrefix(s, "(") {
		return 0
	}
	if m := listMarker.FindString(s); m != "" {
		return closingParen(s, len(m))
	}
	if end := matchingParen(s); end >= 0 {
		return end
	}
	w.add(FeeUnbalancedParenthesis, snippet(s))
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			// "...Bộ Tài chín)+ Trực tiếp": the description glued to a
			// ")" inside the note.
			if next, _ := utf8.DecodeRuneInString(s[i+1:]); depth >= 1 && i+1 < len(s) && (unicode.IsLetter(next) || unicode.IsDigit(next) || next == '+' || next == '-') {
				return i + 1
			}
		case '\n':
			return i
		}
	}
	return len(s)
}

// closingParen returns the length of the note that "(" at s[0] opens when
// its text starts a list at from ("(a) ...; b) ...)"): list markers "b)"
// close nothing. It returns 0 when nothing closes it.
func closingParen(s string, from int) int {
	depth := 1
	for i := from; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if isListMarkerEnd(s, i) {
				continue
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case '\n':
			if depth == 1 {
				return 0
			}
		}
	}
	return 0
}

// isListMarkerEnd reports whether the ")" at i ends a list marker such as
// "b)" or "2)" that follows a space or the start of a line.
func isListMarkerEnd(s string, i int) bool {
	j := i
	for j > 0 && (isDigitByte(s[j-1]) || (s[j-1] >= 'a' && s[j-1] <= 'z')) {
		j--
	}
	return j < i && i-j <= 2 && (j == 0 || s[j-1] == ' ' || s[j-1] == '\n' || s[j-1] == '\t')
}

// matchingParen returns the length of the parenthesised group at the start
// of s, parentheses included, or -1 when it is not closed.
func matchingParen(s string) int {
	depth := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// isFeeNote reports whether a parenthesised text is about the fee: it
// names an amount or a fee ("phí").
func isFeeNote(group string) bool {
	return utf8.RuneCountInString(group) > 4 && (len(noteAmounts(group)) > 0 || strings.Contains(strings.ToLower(group), "phí"))
}

// freeAmount decides what a "free" cell and its note mean: 0, the one
// fixed amount the note names, or no single amount.
func freeAmount(text, note string, w *warnings) (*decimal.Decimal, string) {
	zero := decimal.Zero
	if note == "" {
		return &zero, "VND"
	}
	lower := strings.ToLower(collapseSpaces(strings.TrimSuffix(strings.TrimPrefix(note, "("), ")")))
	amounts := noteAmounts(note)
	switch {
	case isDated(lower):
		w.add(FeeConditional, snippet(text))
		return nil, ""
	case len(amounts) > 0:
		// "Miễn phí(20.000.000 đồng/lần)": the note names the real fee.
		if v, cur, ok := oneFixedAmount(amounts); ok && !namesSetter(lower) && !strings.Contains(lower, "%") {
			w.add(FeeFreeButNoteCharges, snippet(text))
			return &v, cur
		}
		w.add(FeeFreeButNoteCharges, snippet(text))
		return nil, ""
	case strings.Contains(lower, "%") || namesSetter(lower) || namesTariff(lower) || namesCharge(lower) || freesSome(lower):
		w.add(FeeFreeButNoteCharges, snippet(text))
		return nil, ""
	}
	return &zero, "VND"
}

// cellFeeAmount decides whether an amount cell and its note name one
// fixed amount.
func cellFeeAmount(amountText, currencyWord, note string, w *warnings) (*decimal.Decimal, string) {
	text := amountText + " " + currencyWord + note
	value, ok := parseGroupedNumber(amountText)
	if !ok {
		w.add(FeeAmountUnreadable, quote(amountText))
		return nil, ""
	}
	currency := "VND"
	if currencyWord == "USD" {
		currency = "USD"
	}
	lower := strings.ToLower(collapseSpaces(note))
	if isDated(lower) || strings.Contains(lower, "%") || namesSetter(lower) {
		w.add(FeeConditional, snippet(text))
		return nil, ""
	}
	amounts := noteAmounts(note)
	if currency == "VND" && value.IsPositive() && value.LessThan(decimal.NewFromInt(1000)) {
		// "20 VNĐ(20.000 đồng/tờ khai)", "145 VNĐ(...: 145 USD/thẻ.)": the
		// cell in thousands, or in the wrong currency; the note says which.
		v, cur, one := oneFixedAmount(amounts)
		if !one || !(cur == "VND" && v.Equal(value.Mul(decimal.NewFromInt(1000))) || cur == "USD" && v.Equal(value)) {
			w.add(FeeInThousands, quote(amountText+" "+currencyWord))
			return nil, ""
		}
		value, currency = v, cur
	}
	for _, m := range amounts {
		if !m.ok || m.currency != currency || !m.value.Equal(value) {
			w.add(FeeOtherAmounts, snippet(text))
			return nil, ""
		}
	}
	if unit := feeUnit(note, amounts); perQuantity(unit) || strings.Contains(lower, "theo danh sách") {
		w.add(FeePerQuantity, snippet(text))
		return nil, ""
	}
	return &value, currency
}

// describesOtherFees reports whether a row's description speaks of fees
// that make the cell's amount not the only one: other amounts, or a dated
// rate.
func describesOtherFees(description string, amount decimal.Decimal, currency string) bool {
	lower := strings.ToLower(description)
	if !strings.Contains(lower, "phí") {
		return false
	}
	amounts := noteAmounts(description)
	if len(amounts) == 0 {
		return false
	}
	if isDated(lower) {
		return true
	}
	for _, m := range amounts {
		if !m.ok || m.currency != currency || !m.value.Equal(amount) {
			return true
		}
	}
	return false
}

// oneFixedAmount returns the amount when the amounts are one and the same
// fixed amount, per application or certificate.
func oneFixedAmount(amounts []money) (decimal.Decimal, string, bool) {
	if len(amounts) == 0 {
		return decimal.Decimal{}, "", false
	}
	first := amounts[0]
	for _, m := range amounts {
		if !m.ok || m.currency != first.currency || !m.value.Equal(first.value) || perQuantity(m.unit) {
			return decimal.Decimal{}, "", false
		}
	}
	return first.value, first.currency, true
}

// dated matches a rate or exemption that holds between dates.
var dated = regexp.MustCompile(`kể từ ngày|từ ngày \d|đến hết ngày|đến ngày \d|áp dụng đến|đến hết năm|trước ngày \d|có hiệu lực từ`)

func isDated(lower string) bool { return dated.MatchString(lower) }

// namesSetter reports whether a note says who sets the fee: the
// provincial council, a bank, a service provider, an exam board.
func namesSetter(lower string) bool {
	for _, s := range []string{"hội đồng nhân dân", "hđnd", "ngân hàng", "đơn vị cung cấp dịch vụ", "theo thông báo", "thỏa thuận", "thoả thuận"} {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}

// tariff is a note pointing to a tariff: "Thực hiện theo Thông tư số ...
// quy định mức thu", "quy định tại Điều 26 và phụ lục Ia Thông tư ...".
var tariff = regexp.MustCompile(`mức thu|mức phí|biểu phí|phụ lục|thực hiện theo|áp dụng mức|theo quy định tại|quy định tại`)

// confirmsFree are phrases that say a fee is nil.
var confirmsFree = regexp.MustCompile(`không được quy định tại biểu phí[^.;]*|miễn phí|miễn lệ phí|không thu (?:lệ )?phí|không có|chưa quy định|không quy định|không phải nộp|\(thông tư[^)]*\)`)

func namesTariff(lower string) bool {
	return tariff.MatchString(confirmsFree.ReplaceAllString(lower, " "))
}

// namesCharge reports whether a note names a fee or a cost to pay ("Phí
// thẩm định", "chi phí dự thi", "phí cấp bản sao") once the phrases that
// say there is none are set aside.
func namesCharge(lower string) bool {
	return strings.Contains(confirmsFree.ReplaceAllString(lower, " "), "phí")
}

// freesSome reports whether a note frees only some applicants: "Miễn lệ
// phí cho người thuộc hộ nghèo", "Không thu lệ phí đăng ký đối với tổ
// hợp tác", "... được miễn lệ phí".
var freesSomeRe = regexp.MustCompile(`(?:miễn (?:lệ )?phí|không thu (?:lệ )?phí)[^.;]{0,60}?(?:\bcho\b|đối với|trường hợp)|được miễn`)

func freesSome(lower string) bool { return freesSomeRe.MatchString(lower) }

// feeUnit returns what a rate is per: the unit after the note's amount
// ("100.000 đồng/lần") or a note that is only a unit ("(/hồ sơ)").
func feeUnit(note string, amounts []money) string {
	for _, m := range amounts {
		if m.unit != "" {
			return m.unit
		}
	}
	t := strings.TrimLeft(note, "( ")
	if u, ok := strings.CutPrefix(t, "/"); ok {
		return unitWords(u)
	}
	return ""
}

// unitWords reads the unit after a "/": "lần", "hồ sơ", "1 giấy", "tờ
// khai", up to punctuation.
func unitWords(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".,;:()/\n+-"); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// quantityUnits are what a rate multiplies by: a fee per page, copy,
// tonne or exam subject is no single amount. A rate per application, case
// or certificate issued ("đồng/lần", "đồng/giấy chứng nhận", "đồng/hồ
// sơ") is.
var quantityUnits = map[string]bool{
	"trang": true, "bản": true, "tấn": true, "kg": true, "km": true, "gt": true, "m": true, "m2": true,
	"m²": true, "m3": true, "mét": true, "ha": true, "lít": true, "khẩu": true, "chiếc": true, "con": true,
	"cây": true, "môn": true, "tờ": true, "container": true, "năm": true, "tháng": true, "ngày": true, "giờ": true,
}

func perQuantity(unit string) bool {
	words := strings.Fields(strings.TrimLeft(unit, "0123456789 "))
	if len(words) == 0 {
		return false
	}
	if words[0] == "tờ" && len(words) > 1 && words[1] == "khai" {
		return false // per declaration: per application
	}
	first, _, _ := strings.Cut(words[0], "-") // "khẩu-chiếc"
	return quantityUnits[first]
}

// money is an amount found in a fee note.
type money struct {
	value    decimal.Decimal
	currency string
	ok       bool   // false when the number could not be read
	unit     string // what it is per ("lần", "trang"), if the note says
}

// noteMoney matches an amount in the free text of a note: a number, then a
// scale word, a currency word or both ("100.000 đồng", "50USD", "02 triệu
// đồng", "Dưới 50 tỷ"). Numbers grouped in thousands with dots and no
// currency ("8.000.000/lần") are found by dotGrouped.
var noteMoney = regexp.MustCompile(`(?i)(\d[\d.,]*)\s*(triệu|tỷ|nghìn|ngàn)?\s*(việt nam đồng|đồng|vnđ|usd|đ)?`)

// dotGrouped is a number grouped in thousands with dots ("8.000.000").
var dotGrouped = regexp.MustCompile(`\d{1,3}(?:\.\d{3})+`)

var scaleWords = map[string]int64{
	"triệu": 1_000_000,
	"tỷ":    1_000_000_000,
	"nghìn": 1_000,
	"ngàn":  1_000,
}

// unitAfter is the "/unit" after an amount: "/lần", "/ Giấy chứng nhận",
// "(Năm trăm nghìn đồng)/lần" is not read.
var unitAfter = regexp.MustCompile(`^\s*/\s*([^.,;:()/\n+]{1,40})`)

// noteAmounts lists the amounts a fee note mentions.
func noteAmounts(note string) []money {
	var out []money
	covered := make([]bool, len(note)+1)
	for _, loc := range noteMoney.FindAllStringSubmatchIndex(note, -1) {
		scale, currency := "", ""
		if loc[4] >= 0 && !letterAt(note, loc[5]) {
			scale = strings.ToLower(note[loc[4]:loc[5]])
		}
		// A currency word must end a word: "200 đến 300" is not in dong.
		if loc[6] >= 0 && !letterAt(note, loc[7]) {
			currency = "VND"
			if strings.EqualFold(note[loc[6]:loc[7]], "usd") {
				currency = "USD"
			}
		}
		if scale == "" && currency == "" {
			continue
		}
		if currency == "" {
			currency = "VND" // "Dưới 50 tỷ": amounts in the data are dong
		}
		v, ok := parseNoteNumber(note[loc[2]:loc[3]])
		if ok && scale != "" {
			v = v.Mul(decimal.NewFromInt(scaleWords[scale]))
		}
		m := money{value: v, currency: currency, ok: ok}
		if u := unitAfter.FindStringSubmatch(note[loc[1]:]); u != nil {
			m.unit = unitWords(u[1])
		}
		out = append(out, m)
		for i := loc[0]; i < loc[1]; i++ {
			covered[i] = true
		}
	}
	for _, loc := range dotGrouped.FindAllStringIndex(note, -1) {
		if covered[loc[0]] {
			continue
		}
		// Part of a longer number such as a date or a document number.
		if loc[0] > 0 && strings.ContainsAny(note[loc[0]-1:loc[0]], "0123456789/.,") {
			continue
		}
		if rest := note[loc[1]:]; rest != "" && strings.ContainsAny(rest[:1], "0123456789/.,") && !(rest[0] == '/' && !isDigitByte(rest[min(1, len(rest)-1)])) {
			continue
		}
		v, _ := parseNoteNumber(note[loc[0]:loc[1]])
		m := money{value: v, currency: "VND", ok: true}
		if u := unitAfter.FindStringSubmatch(note[loc[1]:]); u != nil {
			m.unit = unitWords(u[1])
		}
		out = append(out, m)
	}
	return out
}
