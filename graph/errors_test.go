package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/graphql"

	"tthc/internal/errs"
)

// TestErrorCodes pins the extensions.code of each domain error kind: the
// codes are part of the API contract.
func TestErrorCodes(t *testing.T) {
	present := presentError(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, nil)
	for _, c := range []struct {
		err           error
		code, message string
		field         any
	}{
		{errs.Fieldf("first", "first must be between 0 and 100"), "BAD_USER_INPUT", "first must be between 0 and 100", "first"},
		{fmt.Errorf("procedures: by code: %w", errs.Errorf(errs.NotFound, "no procedure")), "NOT_FOUND", "no procedure", nil},
		{errs.Errorf(errs.Conflict, "changed"), "CONFLICT", "changed", nil},
		{errs.Errorf(errs.NotFound, "no such unit").At("unit"), "NOT_FOUND", "no such unit", "unitId"},
		{errs.Errorf(errs.Unauthenticated, "sign in"), "UNAUTHENTICATED", "sign in", nil},
		{errs.Errorf(errs.Forbidden, "no"), "FORBIDDEN", "no", nil},
		{&errs.Error{Kind: errs.Timeout, Message: "cancelled", Err: errors.New("pq: canceling statement")}, "TIMEOUT", timeoutMessage, nil},
		{context.DeadlineExceeded, "TIMEOUT", timeoutMessage, nil},
		{&errs.Error{Kind: errs.Unavailable, Message: "the database is unavailable", Err: errors.New("dial tcp: refused")}, "UNAVAILABLE", UnavailableMessage, nil},
		{errors.New("pq: syntax error at SELECT"), "INTERNAL", "internal error", nil},
	} {
		got := present(ctx, c.err)
		if got.Extensions["code"] != c.code || got.Message != c.message || got.Extensions["field"] != c.field {
			t.Errorf("%v: got %q %q field %v, want %q %q field %v", c.err, got.Extensions["code"], got.Message, got.Extensions["field"], c.code, c.message, c.field)
		}
	}
}

// TestUserErrorPaths checks that a mutation's user error names the field
// by its path in the input, whatever the domain calls it.
func TestUserErrorPaths(t *testing.T) {
	for field, want := range map[string]string{
		"title":                 "input.title",
		"before.processingDays": "input.before.processingDays",
		"procedure":             "input.procedureId",
		"implementedBy":         "input.legalDocumentNumber",
	} {
		ue, err := userErrors(errs.Fieldf(field, "bad"))
		if err != nil || len(ue) != 1 || ue[0].Field == nil || *ue[0].Field != want || ue[0].Code != "BAD_USER_INPUT" {
			t.Errorf("%s: got %+v, %v; want field %s", field, ue, err, want)
		}
	}
	if ue, err := userErrors(errs.Errorf(errs.Forbidden, "no")); ue != nil || errs.KindOf(err) != errs.Forbidden {
		t.Errorf("a FORBIDDEN error became a user error: %+v", ue)
	}
}
