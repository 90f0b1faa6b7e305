package httpserver_test

import (
	"encoding/json"
	"strings"
	"testing"

	"tthc/internal/testdb"
)

// TestAdminMutationsRefuseOversizedFields sends the administrators'
// mutations fields over the catalog's limits: each answers a
// BAD_USER_INPUT user error on the field (not INTERNAL), and nothing is
// written.
func TestAdminMutationsRefuseOversizedFields(t *testing.T) {
	url := testdb.New(t)
	a := newTokenAPI(t, url, testdb.Open(t, url))
	long := strings.Repeat("x", 200_000)
	tests := []struct {
		name, mutation, field string
		vars                  map[string]any
	}{
		{"procedure name", `mutation($s: String!) { m: createProcedure(input: {code: "9.999001", name: $s, levels: ["PROVINCE"]}) { userErrors { field message code } } }`,
			"input.name", map[string]any{"s": long}},
		{"procedure sector", `mutation($s: String!) { m: createProcedure(input: {code: "9.999001", name: "Tên", sector: $s, levels: ["PROVINCE"]}) { userErrors { field message code } } }`,
			"input.sector", map[string]any{"s": long}},
		{"channel fee text", `mutation($s: String!) { m: createProcedure(input: {code: "9.999001", name: "Tên", levels: ["PROVINCE"], channels: [{kind: ONLINE}, {kind: POST, feeText: $s}]}) { userErrors { field message code } } }`,
			"input.channels.1.feeText", map[string]any{"s": long}},
		{"procedure update", `mutation($s: String!) { m: updateProcedure(input: {id: "UHJvY2VkdXJlOjE", name: $s}) { userErrors { field message code } } }`,
			"input.name", map[string]any{"s": long}},
		{"legal document title", `mutation($s: String!) { m: createLegalDocument(input: {number: "60/2014/QH13", title: $s}) { userErrors { field message code } } }`,
			"input.title", map[string]any{"s": long}},
		{"unit name", `mutation($s: String!) { m: createAdministrativeUnit(input: {code: "99", name: $s, level: "PROVINCE", validFrom: "2025-07-01"}) { userErrors { field message code } } }`,
			"input.name", map[string]any{"s": long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := a.post(t, tt.mutation, tt.vars, "Authorization", bearer(t, rAdmin))
			if len(res.Errors) > 0 {
				t.Fatalf("errors %+v, want a user error", res.Errors)
			}
			var data struct {
				M struct {
					UserErrors []struct{ Field, Message, Code string }
				}
			}
			if err := json.Unmarshal(res.Data, &data); err != nil {
				t.Fatal(err)
			}
			ue := data.M.UserErrors
			if len(ue) != 1 || ue[0].Code != "BAD_USER_INPUT" || ue[0].Field != tt.field || !strings.Contains(ue[0].Message, "200000 characters") {
				t.Errorf("user errors %+v, want BAD_USER_INPUT on %s", ue, tt.field)
			}
		})
	}
	if n := a.count(t, `SELECT count(*) FROM procedures`) + a.count(t, `SELECT count(*) FROM legal_documents`); n != 0 {
		t.Errorf("%d rows written", n)
	}
}
