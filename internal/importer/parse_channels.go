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
	rest, glued := parseRowTime(&ch, row, w)

	fee, n, ok := parseFee(rest, w)
	if !ok {
		w.add(FeeMissing, snippet(rest))
	} else {
		if glued {
			// Where the time ends in "1250 VNĐ" is unknown, so is the amount.
			fee.Amount, fee.Currency = nil, ""
		}
		ch.Fee = fee
		rest = rest[n:]
	}
	ch.Description = cleanText(rest)
	if strings.Trim(ch.Description, ".,;:- ") == "" {
		ch.Description = "" // the "." left after a fee note
	}
	if ch.Fee.Amount != nil && describesOtherFees(ch.Description, *ch.Fee.Amount, ch.Fee.Currency) {
		// "800,000 Việt Nam Đồng" then "Phí: 800.000 đồng/hồ sơ (áp dụng
		// mức phí 400.000 đồng/hồ sơ kể từ ngày ...). Lệ phí: 100.000 đồng".
		w.add(FeeOtherAmounts, snippet(ch.Description))
		ch.Fee.Amount, ch.Fee.Currency = nil, ""
	}
	return ch
}

// parseRowTime fills the processing time of ch from the start of row and
// returns what follows it, and whether a time without unit is glued to a
// fee amount in a way that cannot be split.
func parseRowTime(ch *catalog.Channel, row string, w *warnings) (string, bool) {
	// The usual case: "5 Ngày làm việc".
	if m := timeWithUnit.FindStringSubmatch(row); m != nil {
		value, err := decimal.NewFromString(strings.ReplaceAll(m[1], ",", "."))
		if err != nil || !value.IsPositive() {
			ch.TimeText = m[0]
			w.add(TimeNotPositive, quote(m[0]))
		} else {
			ch.ProcessingTime = &catalog.ProcessingTime{Value: value, Unit: timeUnits[m[2]]}
		}
		return row[len(m[0]):], false
	}

	// A number without a unit ("1Miễn phí"). When the fee is an amount the
	// two numbers are glued ("120 VNĐ" is 1 + "20 VNĐ"); split them only
	// where a single split gives a well-formed amount.
	if digits := leadingDigits.FindString(row); digits != "" {
		if _, _, ok := feeWord(row[len(digits):]); ok {
			ch.TimeText = digits
			w.add(TimeWithoutUnit, quote(digits))
			return row[len(digits):], false
		}
		if m := feeAmountHead.FindStringSubmatch(row); m != nil {
			k, ok := splitGluedTimeAndAmount(m[1])
			if !ok {
				w.add(TimeGluedToFee, quote(m[0]))
				return row, true
			}
			ch.TimeText = m[1][:k]
			w.add(TimeWithoutUnit, quote(ch.TimeText))
			return row[k:], false
		}
		ch.TimeText = digits
		w.add(TimeWithoutUnit, quote(digits))
		return row[len(digits):], false
	}

	// "Không có thông tin" as the time cell, followed by the fee cell. When no
	// fee follows it, it is the fee itself and the time cell is missing.
	if strings.HasPrefix(row, noInfo) {
		if _, _, ok := feeWord(row[len(noInfo):]); ok {
			return row[len(noInfo):], false
		}
		if feeAmountHead.MatchString(row[len(noInfo):]) {
			return row[len(noInfo):], false
		}
		return row, false
	}

	// Free text in the time cell ("Không quy định", "Không phải trả kết quả
	// ..."): it runs up to the first fee.
	if p := firstFeeIndex(row); p > 0 {
		ch.TimeText = collapseSpaces(row[:p])
		w.add(TimeNotDuration, snippet(ch.TimeText))
		return row[p:], false
	}
	return row, false
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
	// "01 triệu đồng", "02 USD": counts are written with a zero.
	if len(s) > 1 && s[0] == '0' && isAllDigits(s) {
		s = strings.TrimLeft(s, "0")
		if s == "" {
			s = "0"
		}
	}
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
