package proposal

import (
	"tthc/internal/auth"
	"tthc/internal/errs"
)

// Scope is where a proposal stands relative to an actor, as the database
// tells it.
type Scope struct {
	// OwnUnit: the proposing unit is the actor's unit or under it.
	OwnUnit bool
	// ReviewingUnit: the proposal is routed to the actor's unit.
	ReviewingUnit bool
	// Author: the actor created the proposal.
	Author bool
}

// Authorize tells whether actor may take action on a proposal in scope s,
// with a FORBIDDEN error when not. The rules:
//   - ANALYST reads every proposal;
//   - OFFICER reads, creates, edits, submits, withdraws and marks
//     implemented the proposals of their own unit and the units under it;
//   - REVIEWER reads, starts the review of, decides and marks implemented
//     the proposals routed to their unit, but never decides one they wrote;
//   - nobody else (ADMIN included) touches proposals.
func Authorize(a auth.Actor, action Action, s Scope) error {
	officer := a.Has(auth.Officer) && s.OwnUnit
	reviewer := a.Has(auth.Reviewer) && s.ReviewingUnit
	ok := false
	switch action {
	case ActionRead:
		ok = a.Has(auth.Analyst) || officer || reviewer
	case ActionCreate, ActionEdit, ActionSubmit, ActionWithdraw:
		ok = officer
	case ActionStartReview:
		ok = reviewer
	case ActionDecide:
		if reviewer && s.Author {
			return errs.Errorf(errs.Forbidden, "you cannot decide a proposal you wrote")
		}
		ok = reviewer
	case ActionMarkImplemented:
		ok = officer || reviewer
	}
	if !ok {
		return errs.Errorf(errs.Forbidden, "your roles and unit do not allow %s on this proposal", action)
	}
	return nil
}

// Visibility is which proposals an actor may read, for the data layer to
// turn into a condition. The zero value sees nothing.
type Visibility struct {
	All bool
	// SubtreeOf is a unit code: proposals made by it or the units under it.
	SubtreeOf string
	// ReviewedBy is a unit code: proposals routed to it.
	ReviewedBy string
}

// VisibilityOf returns what actor may read; it agrees with Authorize for
// ActionRead.
func VisibilityOf(a auth.Actor) Visibility {
	if a.Has(auth.Analyst) {
		return Visibility{All: true}
	}
	var v Visibility
	if a.Has(auth.Officer) {
		v.SubtreeOf = a.UnitCode
	}
	if a.Has(auth.Reviewer) {
		v.ReviewedBy = a.UnitCode
	}
	return v
}
