package catalog

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The largest values the catalog stores, in characters (runes) for texts
// and in items for lists. The portal's largest records are far below them
// (a name of 672 characters, steps of 22,649, a page of 50,503, 94 dossier
// documents); they exist so that one hostile or broken record is refused
// with a reason instead of reaching an index PostgreSQL cannot build
// (a btree entry holds at most about 2,700 bytes). The import and the
// administrators' mutations check the same limits, here, before writing;
// README.md lists them.
const (
	MaxCodeLen           = 50
	MaxNameLen           = 1_000
	MaxSectorLen         = 300
	MaxTypeLen           = 200
	MaxDecisionNumberLen = 100
	MaxAudienceLen       = 300
	MaxAudiences         = 50
	MaxLongTextLen       = 100_000 // steps, requirements
	MaxResultLen         = 20_000
	MaxAddressLen        = 10_000 // reception address, related procedures
	MaxURLLen            = 2_000
	MaxPortalIDLen       = 100
	MaxRawTextLen        = 200_000
	MaxResultCodeLen     = 100
	MaxResultCodes       = 100
	MaxAgencyNameLen     = 500
	MaxAgencies          = 100
	MaxChannels          = 50
	MaxTimeTextLen       = 500
	MaxFeeTextLen        = 5_000
	MaxDescriptionLen    = 20_000
	MaxDocuments         = 500
	MaxDocumentGroupLen  = 5_000
	MaxDocumentNameLen   = 10_000
	MaxFormLen           = 1_000
	MaxQuantityLen       = 200
	MaxLegalRefs         = 200
	MaxLegalNumberLen    = 100
	MaxLegalTitleLen     = 5_000
	MaxIssuerLen         = 200
	MaxUnitCodeLen       = 50
	MaxUnitNameLen       = 300
)

// FieldError says which field of a record is unacceptable and why. Field
// names the field as the GraphQL input does, list items by position from
// 0 ("name", "channels.2.feeText"); an edge may translate it to its own
// terms.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// check collects the first problem found among the fields of a record.
type check struct{ err *FieldError }

// text checks one text field: its length, and that it holds no NUL
// character, which PostgreSQL cannot store.
func (c *check) text(field, value string, limit int) {
	if c.err != nil {
		return
	}
	if n := utf8.RuneCountInString(value); n > limit {
		c.err = &FieldError{Field: field, Reason: fmt.Sprintf("%d characters, at most %d allowed", n, limit)}
		return
	}
	if strings.IndexByte(value, 0) >= 0 {
		c.err = &FieldError{Field: field, Reason: "contains a NUL character"}
	}
}

// optText checks an optional text field of a patch.
func (c *check) optText(field string, value *string, limit int) {
	if value != nil {
		c.text(field, *value, limit)
	}
}

// count checks the number of items of a list.
func (c *check) count(field string, n, limit int) {
	if c.err == nil && n > limit {
		c.err = &FieldError{Field: field, Reason: fmt.Sprintf("%d items, at most %d allowed", n, limit)}
	}
}

func (c *check) result() error {
	if c.err == nil {
		return nil
	}
	return c.err
}

func item(list string, i int, field string) string {
	return fmt.Sprintf("%s.%d.%s", list, i, field)
}

// Validate checks a whole procedure against the limits above. It returns
// a *FieldError naming the first field out of bounds, or nil.
func (dr ProcedureDraft) Validate() error {
	var c check
	p := dr.Procedure
	c.text("code", p.Code, MaxCodeLen)
	c.text("name", p.Name, MaxNameLen)
	c.text("sector", dr.Sector, MaxSectorLen)
	c.procedureTexts(&p.Type, &p.DecisionNumber, &p.Steps, &p.Requirements, &p.Result, &p.ReceptionAddr)
	c.text("relatedText", p.RelatedText, MaxAddressLen)
	c.text("sourceUrl", p.SourceURL, MaxURLLen)
	c.text("portalId", p.PortalID, MaxPortalIDLen)
	c.text("rawText", p.RawText, MaxRawTextLen)
	c.audiences(p.Audiences)
	c.count("resultCodes", len(p.ResultCodes), MaxResultCodes)
	for i, code := range p.ResultCodes {
		c.text(fmt.Sprintf("resultCodes.%d", i), code, MaxResultCodeLen)
	}
	c.count("agencies", len(dr.Agencies), MaxAgencies)
	for i, a := range dr.Agencies {
		c.text(item("agencies", i, "name"), a.Name, MaxAgencyNameLen)
	}
	c.parts(dr.Channels, dr.Documents, dr.LegalBasis)
	return c.result()
}

