package importer

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Where the portal glues an issuer code to the next title ("TT-BCAQUY
// ĐỊNH", "NĐ-CPLUẬT"), a reader tells them apart because a code is a run
// of initials while the title starts with a Vietnamese word. These helpers
// know the shape of a Vietnamese syllable: an optional initial consonant,
// a vowel nucleus and an optional final consonant, with a tone mark on
// the vowel. They know no issuer.

// toneMarks are the combining marks of the five tones other than the
// level one; the marks that make ă, â, ê, ô, ơ, ư are part of the vowel.
const toneMarks = "\u0300\u0301\u0303\u0309\u0323"

// withoutTone returns w in lower case with its tone marks removed.
func withoutTone(w string) string {
	d := norm.NFD.String(strings.ToLower(w))
	d = strings.Map(func(r rune) rune {
		if strings.ContainsRune(toneMarks, r) {
			return -1
		}
		return r
	}, d)
	return norm.NFC.String(d)
}

// hasTone reports whether w carries a tone mark: codes never do.
func hasTone(w string) bool {
	return strings.ContainsAny(norm.NFD.String(w), toneMarks)
}

// syllableShape matches a toneless, lower-case Vietnamese syllable.
var syllableShape = regexp.MustCompile(`^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?` +
	`(iêu|yêu|oai|oay|oeo|uây|uôi|uya|uyê|uyu|ươi|ươu|oao|` +
	`ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|` +
	`[aăâeêioôơuưy])` +
	`(ch|nh|ng|[cmnpt])?$`)

// isSyllable reports whether w, in any case, has the shape of one
// Vietnamese syllable.
func isSyllable(w string) bool {
	return w != "" && syllableShape.MatchString(withoutTone(w))
}

// hasInitial reports whether syllable w starts with a consonant.
func hasInitial(w string) bool {
	r := []rune(withoutTone(w))
	return len(r) > 0 && !strings.ContainsRune("aăâeêioôơuưy", r[0])
}

// titleOpeners are words that open the titles of legal documents: the
// document types and the verbs of their titles. Only used to choose
// between two readings that are both Vietnamese ("BTP" + "HƯỚNG DẪN" or
// "BT" + "PHƯỚNG").
var titleOpeners = map[string]bool{
	"luật": true, "bộ": true, "nghị": true, "thông": true, "quyết": true, "pháp": true,
	"chỉ": true, "lệnh": true, "văn": true, "quy": true, "hướng": true, "về": true,
	"sửa": true, "ban": true, "bãi": true, "danh": true, "biểu": true, "mẫu": true,
	"mức": true, "phê": true, "chi": true, "kế": true, "công": true, "hiến": true,
}

// isUpperRun reports whether s is all upper-case letters.
func isUpperRun(s string) bool {
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return s != ""
}
