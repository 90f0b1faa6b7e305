package proposal

import (
	"testing"

	"tthc/internal/errs"
)

// TestTransitionTable checks every (from, to) pair against the workflow of
// the issue, written out again here independently of Transitions.
func TestTransitionTable(t *testing.T) {
	allowed := map[[2]Status]bool{
		{StatusDraft, StatusSubmitted}:       true,
		{StatusReturned, StatusSubmitted}:    true,
		{StatusSubmitted, StatusUnderReview}: true,
		{StatusUnderReview, StatusApproved}:  true,
		{StatusUnderReview, StatusRejected}:  true,
		{StatusUnderReview, StatusReturned}:  true,
		{StatusApproved, StatusImplemented}:  true,
		{StatusDraft, StatusWithdrawn}:       true,
		{StatusSubmitted, StatusWithdrawn}:   true,
		{StatusUnderReview, StatusWithdrawn}: true,
		{StatusReturned, StatusWithdrawn}:    true,
	}
	n := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			want := allowed[[2]Status{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			n++
		}
	}
	if n != 64 {
		t.Fatalf("checked %d pairs, want 64", n)
	}
}

func TestEditable(t *testing.T) {
	for _, s := range Statuses {
		want := s == StatusDraft || s == StatusReturned
		if Editable(s) != want {
			t.Errorf("Editable(%s) = %v, want %v", s, !want, want)
		}
	}
}

func TestStepCheck(t *testing.T) {
	tests := []struct {
		name string
		from Status
		step Step
		kind errs.Kind // "" for allowed
	}{
		{"submit a draft", StatusDraft, Step{Action: ActionSubmit, To: StatusSubmitted}, ""},
		{"resubmit a returned one", StatusReturned, Step{Action: ActionSubmit, To: StatusSubmitted}, ""},
		{"submit twice", StatusSubmitted, Step{Action: ActionSubmit, To: StatusSubmitted}, errs.Invalid},
		{"decide before review", StatusSubmitted, Step{Action: ActionDecide, To: StatusApproved}, errs.Invalid},
		{"approve", StatusUnderReview, Step{Action: ActionDecide, To: StatusApproved}, ""},
		{"reject without a reason", StatusUnderReview, Step{Action: ActionDecide, To: StatusRejected}, errs.Invalid},
		{"reject with a reason", StatusUnderReview, Step{Action: ActionDecide, To: StatusRejected, Comment: "out of scope"}, ""},
		{"return without a reason", StatusUnderReview, Step{Action: ActionDecide, To: StatusReturned}, errs.Invalid},
		{"withdraw after approval", StatusApproved, Step{Action: ActionWithdraw, To: StatusWithdrawn}, errs.Invalid},
		{"withdraw under review", StatusUnderReview, Step{Action: ActionWithdraw, To: StatusWithdrawn}, ""},
		{"implement without a document", StatusApproved, Step{Action: ActionMarkImplemented, To: StatusImplemented}, errs.Invalid},
		{"implement", StatusApproved, Step{Action: ActionMarkImplemented, To: StatusImplemented, ImplementedByNumber: "1/2026/NĐ-CP"}, ""},
		{"implement a rejected one", StatusRejected, Step{Action: ActionMarkImplemented, To: StatusImplemented, ImplementedByNumber: "x"}, errs.Invalid},
		{"an action that does not lead there", StatusUnderReview, Step{Action: ActionWithdraw, To: StatusApproved}, errs.Invalid},
	}
	for _, tt := range tests {
		err := tt.step.Check(tt.from)
		if tt.kind == "" && err != nil {
			t.Errorf("%s: unexpected error %v", tt.name, err)
		}
		if tt.kind != "" && errs.KindOf(err) != tt.kind {
			t.Errorf("%s: got %v, want kind %s", tt.name, err, tt.kind)
		}
	}
}
