package importer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"tthc/internal/catalog"
)

// channelHeader is the flattened header of the channels table.
const channelHeader = "Hình thức nộpThời gianPhí, lệ phíMô tả"

// channelNames are the words in the first column of the channels table.
var channelNames = []struct {
	name string
	kind catalog.ChannelKind
}{
	{"Trực tuyến", catalog.ChannelOnline},
	{"Dịch vụ bưu chính", catalog.ChannelPost},
	{"Trực tiếp", catalog.ChannelInPerson},
}

// rowStart is where a channel row begins in the flattened table.
type rowStart struct {
	pos  int // byte offset of the channel name
	end  int // byte offset just after the channel name
	kind catalog.ChannelKind
}

// parseChannels reads cach_thuc_thuc_hien: the header, then rows of
// channel name, processing time, fee and description, all glued together.
func parseChannels(s string, w *warnings) []catalog.Channel {
	s = strings.TrimSpace(s)
	if s == "" || s == noInfo {
		return nil
	}
	body, ok := strings.CutPrefix(s, channelHeader)
	if !ok {
		w.add(ChannelNoTable, snippet(s))
		return nil
	}
	starts := channelRowStarts(body)
	if len(starts) == 0 {
		if strings.TrimSpace(body) != "" {
			w.add(ChannelNoRow, snippet(body))
		}
		return nil
	}
	if lead := strings.TrimSpace(body[:starts[0].pos]); lead != "" {
		w.add(ChannelTextBeforeRow, snippet(lead))
	}
	var out []catalog.Channel
	for i, st := range starts {
		end := len(body)
		if i+1 < len(starts) {
			end = starts[i+1].pos
		}
		out = append(out, parseChannelRow(st.kind, body[st.end:end], w))
	}
	return out
}

// channelRowStarts finds where rows begin. Descriptions mention the channel
// words too ("Trực tiếp tại Bộ phận Một cửa", "- Trực tuyến: nộp hồ sơ"), but
// there the word is followed by a space or punctuation. A row's channel
// name is glued to its time cell, which starts with a digit ("5 Ngày") or a
// capital letter ("Không có thông tin", "Không quy định", "Hệ thống ...").
func channelRowStarts(body string) []rowStart {
	var out []rowStart
	for i := 0; i < len(body); {
		matched := false
		for _, cn := range channelNames {
			if !strings.HasPrefix(body[i:], cn.name) {
				continue
			}
			end := i + len(cn.name)
			next, _ := utf8.DecodeRuneInString(body[end:])
			if end < len(body) && (unicode.IsDigit(next) || unicode.IsUpper(next)) {
				out = append(out, rowStart{pos: i, end: end, kind: cn.kind})
				i = end
				matched = true
			}
			break
		}
		if !matched {
			_, size := utf8.DecodeRuneInString(body[i:])
			i += size
		}
	}
	return out
}

// timeWithUnit reads a processing time such as "5 Ngày làm việc". The
// longer unit comes first so that "Ngày làm việc" is not read as "Ngày".
var timeWithUnit = regexp.MustCompile(`^(\d+(?:[.,]\d+)?) (Ngày làm việc|Ngày|Giờ|Tháng)`)

// timeUnits maps the portal's units to catalog units.
var timeUnits = map[string]catalog.TimeUnit{
	"Ngày làm việc": catalog.UnitWorkingDay,
	"Ngày":          catalog.UnitDay,
	"Giờ":           catalog.UnitHour,
	"Tháng":         catalog.UnitMonth,
}

// leadingDigits is a time cell without a unit ("1Miễn phí").
var leadingDigits = regexp.MustCompile(`^\d+`)

