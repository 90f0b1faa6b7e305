// Package importer turns the national portal's export into catalog terms.
//
// This file and its parse_*.go siblings hold pure functions: no I/O, no
// database. The portal flattens its HTML tables into text without any
// separator between cells, so most of the work here is finding cell
// boundaries again. Where a boundary cannot be found reliably the parser
// keeps the text it has, adds a warning to the record and moves on: one odd
// record must never stop an import.
package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"tthc/internal/catalog"
)

// PortalRecord is one line of the portal export, keys as on the portal.
type PortalRecord struct {
	Code               string `json:"ma_thu_tuc"`
	DetailURL          string `json:"detail_url"`
	FormalityID        string `json:"formality_id"`
	Name               string `json:"ten_thu_tuc"`
	DecisionNumber     string `json:"so_quyet_dinh"`
	Levels             string `json:"cap_thuc_hien"`
	Type               string `json:"loai_thu_tuc"`
	Sector             string `json:"linh_vuc"`
	Audiences          string `json:"doi_tuong_thuc_hien"`
	CompetentAgency    string `json:"co_quan_co_tham_quyen"`
	ReceptionAddress   string `json:"dia_chi_tiep_nhan"`
	DelegatedAgency    string `json:"co_quan_duoc_uy_quyen"`
	CoordinatingAgency string `json:"co_quan_phoi_hop"`
	RelatedProcedures  string `json:"thu_tuc_lien_quan"`
	Steps              string `json:"trinh_tu_thuc_hien"`
	Channels           string `json:"cach_thuc_thuc_hien"`
	Documents          string `json:"thanh_phan_ho_so"`
	LegalBasis         string `json:"can_cu_phap_ly"`
	ExecutingAgency    string `json:"co_quan_thuc_hien"`
	Requirements       string `json:"yeu_cau_dieu_kien"`
	Result             string `json:"ket_qua_xu_ly"`
	RawText            string `json:"raw_text"`
}

// Record is a portal record parsed into the catalog's terms.
type Record struct {
	Procedure  catalog.Procedure // IDs, timestamps and SectorID are left zero
	Sector     string            // linh_vuc, trimmed; "" when absent
	Levels     []catalog.LevelCode
	Agencies   []catalog.AgencyRef // competent, executing, delegated, coordinating; deduplicated per role
	Channels   []catalog.Channel
	Documents  []catalog.Document
	LegalBasis []catalog.LegalRef // deduplicated by Number, order kept
	Warnings   []Warning          // what could not be parsed reliably (kept as raw text instead)
}

// noInfo is what the portal prints for an empty field ("no information").
const noInfo = "Không có thông tin"

// codePattern is a national code: digits '.' digits, optionally followed by
// a local suffix such as ".H19".
var codePattern = regexp.MustCompile(`^\d+\.\d+(\.[A-Z][A-Z0-9]*)?$`)

// Parse decodes one JSONL line. It returns an error only when the record is
// unusable: invalid JSON, missing code or name, a code not shaped like a
// national code (digits '.' digits, optionally a suffix like ".H19"). Every
// other oddity becomes a Warning and the raw text is kept. With an error the
// Record holds nothing but the code, when there is one, for reporting.
func Parse(line []byte) (Record, error) {
	var pr PortalRecord
	if err := json.Unmarshal(line, &pr); err != nil {
		return Record{}, fmt.Errorf("invalid JSON: %w", err)
	}
	return fromPortal(pr)
}

// fromPortal converts an already decoded portal record.
func fromPortal(pr PortalRecord) (Record, error) {
	pr = normaliseRecord(pr)
	code := strings.TrimSpace(pr.Code)
	name := collapseSpaces(pr.Name)
	if code == "" {
		return Record{}, errors.New("missing code (ma_thu_tuc)")
	}
	codeOnly := Record{Procedure: catalog.Procedure{Code: code}}
	if name == "" || name == noInfo {
		return codeOnly, errors.New("missing name (ten_thu_tuc)")
	}
	if !codePattern.MatchString(code) {
		return codeOnly, fmt.Errorf("code %s is not a national code (digits, a dot, digits, an optional suffix such as .H19)", quote(shorten(code, 60)))
	}

	var w warnings
	rec := Record{Sector: cleanLine(pr.Sector)}

	result, resultCodes := parseResult(pr.Result, &w)
	rec.Procedure = catalog.Procedure{
		Code:           code,
		Name:           name,
		Type:           cleanLine(pr.Type),
		DecisionNumber: cleanLine(pr.DecisionNumber),
		Audiences:      parseAudiences(pr.Audiences),
		Steps:          cleanText(pr.Steps),
		Requirements:   cleanText(pr.Requirements),
		Result:         result,
		ResultCodes:    resultCodes,
		ReceptionAddr:  cleanText(pr.ReceptionAddress),
		RelatedText:    cleanText(pr.RelatedProcedures),
		Status:         catalog.StatusInForce,
		SourceURL:      strings.TrimSpace(pr.DetailURL),
		PortalID:       strings.TrimSpace(pr.FormalityID),
		RawText:        pr.RawText,
	}

	rec.Levels = parseLevels(pr.Levels, &w)

	// The order of roles is fixed so that output is stable.
	roles := []struct {
		role catalog.AgencyRole
		text string
	}{
		{catalog.RoleCompetent, pr.CompetentAgency},
		{catalog.RoleExecuting, pr.ExecutingAgency},
		{catalog.RoleDelegated, pr.DelegatedAgency},
		{catalog.RoleCoordinating, pr.CoordinatingAgency},
	}
	for _, r := range roles {
		for _, n := range parseAgencies(r.text, &w) {
			rec.Agencies = append(rec.Agencies, catalog.AgencyRef{Role: r.role, Name: n})
		}
	}

	rec.Channels = parseChannels(pr.Channels, &w)
	for _, ch := range rec.Channels {
		if ch.Kind == catalog.ChannelOnline {
			rec.Procedure.OnlineAvailable = true
		}
	}
	rec.Documents = parseDocuments(pr.Documents, &w)
	// Codes the record writes with a clear end anywhere settle where a
	// glued code ends in the legal basis table.
	known := cleanCodes(pr.DecisionNumber, pr.Steps, pr.Requirements, pr.Channels, pr.Documents, pr.Result)
	rec.LegalBasis = parseLegalBasis(pr.LegalBasis, known, &w)
	rec.Warnings = w.list
	if err := rec.Draft().Validate(); err != nil {
		return codeOnly, limitError(err)
	}
	return rec, nil
}

