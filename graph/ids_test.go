package graph

import (
	"encoding/base64"
	"testing"
)

// TestOneSpellingPerID checks that an entity has exactly one global ID:
// other spellings of its key or of its base64 are refused, not read as
// the same entity.
func TestOneSpellingPerID(t *testing.T) {
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	id := globalIntID(typeProposal, 14)
	if n, err := parseIntID("id", typeProposal, id); err != nil || n != 14 {
		t.Fatalf("%s: %d, %v", id, n, err)
	}
	for name, other := range map[string]string{
		"leading zero":        raw("Proposal:014"),
		"plus sign":           raw("Proposal:+14"),
		"spaces":              raw("Proposal: 14"),
		"zero":                raw("Proposal:0"),
		"negative":            raw("Proposal:-14"),
		"beyond 64 bits":      raw("Proposal:99999999999999999999"),
		"another type":        raw("Procedure:14"),
		"padded base64":       base64.URLEncoding.EncodeToString([]byte("Proposal:14")),
		"standard base64":     base64.StdEncoding.EncodeToString([]byte("Proposal:14?")),
		"a line break":        id[:4] + "\n" + id[4:],
		"stray trailing bits": id[:len(id)-1] + string(id[len(id)-1]+1),
		"NUL in the key":      raw("Proposal:14\x00"),
		"not base64":          "Proposal:14",
		"empty":               "",
	} {
		if n, err := parseIntID("id", typeProposal, other); err == nil {
			t.Errorf("%s: %q read as proposal %d", name, other, n)
		}
	}
	if _, _, err := parseGlobalID(raw("AuthorityLevel:\xff")); err == nil {
		t.Error("an ID whose key is not UTF-8 was read")
	}
}

// FuzzParseID feeds IDs, well-formed and not, to the ID parsers: they
// never panic, and an ID they read is the one the API writes for what
// they read. The seeds are in testdata/fuzz/FuzzParseID; `make fuzz`
// runs it longer.
func FuzzParseID(f *testing.F) {
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, s := range []string{globalIntID(typeProposal, 14), globalID(typeAuthorityLevel, "COMMUNE"), raw("Proposal:014"),
		raw("Proposal:+14"), raw("Procedure:9223372036854775807"), raw("Unit:\x00"), raw(":"), "", "=", "Proposal:14"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		typ, key, err := parseGlobalID(id)
		if err != nil {
			return
		}
		if got := globalID(typ, key); got != id {
			t.Fatalf("read %q as %s:%s, which the API writes %q", id, typ, key, got)
		}
		if n, err := parseIntID("id", typ, id); err == nil {
			if got := globalIntID(typ, n); got != id || n <= 0 {
				t.Fatalf("read %q as %s %d, which the API writes %q", id, typ, n, got)
			}
		}
	})
}
