package proposal

import (
	"testing"

	"tthc/internal/auth"
)

func TestAuthorize(t *testing.T) {
	officer := auth.Actor{Subject: "o", Roles: []auth.Role{auth.Officer}, UnitCode: "40-DL"}
	reviewer := auth.Actor{Subject: "r", Roles: []auth.Role{auth.Reviewer}, UnitCode: "40"}
	analyst := auth.Actor{Subject: "a", Roles: []auth.Role{auth.Analyst}}
	admin := auth.Actor{Subject: "x", Roles: []auth.Role{auth.Admin}}
	both := auth.Actor{Subject: "b", Roles: []auth.Role{auth.Officer, auth.Reviewer}, UnitCode: "40"}
	own := Scope{OwnUnit: true}
	routed := Scope{ReviewingUnit: true}
	none := Scope{}

	tests := []struct {
		actor  auth.Actor
		action Action
		scope  Scope
		ok     bool
	}{
		{analyst, ActionRead, none, true},
		{analyst, ActionSubmit, none, false},
		{analyst, ActionDecide, routed, false},
		{admin, ActionRead, own, false},
		{admin, ActionCreate, own, false},
		{officer, ActionRead, own, true},
		{officer, ActionRead, routed, false},
		{officer, ActionRead, none, false},
		{officer, ActionCreate, own, true},
		{officer, ActionCreate, none, false},
		{officer, ActionEdit, own, true},
		{officer, ActionSubmit, own, true},
		{officer, ActionWithdraw, own, true},
		{officer, ActionWithdraw, none, false},
		{officer, ActionStartReview, own, false},
		{officer, ActionDecide, own, false},
		{officer, ActionMarkImplemented, own, true},
		{officer, ActionMarkImplemented, none, false},
		{reviewer, ActionRead, routed, true},
		{reviewer, ActionRead, own, false},
		{reviewer, ActionStartReview, routed, true},
		{reviewer, ActionStartReview, none, false},
		{reviewer, ActionDecide, routed, true},
		{reviewer, ActionDecide, Scope{ReviewingUnit: true, Author: true}, false},
		{reviewer, ActionMarkImplemented, routed, true},
		{reviewer, ActionSubmit, routed, false},
		{reviewer, ActionEdit, routed, false},
		{both, ActionCreate, own, true},
		{both, ActionDecide, Scope{OwnUnit: true, ReviewingUnit: true, Author: true}, false},
		{both, ActionDecide, Scope{OwnUnit: true, ReviewingUnit: true}, true},
	}
	for _, tt := range tests {
		err := Authorize(tt.actor, tt.action, tt.scope)
		if (err == nil) != tt.ok {
			t.Errorf("Authorize(%v, %s, %+v) = %v, want ok=%v", tt.actor.Roles, tt.action, tt.scope, err, tt.ok)
		}
	}
}

// TestVisibilityAgreesWithAuthorize: the SQL scoping is built from
// VisibilityOf, so it must say what Authorize says for reading.
func TestVisibilityAgreesWithAuthorize(t *testing.T) {
	for _, roles := range [][]auth.Role{nil, {auth.Officer}, {auth.Reviewer}, {auth.Analyst}, {auth.Admin}, {auth.Officer, auth.Reviewer}} {
		a := auth.Actor{Subject: "s", Roles: roles, UnitCode: "40"}
		v := VisibilityOf(a)
		for _, s := range []Scope{{}, {OwnUnit: true}, {ReviewingUnit: true}, {OwnUnit: true, ReviewingUnit: true}} {
			sees := v.All || (v.SubtreeOf != "" && s.OwnUnit) || (v.ReviewedBy != "" && s.ReviewingUnit)
			if may := Authorize(a, ActionRead, s) == nil; may != sees {
				t.Errorf("roles %v scope %+v: Authorize says %v, Visibility says %v", roles, s, may, sees)
			}
		}
	}
}