// portalKeys name, for each field of a draft, the portal key it comes from.
var portalKeys = map[string]string{
	"code": "ma_thu_tuc", "name": "ten_thu_tuc", "sector": "linh_vuc", "type": "loai_thu_tuc",
	"decisionNumber": "so_quyet_dinh", "audiences": "doi_tuong_thuc_hien", "steps": "trinh_tu_thuc_hien",
	"requirements": "yeu_cau_dieu_kien", "result": "ket_qua_xu_ly", "resultCodes": "ket_qua_xu_ly",
	"receptionAddress": "dia_chi_tiep_nhan", "relatedText": "thu_tuc_lien_quan", "sourceUrl": "detail_url",
	"portalId": "formality_id", "rawText": "raw_text", "agencies": "co_quan_*",
	"channels": "cach_thuc_thuc_hien", "documents": "thanh_phan_ho_so", "legalBasis": "can_cu_phap_ly",
}

// limitError words a field over the catalog's limits in the portal's
// terms: "ten_thu_tuc (name): 200000 characters, at most 1000 allowed".
func limitError(err error) error {
	var fe *catalog.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	top, _, _ := strings.Cut(fe.Field, ".")
	if key, ok := portalKeys[top]; ok {
		return fmt.Errorf("%s (%s): %s", key, fe.Field, fe.Reason)
	}
	return err
}

// levelNames maps the portal's words for authority levels to level codes.
var levelNames = map[string]catalog.LevelCode{
	"Cấp bộ":       catalog.LevelMinistry,
	"Cấp tỉnh":     catalog.LevelProvince,
	"Cấp huyện":    catalog.LevelDistrict,
	"Cấp xã":       catalog.LevelCommune,
	"Cơ quan khác": catalog.LevelOther,
}

