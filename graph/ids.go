package graph

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
	"unicode/utf8"

	"tthc/graph/scalars"
	"tthc/internal/errs"
)

// The types of the global IDs (scalars.GlobalID), which are the names of
// the GraphQL objects: an object's id field, bound to its numeric key,
// is written by scalars.MarshalEntityID after the object's name.
const (
	typeProcedure      = "Procedure"
	typeAuthorityLevel = "AuthorityLevel"
	typeSector         = "Sector"
	typeAgency         = "Agency"
	typeUnit           = "AdministrativeUnit"
	typeLegalDocument  = "LegalDocument"
)

// globalID is the encoding, which lives with the entity-ID marshaller;
// parseGlobalID below reads it back.
var globalID = scalars.GlobalID

func globalIntID(typ string, id int64) string {
	return globalID(typ, strconv.FormatInt(id, 10))
}

// parseGlobalID returns the type and key of a global ID. Each ID has one
// spelling, the one the API gives out: base64 is read strictly (no
// padding, no line breaks, no stray bits), so that an ID cannot be told
// apart from another spelling of the same entity by a cache or a client.
func parseGlobalID(id string) (typ, key string, err error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(id)
	if err == nil && base64.RawURLEncoding.EncodeToString(b) == id && utf8.Valid(b) && !bytes.ContainsRune(b, 0) {
		var ok bool
		typ, key, ok = strings.Cut(string(b), ":")
		if ok && typ != "" && key != "" {
			return typ, key, nil
		}
	}
	return "", "", errs.Errorf(errs.Invalid, "invalid ID %q", id)
}

// parseIntID returns the numeric key of a global ID of type typ. The key
// is spelled as the API writes it: "Proposal:14", never "Proposal:014" or
// "Proposal:+14".
func parseIntID(field, typ, id string) (int64, error) {
	t, key, err := parseGlobalID(id)
	if err != nil {
		return 0, errs.Fieldf(field, "invalid ID %q", id)
	}
	n, err := strconv.ParseInt(key, 10, 64)
	if t != typ || err != nil || n <= 0 || strconv.FormatInt(n, 10) != key {
		return 0, errs.Fieldf(field, "ID %q is not the ID of a %s", id, typ)
	}
	return n, nil
}

// parseIntIDs parses a list of global IDs of type typ.
func parseIntIDs(field, typ string, ids []string) ([]int64, error) {
	out := make([]int64, len(ids))
	for i, id := range ids {
		n, err := parseIntID(field, typ, id)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

func optIntID(field, typ string, id *string) (*int64, error) {
	if id == nil {
		return nil, nil
	}
	n, err := parseIntID(field, typ, *id)
	return &n, err
}