// Validate checks the fields a patch sets against the same limits as
// ProcedureDraft.Validate.
func (p ProcedurePatch) Validate() error {
	var c check
	c.optText("name", p.Name, MaxNameLen)
	c.optText("sector", p.Sector, MaxSectorLen)
	c.procedureTexts(p.Type, p.DecisionNumber, p.Steps, p.Requirements, p.Result, p.ReceptionAddr)
	if p.Audiences != nil {
		c.audiences(*p.Audiences)
	}
	var channels []Channel
	var documents []Document
	var legal []LegalRef
	if p.Channels != nil {
		channels = *p.Channels
	}
	if p.Documents != nil {
		documents = *p.Documents
	}
	if p.LegalBasis != nil {
		legal = *p.LegalBasis
	}
	c.parts(channels, documents, legal)
	return c.result()
}

func (c *check) procedureTexts(typ, decision, steps, requirements, result, address *string) {
	c.optText("type", typ, MaxTypeLen)
	c.optText("decisionNumber", decision, MaxDecisionNumberLen)
	c.optText("steps", steps, MaxLongTextLen)
	c.optText("requirements", requirements, MaxLongTextLen)
	c.optText("result", result, MaxResultLen)
	c.optText("receptionAddress", address, MaxAddressLen)
}

func (c *check) audiences(list []string) {
	c.count("audiences", len(list), MaxAudiences)
	for i, a := range list {
		c.text(fmt.Sprintf("audiences.%d", i), a, MaxAudienceLen)
	}
}

func (c *check) parts(channels []Channel, documents []Document, legal []LegalRef) {
	c.count("channels", len(channels), MaxChannels)
	for i, ch := range channels {
		c.text(item("channels", i, "processingTimeText"), ch.TimeText, MaxTimeTextLen)
		c.text(item("channels", i, "feeText"), ch.Fee.Text, MaxFeeTextLen)
		c.text(item("channels", i, "description"), ch.Description, MaxDescriptionLen)
	}
	c.count("documents", len(documents), MaxDocuments)
	for i, d := range documents {
		c.text(item("documents", i, "group"), d.Group, MaxDocumentGroupLen)
		c.text(item("documents", i, "name"), d.Name, MaxDocumentNameLen)
		c.text(item("documents", i, "form"), d.Form, MaxFormLen)
		c.text(item("documents", i, "quantityText"), d.Quantity, MaxQuantityLen)
	}
	c.count("legalBasis", len(legal), MaxLegalRefs)
	for i, l := range legal {
		c.text(item("legalBasis", i, "number"), l.Number, MaxLegalNumberLen)
		c.text(item("legalBasis", i, "title"), l.Title, MaxLegalTitleLen)
	}
}

// Validate checks a legal document against the limits above.
func (l LegalDocument) Validate() error {
	var c check
	c.text("number", l.Number, MaxLegalNumberLen)
	c.text("title", l.Title, MaxLegalTitleLen)
	c.text("issuer", l.Issuer, MaxIssuerLen)
	return c.result()
}

// Validate checks the fields a patch sets.
func (p LegalDocumentPatch) Validate() error {
	var c check
	c.optText("number", p.Number, MaxLegalNumberLen)
	c.optText("title", p.Title, MaxLegalTitleLen)
	c.optText("issuer", p.Issuer, MaxIssuerLen)
	return c.result()
}

// Validate checks an administrative unit against the limits above.
func (u Unit) Validate() error {
	var c check
	c.text("code", u.Code, MaxUnitCodeLen)
	c.text("name", u.Name, MaxUnitNameLen)
	return c.result()
}

// Validate checks the fields a patch sets.
func (p UnitPatch) Validate() error {
	var c check
	c.optText("name", p.Name, MaxUnitNameLen)
	return c.result()
}