// parseLevels reads cap_thuc_hien, a comma-separated list such as
// "Cấp bộ, Cấp tỉnh, Cấp xã". Unknown words are reported, not guessed.
func parseLevels(s string, w *warnings) []catalog.LevelCode {
	var out []catalog.LevelCode
	seen := map[catalog.LevelCode]bool{}
	for _, part := range strings.Split(cleanLine(s), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code, ok := levelNames[part]
		if !ok {
			// The portal is not consistent about capitals ("Cấp Tỉnh").
			for name, c := range levelNames {
				if strings.EqualFold(name, part) {
					code, ok = c, true
					break
				}
			}
		}
		if !ok {
			w.add(LevelUnknown, quote(part))
			continue
		}
		if !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	return out
}

// parseAudiences reads doi_tuong_thuc_hien. Items are separated by ", " but
// an item may itself contain commas, either inside parentheses
// ("Tổ chức (không bao gồm doanh nghiệp, HTX)") or as a phrase
// ("Cán bộ, công chức, viên chức"). Every item on the portal starts with a
// capital letter, so a part that starts in lower case continues the previous
// item.
func parseAudiences(s string) []string {
	return splitCapitalisedList(cleanLine(s))
}

// parseAgencies reads one of the agency fields. Like audiences, an agency
// name may contain commas ("Cục cảnh sát quản lý hành chính về trật tự, xã
// hội", "Thuế tỉnh, thành phố"), so the list is split only where the next
// part starts with a capital letter. Text that does not look like a name
// (a spill-over of another field) is reported and dropped.
func parseAgencies(s string, w *warnings) []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range splitCapitalisedList(cleanLine(s)) {
		// Names end in a stray full stop now and then ("... thị trấn.").
		name = strings.TrimSpace(strings.TrimRight(name, "."))
		if name == "" || name == noInfo {
			continue
		}
		first, _ := utf8.DecodeRuneInString(name)
		if unicode.IsLower(first) || utf8.RuneCountInString(name) > 300 {
			w.add(AgencyNotAName, snippet(name))
			continue
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// splitCapitalisedList splits s on commas that are outside parentheses and
// followed by a part starting with an upper-case letter or a digit. Parts
// are trimmed and whitespace inside them collapsed.
func splitCapitalisedList(s string) []string {
	if s == "" {
		return nil
	}
	var parts []string
	depth := 0
	start := 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, s[start:])

	var out []string
	for _, p := range parts {
		p = collapseSpaces(p)
		if p == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(p)
		if len(out) > 0 && !unicode.IsUpper(first) && !unicode.IsDigit(first) {
			out[len(out)-1] += ", " + p
			continue
		}
		out = append(out, p)
	}
	return out
}

// resultCodeToken is the text after "Mã:" that may hold a result code.
// Codes seen: KQ.G01.000074, KQ.H19.000012, 000.00.00.G11-KQ1711,
// TP-G12.0001143, VBTT, and test leftovers such as "Test_P001" or "rjwegefu".
var resultCodeToken = regexp.MustCompile(`^[A-Za-z0-9._\-]+`)

// resultEndMarkers end the list of results; what follows is the portal's
// keyword and description boxes and its page furniture.
var resultEndMarkers = []string{"Từ khóa", "Chọn cơ quan thực hiện"}

// parseResult reads ket_qua_xu_ly: "Name1Mã: CODE1Name2Mã: CODE2Từ khóa...".
// It returns the result names, one a line, and the codes in order. A
// procedure often has several results (a licence, or a letter of refusal),
// so every name is kept, not only the text before the first "Mã:".
func parseResult(s string, w *warnings) (string, []string) {
	s = strings.TrimSpace(s)
	if s == "" || s == noInfo {
		return "", nil
	}
	end := len(s)
	for _, m := range resultEndMarkers {
		if i := strings.Index(s, m); i >= 0 && i < end {
			end = i
		}
	}
	body := s[:end]

	var names, codes []string
	seenCode := map[string]bool{}
	const marker = "Mã:"
	for {
		i := strings.Index(body, marker)
		if i < 0 {
			if n := cleanLine(body); n != "" {
				names = append(names, n)
			}
			break
		}
		if n := cleanLine(body[:i]); n != "" {
			names = append(names, n)
		}
		rest := strings.TrimLeft(body[i+len(marker):], " \t\u00a0")
		code := resultCode(rest)
		switch {
		case code == "" || !isResultCode(code):
			w.add(ResultNoCode, snippet(rest))
		case !seenCode[code]:
			seenCode[code] = true
			codes = append(codes, code)
		}
		body = rest[len(code):]
	}
	return strings.Join(names, "\n"), codes
}

// resultCode cuts the code from the start of text. The next result name
// follows without a separator ("KQ.G01.000074Giấy chứng nhận",
// "KQ.G12.000099KBNN hoặc ..."), and codes end in a digit, so letters after
// the last digit belong to that name. A token without digits is a code
// ("VBTT") unless a word runs on from it ("Cơ quan ...": no code at all).
func resultCode(text string) string {
	tok := resultCodeToken.FindString(text)
	if i := strings.LastIndexFunc(tok, unicode.IsDigit); i >= 0 {
		return tok[:i+1]
	}
	if letterAt(text, len(tok)) {
		// Glued to a word: keep what comes before that word's capital.
		if i := strings.LastIndexFunc(tok, unicode.IsUpper); i >= 0 {
			return tok[:i]
		}
		return ""
	}
	return tok
}

// isResultCode rejects leftovers such as "rjwegefu" or "hgvg6": real codes
// start with a capital letter or a digit.
func isResultCode(code string) bool {
	first, _ := utf8.DecodeRuneInString(code)
	return unicode.IsUpper(first) || unicode.IsDigit(first)
}

// cleanText trims a multi-line text field and maps "no information" to "".
func cleanText(s string) string {
	s = strings.TrimSpace(s)
	if s == noInfo {
		return ""
	}
	return s
}

// cleanLine is cleanText for one-line fields: whitespace runs, including
// the non-breaking spaces the portal uses, become one space.
func cleanLine(s string) string {
	s = collapseSpaces(s)
	if s == noInfo {
		return ""
	}
	return s
}

// collapseSpaces turns every run of white space (tabs, newlines,
// non-breaking spaces) into one space and trims the ends.
func collapseSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// quote quotes a short text for a warning.
func quote(s string) string {
	return fmt.Sprintf("%q", s)
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// escapeControls writes control characters (and the Unicode controls that
// reorder text on screen) as Go escapes, leaving every other letter as
// it is: Vietnamese stays readable.
func escapeControls(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// snippet quotes text for a warning, shortened.
func snippet(s string) string {
	s = collapseSpaces(s)
	const maxRunes = 60
	if utf8.RuneCountInString(s) <= maxRunes {
		return fmt.Sprintf("%q", s)
	}
	r := []rune(s)
	return fmt.Sprintf("%q", string(r[:maxRunes])+"…")
}
