package graph

import (
	"context"

	"tthc/graph/model"
	"tthc/internal/auth"
	"tthc/internal/errs"
	"tthc/internal/proposal"
)

// A proposal's applicants a year, when its input leaves them out, default
// to the dossiers received for the procedure over the last 12 complete
// months at the unit the proposal is about (else the proposing unit) and
// the units under it, as the one-stop desks reported them.

// defaultNewApplicants fills in the applicants a year of a new proposal
// that the input left out.
func (r *Resolver) defaultNewApplicants(ctx context.Context, a auth.Actor, in model.CreateProposalInput, n *proposal.New) error {
	before, after := in.Before.ApplicantsPerYear == nil, in.After.ApplicantsPerYear == nil
	if !before && !after {
		return nil
	}
	unit := n.UnitID
	if unit == nil {
		unit = n.ProposingUnitID
	}
	if unit == nil {
		u, err := r.Store.UnitByCode(ctx, a.UnitCode)
		if errs.KindOf(err) == errs.NotFound {
			return nil // the store refuses the proposal with the reason
		}
		if err != nil {
			return err
		}
		unit = &u.ID
	}
	return r.fillApplicants(ctx, *unit, n.ProcedureID, &n.Content, before, after)
}

// defaultEditedApplicants wraps an edit so that the applicants a year
// the input left out of new cost parameters take their default.
func (r *Resolver) defaultEditedApplicants(ctx context.Context, in model.UpdateProposalInput, edit func(*proposal.Proposal) error) func(*proposal.Proposal) error {
	before := in.Before != nil && in.Before.ApplicantsPerYear == nil
	after := in.After != nil && in.After.ApplicantsPerYear == nil
	return func(p *proposal.Proposal) error {
		if err := edit(p); err != nil || (!before && !after) {
			return err
		}
		unit := p.ProposingUnitID
		if p.UnitID != nil {
			unit = *p.UnitID
		}
		return r.fillApplicants(ctx, unit, p.ProcedureID, &p.Content, before, after)
	}
}

func deref(n *int) int {
	if n == nil {
		return 0 // left out: defaultNewApplicants or defaultEditedApplicants fills it in
	}
	return *n
}

func (r *Resolver) fillApplicants(ctx context.Context, unit, procedure int64, c *proposal.Content, before, after bool) error {
	n, err := r.Store.ApplicantsLastYear(ctx, unit, procedure)
	if err != nil {
		return err
	}
	if before {
		c.Before.ApplicantsPerYear = n
	}
	if after {
		c.After.ApplicantsPerYear = n
	}
	return nil
}
