package catalog

import (
	"regexp"
	"strings"
)

// legalSymbol matches the symbol part of a document number: the part
// after the last "/" names the type and issuer, e.g. "NĐ-CP", "TT-BCA",
// "QH15", "TTLT-BTC-BTP", "NQ-HĐND".
var legalSymbol = regexp.MustCompile(`^([^-]+?)(?:-(.+))?$`)

// LegalTypeFromNumber derives the document type and issuer from a number
// such as "120/2025/NĐ-CP" (decree of the Government) or "23/2023/QH15"
// (law of the 15th National Assembly). It returns "" for what it cannot
// tell.
func LegalTypeFromNumber(number string) (docType, issuer string) {
	i := strings.LastIndex(number, "/")
	if i < 0 {
		return "", ""
	}
	m := legalSymbol.FindStringSubmatch(number[i+1:])
	if m == nil {
		return "", ""
	}
	kind, issuer := m[1], m[2]
	switch {
	case strings.HasPrefix(kind, "QH"):
		// Laws carry only the legislature: "QH15".
		return "LAW", "Quốc hội"
	case kind == "NĐ":
		return "DECREE", issuer
	case kind == "TTLT":
		return "JOINT_CIRCULAR", issuer
	case kind == "TT":
		return "CIRCULAR", issuer
	case kind == "NQ":
		return "RESOLUTION", issuer
	case kind == "QĐ":
		return "DECISION", issuer
	case kind == "CT":
		return "DIRECTIVE", issuer
	case kind == "PL":
		return "ORDINANCE", issuer
	}
	return "", issuer
}
