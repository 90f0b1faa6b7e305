package proposal

import (
	"slices"

	"tthc/internal/errs"
)

// Status is where a proposal is in its workflow.
type Status string

const (
	StatusDraft       Status = "DRAFT"
	StatusSubmitted   Status = "SUBMITTED"
	StatusUnderReview Status = "UNDER_REVIEW"
	StatusApproved    Status = "APPROVED"
	StatusRejected    Status = "REJECTED"
	// StatusReturned sends the proposal back to the proposer, who may edit
	// and resubmit it.
	StatusReturned    Status = "RETURNED"
	StatusImplemented Status = "IMPLEMENTED"
	StatusWithdrawn   Status = "WITHDRAWN"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusUnderReview, StatusApproved,
	StatusRejected, StatusReturned, StatusImplemented, StatusWithdrawn}

// Action is something an actor does to a proposal.
type Action string

const (
	ActionRead            Action = "READ"
	ActionCreate          Action = "CREATE"
	ActionEdit            Action = "EDIT"
	ActionSubmit          Action = "SUBMIT"
	ActionWithdraw        Action = "WITHDRAW"
	ActionStartReview     Action = "START_REVIEW"
	ActionDecide          Action = "DECIDE"
	ActionMarkImplemented Action = "MARK_IMPLEMENTED"
)

// Transition is one allowed step of the workflow and the action that takes
// it.
type Transition struct {
	From   Status
	To     Status
	Action Action
}

// Transitions is the whole workflow: a transition not listed here is
// refused. A decision is APPROVED, REJECTED or RETURNED; withdrawing is
// possible from any state before a decision, and from RETURNED, where the
// proposal is back with its proposer.
var Transitions = []Transition{
	{StatusDraft, StatusSubmitted, ActionSubmit},
	{StatusReturned, StatusSubmitted, ActionSubmit},
	{StatusSubmitted, StatusUnderReview, ActionStartReview},
	{StatusUnderReview, StatusApproved, ActionDecide},
	{StatusUnderReview, StatusRejected, ActionDecide},
	{StatusUnderReview, StatusReturned, ActionDecide},
	{StatusApproved, StatusImplemented, ActionMarkImplemented},
	{StatusDraft, StatusWithdrawn, ActionWithdraw},
	{StatusSubmitted, StatusWithdrawn, ActionWithdraw},
	{StatusUnderReview, StatusWithdrawn, ActionWithdraw},
	{StatusReturned, StatusWithdrawn, ActionWithdraw},
}

// CanTransition tells whether the workflow allows going from one status to
// another.
func CanTransition(from, to Status) bool {
	return slices.ContainsFunc(Transitions, func(t Transition) bool { return t.From == from && t.To == to })
}

// Editable tells whether a proposal in status s may be edited: only its
// proposer's drafts and returned proposals may.
func Editable(s Status) bool { return s == StatusDraft || s == StatusReturned }

// Decision is a reviewer's verdict.
type Decision string

const (
	Approve Decision = "APPROVE"
	Reject  Decision = "REJECT"
	Return  Decision = "RETURN"
)

// Target returns the status a decision leads to.
func (d Decision) Target() (Status, error) {
	switch d {
	case Approve:
		return StatusApproved, nil
	case Reject:
		return StatusRejected, nil
	case Return:
		return StatusReturned, nil
	}
	return "", errs.Fieldf("decision", "unknown decision %q", d)
}

// Step is a requested transition: the action, where it leads and what the
// actor says about it.
type Step struct {
	Action Action
	To     Status
	// Comment is free text; a decision to reject or return must explain
	// itself.
	Comment string
	// ImplementedByNumber is the number of the legal document that put an
	// approved proposal into effect (MARK_IMPLEMENTED only).
	ImplementedByNumber string
}

// Check tells whether step may be taken from status from, with a user error
// that says why not.
func (s Step) Check(from Status) error {
	if !CanTransition(from, s.To) {
		return errs.Errorf(errs.Invalid, "a %s proposal cannot become %s", from, s.To)
	}
	ok := slices.ContainsFunc(Transitions, func(t Transition) bool {
		return t.From == from && t.To == s.To && t.Action == s.Action
	})
	if !ok {
		return errs.Errorf(errs.Invalid, "%s cannot make a proposal %s", s.Action, s.To)
	}
	if (s.To == StatusRejected || s.To == StatusReturned) && s.Comment == "" {
		return errs.Fieldf("comment", "say why the proposal is %s", s.To)
	}
	if s.To == StatusImplemented && s.ImplementedByNumber == "" {
		return errs.Fieldf("implementedBy", "name the legal document that put the proposal into effect")
	}
	return nil
}
