package model

import "tthc/internal/catalog"

// Views show domain types to GraphQL. gqlgen runs a field bound to a
// resolver in a goroutine of its own (per object, for every field past
// the first), with a field context and the resolver middleware; a field
// bound to a struct field or to a method without a context it resolves
// inline. A field that is plain data, but not in the shape the schema
// gives it (an empty string shown as null, a text under another name),
// is a method of a view here, so the domain types stay free of GraphQL.

// Channel shows a catalog.Channel.
type Channel struct{ catalog.Channel }

func (c Channel) ProcessingTimeText() string { return c.TimeText }
func (c Channel) Fee() Fee                   { return Fee{c.Channel.Fee} }

// Channels shows channels.
func Channels(cs []catalog.Channel) []Channel {
	out := make([]Channel, len(cs))
	for i, c := range cs {
		out[i] = Channel{c}
	}
	return out
}

// Fee shows a catalog.Fee: no currency is null.
type Fee struct{ catalog.Fee }

func (f Fee) Currency() *string { return optional(f.Fee.Currency) }

// DossierDocument shows a catalog.Document: no group or form is null.
type DossierDocument struct{ catalog.Document }

func (d DossierDocument) Group() *string       { return optional(d.Document.Group) }
func (d DossierDocument) Form() *string        { return optional(d.Document.Form) }
func (d DossierDocument) QuantityText() string { return d.Quantity }

// DossierDocuments shows documents.
func DossierDocuments(ds []catalog.Document) []DossierDocument {
	out := make([]DossierDocument, len(ds))
	for i, d := range ds {
		out[i] = DossierDocument{d}
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// AuthorityLevel shows a catalog.AuthorityLevel with its global ID, made
// once: the levels live for the life of the process.
type AuthorityLevel struct {
	catalog.AuthorityLevel
	ID string
}

func (l AuthorityLevel) Code() string { return string(l.AuthorityLevel.Code) }
