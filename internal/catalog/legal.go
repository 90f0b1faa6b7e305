package catalog

import (
	"strconv"
	"strings"
)

// A legal document's number and symbol (số, ký hiệu) is
//
//	number "/" [year "/"] type "-" issuer {"-" issuer}    120/2025/NĐ-CP, 09/2009/TTLT-BCA-BYT, 3510/QĐ-BHXH
//	number "/" year "/" legislature                      60/2014/QH13, 05/2024/UBTVQH15
//	number "/" issuer "-" department                     2754/BHXH-CSXH (an official letter)
//	number "-" type "/" issuer                           13-TB/TW (a document of the Party)
//	number "-" issuer                                    73-CP (a decree of the 1990s)
//
// The types are fixed by the Law on legal documents; the issuers are an
// open set (ministries merged in 2025 and new codes appeared), so nothing
// here lists them. A department may follow in parentheses: 21/2007/TT-BCA(X13).

// LegalNumber is a number split into its parts.
type LegalNumber struct {
	Number string   // "120", "66.7", "30a"
	Year   int      // 0 when the symbol has none
	Parts  []string // type and issuers: ["NĐ", "CP"], ["QH13"], ["BHXH", "CSXH"]
	// Hyphenated marks the older forms "13-TB/TW" and "73-CP".
	Hyphenated bool
}

// SplitLegalNumber splits a number such as "120/2025/NĐ-CP". Old symbols
// separate the type with a slash ("18/2009/TTLT/BGDĐT-BTC") and read the
// same.
func SplitLegalNumber(number string) LegalNumber {
	var n LegalNumber
	segs := strings.Split(number, "/")
	n.Number = segs[0]
	rest := segs[1:]
	if num, code, ok := strings.Cut(segs[0], "-"); ok && num != "" && strings.Trim(num, "0123456789") == "" {
		n.Number, n.Hyphenated = num, true
		rest = append([]string{code}, rest...)
	}
	if len(rest) > 0 && len(rest[0]) == 4 {
		if y, err := strconv.Atoi(rest[0]); err == nil && y >= 1900 && y < 2100 {
			n.Year, rest = y, rest[1:]
		}
	}
	kind := strings.Join(rest, "-")
	for _, p := range strings.Split(kind, "-") {
		if p != "" {
			n.Parts = append(n.Parts, p)
		}
	}
	return n
}

// legalTypes are the document types a symbol may name, and what they are.
var legalTypes = map[string]string{
	"NĐ": "DECREE", "TT": "CIRCULAR", "TTLT": "JOINT_CIRCULAR", "NQ": "RESOLUTION", "NQLT": "RESOLUTION",
	"QĐ": "DECISION", "CT": "DIRECTIVE", "PL": "ORDINANCE",
	// An order (lệnh), a consolidated text, guidance, a plan, a notice,
	// an official letter, an old decree-law (sắc lệnh).
	"L": "OTHER", "VBHN": "OTHER", "HD": "OTHER", "HDLT": "OTHER", "KH": "OTHER", "TB": "OTHER", "CV": "OTHER", "SL": "OTHER",
}

// IsLegalType reports whether part is a document type of a symbol.
func IsLegalType(part string) bool {
	_, ok := legalTypes[part]
	return ok || legislature(part) > 0
}