// parseChannelRow reads one row after its channel name: time, fee, description.
func parseChannelRow(kind catalog.ChannelKind, row string, w *warnings) catalog.Channel {
	ch := catalog.Channel{Kind: kind}
	rest := parseRowTime(&ch, row, w)

	fee, n, ok := parseFee(rest, w)
	if !ok {
		w.add(FeeMissing, snippet(rest))
	} else {
		ch.Fee = fee
		rest = rest[n:]
	}
	ch.Description = cleanText(rest)
	if strings.Trim(ch.Description, ".,;:- ") == "" {
		ch.Description = "" // the "." left after a fee note
	}
	return ch
}

// parseRowTime fills the processing time of ch from the start of row and
// returns what follows it.
func parseRowTime(ch *catalog.Channel, row string, w *warnings) string {
	// The usual case: "5 Ngày làm việc".
	if m := timeWithUnit.FindStringSubmatch(row); m != nil {
		value, err := decimal.NewFromString(strings.ReplaceAll(m[1], ",", "."))
		if err != nil || !value.IsPositive() {
			ch.TimeText = m[0]
			w.add(TimeNotPositive, quote(m[0]))
		} else {
			ch.ProcessingTime = &catalog.ProcessingTime{Value: value, Unit: timeUnits[m[2]]}
		}
		return row[len(m[0]):]
	}

	// A number without a unit ("1Miễn phí"). When the fee is an amount the
	// two numbers are glued ("120 VNĐ" is 1 + "20 VNĐ"); split them only
	// where a single split gives a well-formed amount.
	if digits := leadingDigits.FindString(row); digits != "" {
		if _, _, ok := feeWord(row[len(digits):]); ok {
			ch.TimeText = digits
			w.add(TimeWithoutUnit, quote(digits))
			return row[len(digits):]
		}
		if m := feeAmountHead.FindStringSubmatch(row); m != nil {
			k, ok := splitGluedTimeAndAmount(m[1])
			if !ok {
				w.add(TimeGluedToFee, quote(m[0]))
				return row
			}
			ch.TimeText = m[1][:k]
			w.add(TimeWithoutUnit, quote(ch.TimeText))
			return row[k:]
		}
		ch.TimeText = digits
		w.add(TimeWithoutUnit, quote(digits))
		return row[len(digits):]
	}

	// "Không có thông tin" as the time cell, followed by the fee cell. When no
	// fee follows it, it is the fee itself and the time cell is missing.
	if strings.HasPrefix(row, noInfo) {
		if _, _, ok := feeWord(row[len(noInfo):]); ok {
			return row[len(noInfo):]
		}
		if feeAmountHead.MatchString(row[len(noInfo):]) {
			return row[len(noInfo):]
		}
		return row
	}

	// Free text in the time cell ("Không quy định", "Không phải trả kết quả
	// ..."): it runs up to the first fee.
	if p := firstFeeIndex(row); p > 0 {
		ch.TimeText = collapseSpaces(row[:p])
		w.add(TimeNotDuration, snippet(ch.TimeText))
		return row[p:]
	}
	return row
}

// splitGluedTimeAndAmount splits digits such as "120" or "1100,000" into a
// time and an amount. It returns the length of the time part and true when
// exactly one split leaves a well-formed, non-zero amount.
func splitGluedTimeAndAmount(glued string) (int, bool) {
	found := -1
	for k := 1; k < len(glued); k++ {
		if !isAllDigits(glued[:k]) {
			break
		}
		v, ok := parseGroupedNumber(glued[k:])
		if !ok || v.IsZero() {
			continue
		}
		if found >= 0 {
			return 0, false
		}
		found = k
	}
	if found < 0 {
		return 0, false
	}
	return found, true
}

// feeFree is the fee cell for "free of charge".
const feeFree = "Miễn phí"

// feeAmountHead is an amount with a currency at the start of a fee cell:
// "10 USD", "2,000,000 Việt Nam Đồng", "50.000 VNĐ".
var feeAmountHead = regexp.MustCompile(`^(\d[\d.,]*) ?(VNĐ|Việt Nam Đồng|USD)`)

