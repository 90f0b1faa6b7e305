package graph

import (
	"context"
	"errors"
	"slices"
	"strings"

	"tthc/graph/model"
	"tthc/internal/catalog"
	"tthc/internal/errs"
)

// AdminStore is what the catalog maintenance resolvers need;
// internal/postgres implements it.
type AdminStore interface {
	UnitByCode(ctx context.Context, code string) (catalog.Unit, error)
	CreateProcedure(ctx context.Context, dr catalog.ProcedureDraft) (catalog.Procedure, error)
	UpdateProcedure(ctx context.Context, id int64, p catalog.ProcedurePatch) (catalog.Procedure, error)
	CreateUnit(ctx context.Context, u catalog.Unit) (catalog.Unit, error)
	UpdateUnit(ctx context.Context, id int64, p catalog.UnitPatch) (catalog.Unit, error)
	CreateLegalDocument(ctx context.Context, l catalog.LegalDocument) (catalog.LegalDocument, error)
	UpdateLegalDocument(ctx context.Context, id int64, p catalog.LegalDocumentPatch) (catalog.LegalDocument, error)
	AddUnitProcedures(ctx context.Context, unitID int64, procedureIDs []int64) (int, error)
	RemoveUnitProcedures(ctx context.Context, unitID int64, procedureIDs []int64) (int, error)
	SetSectorMinistry(ctx context.Context, sectorID int64, ministryID *int64) (catalog.Sector, error)
}

func levelCodes(in []string) []catalog.LevelCode {
	out := make([]catalog.LevelCode, len(in))
	for i, l := range in {
		out[i] = catalog.LevelCode(strings.TrimSpace(l))
	}
	return out
}

func channels(in []model.ChannelInput) []catalog.Channel {
	out := make([]catalog.Channel, len(in))
	for i, c := range in {
		out[i] = catalog.Channel{Kind: c.Kind, TimeText: str(c.ProcessingTimeText), Description: str(c.Description),
			Fee: catalog.Fee{Text: str(c.FeeText), Amount: c.FeeAmount, Currency: str(c.FeeCurrency)}}
		if c.ProcessingTime != nil && c.ProcessingTimeUnit != nil {
			out[i].ProcessingTime = &catalog.ProcessingTime{Value: *c.ProcessingTime, Unit: *c.ProcessingTimeUnit}
		}
	}
	return out
}

func documents(in []model.DossierDocumentInput) []catalog.Document {
	out := make([]catalog.Document, len(in))
	for i, d := range in {
		out[i] = catalog.Document{Group: str(d.Group), Name: d.Name, Form: str(d.Form),
			Originals: d.Originals, Copies: d.Copies, Quantity: str(d.QuantityText)}
	}
	return out
}

func legalBasis(in []model.LegalBasisInput) []catalog.LegalRef {
	out := make([]catalog.LegalRef, len(in))
	for i, l := range in {
		out[i] = catalog.LegalRef{Number: strings.TrimSpace(l.Number), Title: str(l.Title)}
	}
	return out
}

func procedureDraft(in model.CreateProcedureInput) catalog.ProcedureDraft {
	status := catalog.StatusInForce
	if in.Status != nil {
		status = *in.Status
	}
	return catalog.ProcedureDraft{
		Procedure: catalog.Procedure{
			Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name), Type: str(in.Type),
			DecisionNumber: str(in.DecisionNumber), Audiences: in.Audiences, Steps: str(in.Steps),
			Requirements: str(in.Requirements), Result: str(in.Result), ReceptionAddr: str(in.ReceptionAddress),
			Status: status,
		},
		Sector:     strings.TrimSpace(str(in.Sector)),
		Levels:     levelCodes(in.Levels),
		Channels:   channels(in.Channels),
		Documents:  documents(in.Documents),
		LegalBasis: legalBasis(in.LegalBasis),
	}
}

func procedurePatch(in model.UpdateProcedureInput) catalog.ProcedurePatch {
	p := catalog.ProcedurePatch{
		Name: in.Name, Sector: in.Sector, Type: in.Type, DecisionNumber: in.DecisionNumber, Steps: in.Steps,
		Requirements: in.Requirements, Result: in.Result, ReceptionAddr: in.ReceptionAddress, Status: in.Status,
	}
	p.Audiences = optList(in.Audiences, slices.Clone)
	p.Levels = optList(in.Levels, levelCodes)
	p.Channels = optList(in.Channels, channels)
	p.Documents = optList(in.Documents, documents)
	p.LegalBasis = optList(in.LegalBasis, legalBasis)
	return p
}

// optList converts a list that an update may leave out: nil (left out)
// changes nothing, any other list, even empty, replaces the stored one.
func optList[In, Out any](in []In, conv func([]In) Out) *Out {
	if in == nil {
		return nil
	}
	out := conv(in)
	return &out
}

// enumText returns the text of an optional GraphQL enum.
func enumText[T ~string](v *T) *string {
	if v == nil {
		return nil
	}
	s := string(*v)
	return &s
}

// unitProcedures adds or removes procedures of a unit's local catalog.
func (r *Resolver) unitProcedures(ctx context.Context, in model.UnitProceduresInput, change func(context.Context, int64, []int64) (int, error)) (*model.UnitProceduresPayload, error) {
	unitID, err := parseIntID("unitId", typeUnit, in.UnitID)
	if err == nil {
		var ids []int64
		if ids, err = parseIntIDs("procedureIds", typeProcedure, in.ProcedureIds); err == nil {
			var n int
			if n, err = change(ctx, unitID, ids); err == nil {
				u, err := loadOne(ctx, loadersFrom(ctx).Unit, unitID)
				return &model.UnitProceduresPayload{AdministrativeUnit: u, Changed: n, UserErrors: []model.UserError{}}, err
			}
		}
	}
	ue, err := userErrors(err)
	return &model.UnitProceduresPayload{UserErrors: ue}, err
}

// inputLimits turns a field over the catalog's limits (catalog.FieldError)
// into a user error on that field of the mutation's input (userErrors
// makes it a path).
func inputLimits(err error) error {
	var fe *catalog.FieldError
	if errors.As(err, &fe) {
		return errs.Fieldf(fe.Field, "%s", fe.Error())
	}
	return err
}