// legislature returns nn for a part "QHnn" or "UBTVQHnn" (the National
// Assembly of the nn-th legislature and its Standing Committee), else 0.
func legislature(part string) int {
	digits, ok := strings.CutPrefix(part, "UBTVQH")
	if !ok {
		digits, ok = strings.CutPrefix(part, "QH")
	}
	if !ok || len(digits) != 2 {
		return 0
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// LegalTypeFromNumber derives the document type and issuer from a number
// such as "120/2025/NĐ-CP" (decree of the Government) or "23/2023/QH15"
// (law of the 15th National Assembly). It returns "" for what it cannot
// tell.
func LegalTypeFromNumber(number string) (docType, issuer string) {
	n := SplitLegalNumber(number)
	if len(n.Parts) == 0 {
		return "", ""
	}
	first := n.Parts[0]
	switch {
	case strings.HasPrefix(first, "QH") && len(n.Parts) == 1:
		// Laws carry only the legislature: "QH15".
		return "LAW", "Quốc hội"
	case strings.HasPrefix(first, "UBTVQH") && len(n.Parts) == 1:
		return "ORDINANCE", "Ủy ban Thường vụ Quốc hội"
	case n.Hyphenated && first == "L":
		// The laws of the 1990s: "18-L/CTN", promulgated by the President.
		return "LAW", strings.Join(n.Parts[1:], "-")
	}
	if t, ok := legalTypes[first]; ok {
		return t, strings.Join(n.Parts[1:], "-")
	}
	// No type: an official letter names its issuer first.
	return "", strings.Join(n.Parts, "-")
}

// LegalNumberIssue is a reason a number cannot be right as written.
type LegalNumberIssue string

const (
	// The year lies outside the term of the legislature the symbol names
	// (a law numbered 12/2025/QH13: the 13th legislature sat 2011-2016).
	IssueYearOutsideTerm LegalNumberIssue = "YEAR_OUTSIDE_TERM"
	// The year is later than the current one.
	IssueFutureYear LegalNumberIssue = "FUTURE_YEAR"
	// The first part is no document type ("N-CP", a type cut short).
	IssueUnknownType LegalNumberIssue = "UNKNOWN_TYPE"
	// A type without the issuer that must follow it ("52/2024/NĐ").
	IssueNoIssuer LegalNumberIssue = "NO_ISSUER"
	// Only a number and a year ("46/2020").
	IssueNoType LegalNumberIssue = "NO_TYPE"
)

// legislatureTerms are the years each National Assembly sat, from the
// 9th; the first and last years overlap with the neighbours.
var legislatureTerms = map[int][2]int{
	9: {1992, 1997}, 10: {1997, 2002}, 11: {2002, 2007}, 12: {2007, 2011},
	13: {2011, 2016}, 14: {2016, 2021}, 15: {2021, 2026}, 16: {2026, 2031},
}

// term returns the years of legislature n; later ones sit five years.
func term(n int) (int, int) {
	if t, ok := legislatureTerms[n]; ok {
		return t[0], t[1]
	}
	if n > 16 {
		start := 2026 + 5*(n-16)
		return start, start + 5
	}
	return 1946, 1992 // the first eight: too few documents to tell apart
}

// LegalNumberIssues lists why number cannot be right as written, or
// nothing. thisYear is the current year.
func LegalNumberIssues(number string, thisYear int) []LegalNumberIssue {
	n := SplitLegalNumber(number)
	var out []LegalNumberIssue
	if n.Year > thisYear {
		out = append(out, IssueFutureYear)
	}
	if len(n.Parts) == 0 {
		return append(out, IssueNoType)
	}
	first := n.Parts[0]
	if leg := legislature(first); leg > 0 {
		if from, to := term(leg); n.Year != 0 && (n.Year < from || n.Year > to) {
			out = append(out, IssueYearOutsideTerm)
		}
		return out
	}
	for _, p := range n.Parts[1:] {
		if leg := legislature(p); leg > 0 {
			// A resolution or ordinance of the National Assembly
			// (NQ-QH15, PL-UBTVQH10) dates within its term too.
			if from, to := term(leg); n.Year != 0 && (n.Year < from || n.Year > to) {
				out = append(out, IssueYearOutsideTerm)
			}
		}
	}
	_, typed := legalTypes[first]
	if n.Hyphenated && len(n.Parts) == 1 {
		return out // "73-CP": the issuer alone, as decrees were numbered then
	}
	switch {
	case typed && len(n.Parts) == 1:
		out = append(out, IssueNoIssuer)
	case !typed && (n.Year != 0 || len(n.Parts) == 1 || len([]rune(first)) < 3):
		// Without a type, only an official letter is well formed: no
		// year, an issuer of at least three letters and its department.
		out = append(out, IssueUnknownType)
	}
	return out
}