// feeAmountAnywhere finds an amount cell inside a row.
var feeAmountAnywhere = regexp.MustCompile(`\d[\d.,]* ?(?:VNĐ|Việt Nam Đồng|USD)`)

// feeWord reports whether s starts with a fee that is a word.
func feeWord(s string) (word string, n int, ok bool) {
	for _, word := range []string{feeFree, noInfo} {
		if strings.HasPrefix(s, word) {
			return word, len(word), true
		}
	}
	return "", 0, false
}

// firstFeeIndex returns the byte offset of the first fee cell in s, or -1.
func firstFeeIndex(s string) int {
	best := -1
	for _, word := range []string{feeFree, noInfo} {
		if i := strings.Index(s, word); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if loc := feeAmountAnywhere.FindStringIndex(s); loc != nil && (best < 0 || loc[0] < best) {
		best = loc[0]
	}
	return best
}

// parseFee reads the fee cell at the start of s: a word or an amount with a
// currency, then an optional note in parentheses. It returns the fee, the
// number of bytes read and whether a fee was there.
func parseFee(s string, w *warnings) (catalog.Fee, int, bool) {
	var fee catalog.Fee
	head, n, isWord := feeWord(s)
	var amountText, currencyWord string
	if !isWord {
		m := feeAmountHead.FindStringSubmatch(s)
		if m == nil {
			return fee, 0, false
		}
		head, n = m[0], len(m[0])
		amountText, currencyWord = m[1], m[2]
	}

	note := ""
	if strings.HasPrefix(s[n:], "(") {
		end := matchingParen(s[n:])
		if end < 0 {
			// Nothing closes the note; it runs to the end of the row.
			w.add(FeeUnbalancedParenthesis, snippet(s[n:]))
			end = len(s[n:])
		}
		note = s[n : n+end]
		n += end
	}
	// A second note now and then follows the first: "3,500,000 Việt Nam
	// Đồng(/hồ sơ)(áp dụng mức phí 1.750.000 đồng/hồ sơ kể từ ...)". A
	// description may start with "(1) ...", so only a note about money counts.
	for note != "" && strings.HasPrefix(s[n:], "(") {
		end := matchingParen(s[n:])
		if end < 0 || !isFeeNote(s[n:n+end]) {
			break
		}
		note += s[n : n+end]
		n += end
	}

	if head == noInfo && note == "" {
		return fee, n, true
	}
	fee.Text = collapseSpaces(head + note)
	switch {
	case head == feeFree:
		if isNothingNote(note) {
			zero := decimal.Zero
			fee.Amount, fee.Currency = &zero, "VND"
		}
	case !isWord:
		fee.Amount, fee.Currency = feeAmount(amountText, currencyWord, note, w)
	}
	return fee, n, true
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

// nothingNotes are notes after "Miễn phí" that add nothing ("(Không)").
var nothingNotes = map[string]bool{
	"":                 true,
	"không":            true,
	"không có":         true,
	"miễn phí":         true,
	"miễn lệ phí":      true,
	"không thu phí":    true,
	"không thu lệ phí": true,
}

// isNothingNote reports whether a "Miễn phí" note leaves the fee at zero.
// Other notes often say the fee is set elsewhere ("Mức lệ phí cụ thể do Hội
// đồng nhân dân tỉnh ... quyết định"), so "Miễn phí" is not a zero then.
func isNothingNote(note string) bool {
	note = strings.TrimSuffix(strings.TrimPrefix(note, "("), ")")
	note = strings.ToLower(strings.TrimRight(collapseSpaces(note), ". "))
	return nothingNotes[note]
}

// feeAmount decides whether an amount cell is unambiguous. It is when the
// amount is well-formed and every amount that the note mentions is the same
// one. The portal often writes VND amounts in thousands ("20 VNĐ(20.000
// vnđ/tờ khai)", "100 VNĐ(100.000 đồng/lần)") and notes often carry other
// rates ("4,000,000 Việt Nam Đồng(Áp dụng mức phí: 2.000.000 đồng ... đến
// hết ngày 31/12/2026 ...)"); in those cases there is no single amount.
func feeAmount(amountText, currencyWord, note string, w *warnings) (*decimal.Decimal, string) {
	value, ok := parseGroupedNumber(amountText)
	if !ok {
		w.add(FeeAmountUnreadable, quote(amountText))
		return nil, ""
	}
	currency := "VND"
	if currencyWord == "USD" {
		currency = "USD"
	}
	if currency == "VND" && value.IsPositive() && value.LessThan(decimal.NewFromInt(1000)) {
		w.add(FeeInThousands, quote(amountText+" "+currencyWord))
		return nil, ""
	}
	if isConditionalNote(note) {
		w.add(FeeConditional, snippet(amountText+" "+currencyWord+note))
		return nil, ""
	}
	for _, m := range noteAmounts(note) {
		if !m.ok || m.currency != currency || !m.value.Equal(value) {
			w.add(FeeOtherAmounts, snippet(amountText+" "+currencyWord+note))
			return nil, ""
		}
	}
	return &value, currency
}

// money is an amount found in a fee note.
type money struct {
	value    decimal.Decimal
	currency string
	ok       bool // false when the number could not be read
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
		out = append(out, money{value: v, currency: currency, ok: ok})
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
		if loc[1] < len(note) && strings.ContainsAny(note[loc[1]:loc[1]+1], "0123456789/.,") {
			continue
		}
		v, _ := parseNoteNumber(note[loc[0]:loc[1]])
		out = append(out, money{value: v, currency: "VND", ok: true})
	}
	return out
}

var (
	plainNumber  = regexp.MustCompile(`^(0|[1-9]\d*)$`)
	commaGrouped = regexp.MustCompile(`^[1-9]\d{0,2}(,\d{3})+$`)
	dotGrouping  = regexp.MustCompile(`^[1-9]\d{0,2}(\.\d{3})+$`)
	commaDecimal = regexp.MustCompile(`^\d+,\d{1,2}$`)
)

// parseGroupedNumber reads an amount cell. In this data both "2,000,000"
// and "50.000" group thousands; neither is a decimal point.
func parseGroupedNumber(s string) (decimal.Decimal, bool) {
	switch {
	case plainNumber.MatchString(s):
	case commaGrouped.MatchString(s):
		s = strings.ReplaceAll(s, ",", "")
	case dotGrouping.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
	default:
		return decimal.Decimal{}, false
	}
	v, err := decimal.NewFromString(s)
	return v, err == nil
}

// parseNoteNumber reads a number in a note, written the Vietnamese way:
// "100.000" groups thousands, "2,1 (tỷ)" has a decimal comma.
func parseNoteNumber(s string) (decimal.Decimal, bool) {
	s = strings.TrimRight(s, ".,")
	if commaDecimal.MatchString(s) && !commaGrouped.MatchString(s) {
		v, err := decimal.NewFromString(strings.Replace(s, ",", ".", 1))
		return v, err == nil
	}
	return parseGroupedNumber(s)
}

func isAllDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// letterAt reports whether a letter starts at byte i of s.
func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// isFeeNote reports whether a parenthesised text is about the fee: it
// names an amount or a fee ("phí").
func isFeeNote(group string) bool {
	return utf8.RuneCountInString(group) > 4 && (len(noteAmounts(group)) > 0 || strings.Contains(strings.ToLower(group), "phí"))
}

// isConditionalNote reports whether a note makes the amount depend on
// something: a percentage ("Bằng 50% mức thu") or the provincial council
// ("Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định").
func isConditionalNote(note string) bool {
	lower := strings.ToLower(note)
	return strings.Contains(note, "%") || strings.Contains(lower, "hội đồng nhân dân") || strings.Contains(note, "HĐND")
}
