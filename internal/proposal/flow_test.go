package proposal_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"tthc/internal/auth"
	"tthc/internal/errs"
	"tthc/internal/proposal"
)

type payload struct {
	Proposal *struct {
		ID            string
		Status        string
		Version       int
		ReviewingUnit *struct{ Code string }
		Cost          struct {
			AnnualBefore, AnnualAfter, Saving string
			PercentCut                        *string
		}
		Amendments []struct {
			DocumentNumber string
			Articles       string
		}
		Events []struct {
			From    *string
			To      string
			Comment string
			Actor   struct{ Subject string }
		}
	}
	UserErrors []struct{ Field, Message, Code string }
}

const proposalFields = `proposal { id status version reviewingUnit { code }
	cost { annualBefore annualAfter saving percentCut } amendments { documentNumber articles }
	events { from to comment actor { subject } } } userErrors { field message code }`

// mutate runs a mutation whose payload field is aliased m and returns it.
func (e *env) mutate(t *testing.T, a auth.Actor, op, inputType string, in map[string]any) payload {
	t.Helper()
	var data struct{ M payload }
	e.query(t, &a, `mutation($in: `+inputType+`!) { m: `+op+`(input: $in) { `+proposalFields+` } }`,
		map[string]any{"in": in}).must(t, &data)
	return data.M
}

func (p payload) ok(t *testing.T, what string) payload {
	t.Helper()
	if len(p.UserErrors) > 0 || p.Proposal == nil {
		t.Fatalf("%s: %+v", what, p.UserErrors)
	}
	return p
}

// TestDraftToImplemented carries a proposal from draft to implemented
// through the API, as the demo officer, reviewer and analyst would in
// GraphiQL, with a round of revision, and checks the event log and the
// compliance cost the database computes.
func TestDraftToImplemented(t *testing.T) {
	e := newEnv(t)
	before := map[string]any{"processingDays": "5", "fee": "0", "documents": 4, "applicantHours": "6",
		"hourlyRate": "37500", "timesPerYear": "1", "applicantsPerYear": 2600}
	after := map[string]any{"processingDays": "3", "fee": "0", "documents": 2, "applicantHours": "2",
		"hourlyRate": "37500", "timesPerYear": "1", "applicantsPerYear": 2600}
	p := e.mutate(t, officerDL, "createProposal", "CreateProposalInput", map[string]any{
		"procedureId": gid("Procedure", e.procedureID(t, "1.004772")),
		"unitId":      gid("AdministrativeUnit", e.unitID(t, "40-DL-01")),
		"kinds":       []string{"REUSE_DATA", "REDUCE_DOCUMENTS"},
		"title":       "Khai sinh: tra cứu dữ liệu dân cư",
		"changes":     "Bỏ bản sao giấy tờ của cha mẹ",
		"reasons":     "Dữ liệu đã có",
		"amendments":  []map[string]any{{"documentNumber": "123/2015/NĐ-CP", "articles": "Điều 9"}},
		"implementBy": "2026-12-31",
		"before":      before, "after": after,
	}).ok(t, "create")
	if p.Proposal.Status != "DRAFT" || p.Proposal.Version != 1 || len(p.Proposal.Events) != 1 {
		t.Fatalf("created %+v", p.Proposal)
	}
	c := p.Proposal.Cost
	if c.AnnualBefore != "585000000" || c.AnnualAfter != "195000000" || c.Saving != "390000000" || c.PercentCut == nil || *c.PercentCut != "66.67" {
		t.Errorf("cost %+v, want 585000000, 195000000, 390000000, 66.67", c)
	}
	if len(p.Proposal.Amendments) != 1 || p.Proposal.Amendments[0].Articles != "Điều 9" {
		t.Errorf("amendments %+v", p.Proposal.Amendments)
	}
	id := p.Proposal.ID
	step := func(a auth.Actor, op, inputType string, version int, extra map[string]any) payload {
		in := map[string]any{"id": id, "version": version}
		for k, v := range extra {
			in[k] = v
		}
		return e.mutate(t, a, op, inputType, in)
	}
	p = step(officerDL, "updateProposal", "UpdateProposalInput", 1, map[string]any{"title": "Khai sinh: khai thác dữ liệu dân cư"}).ok(t, "update")
	p = step(officerDL, "submitProposal", "ProposalTransitionInput", p.Proposal.Version, nil).ok(t, "submit")
	if p.Proposal.ReviewingUnit == nil || p.Proposal.ReviewingUnit.Code != "40" {
		t.Fatalf("a district's proposal is reviewed by %+v, want the province 40", p.Proposal.ReviewingUnit)
	}
	// A submitted proposal cannot be edited; decisions need a review first.
	if u := step(officerDL, "updateProposal", "UpdateProposalInput", p.Proposal.Version, map[string]any{"title": "x"}); len(u.UserErrors) == 0 || u.UserErrors[0].Code != "BAD_USER_INPUT" {
		t.Errorf("editing a submitted proposal: %+v", u.UserErrors)
	}
	if d := step(reviewerNA, "decideProposal", "DecideProposalInput", p.Proposal.Version, map[string]any{"decision": "APPROVE"}); len(d.UserErrors) == 0 || d.UserErrors[0].Code != "BAD_USER_INPUT" {
		t.Errorf("deciding before review: %+v", d.UserErrors)
	}
	p = step(reviewerNA, "startReview", "ProposalTransitionInput", p.Proposal.Version, nil).ok(t, "start review")
	if d := step(reviewerNA, "decideProposal", "DecideProposalInput", p.Proposal.Version, map[string]any{"decision": "RETURN"}); len(d.UserErrors) == 0 || d.UserErrors[0].Field != "input.comment" {
		t.Errorf("returning without a comment: %+v", d.UserErrors)
	}
	p = step(reviewerNA, "decideProposal", "DecideProposalInput", p.Proposal.Version, map[string]any{"decision": "RETURN", "comment": "Bổ sung số liệu"}).ok(t, "return")
	p = step(officerDL, "updateProposal", "UpdateProposalInput", p.Proposal.Version, map[string]any{"reasons": "Đã bổ sung số liệu"}).ok(t, "edit returned")
	p = step(officerDL, "submitProposal", "ProposalTransitionInput", p.Proposal.Version, nil).ok(t, "resubmit")
	p = step(reviewerNA, "startReview", "ProposalTransitionInput", p.Proposal.Version, nil).ok(t, "start review again")
	p = step(reviewerNA, "decideProposal", "DecideProposalInput", p.Proposal.Version, map[string]any{"decision": "APPROVE", "comment": "Đồng ý"}).ok(t, "approve")
	if w := step(officerDL, "withdrawProposal", "ProposalTransitionInput", p.Proposal.Version, nil); len(w.UserErrors) == 0 {
		t.Error("withdrawing an approved proposal was accepted")
	}
	p = step(officerDL, "markImplemented", "MarkImplementedInput", p.Proposal.Version, map[string]any{"legalDocumentNumber": "120/2025/NĐ-CP"}).ok(t, "implement")
	if p.Proposal.Status != "IMPLEMENTED" || p.Proposal.Version != 10 {
		t.Errorf("final %s v%d, want IMPLEMENTED v10", p.Proposal.Status, p.Proposal.Version)
	}

	// The analyst reads the complete log.
	var r struct {
		Proposal struct {
			ImplementedByNumber string
			Events              []struct {
				From  *string
				To    string
				Actor struct{ Subject string }
			}
		}
	}
	e.query(t, &analyst, `query($id: ID!) { proposal(id: $id) { implementedByNumber events { from to actor { subject } } } }`,
		map[string]any{"id": id}).must(t, &r)
	var path []string
	for _, ev := range r.Proposal.Events {
		path = append(path, ev.To+"/"+ev.Actor.Subject)
	}
	want := "DRAFT/officer.doluong SUBMITTED/officer.doluong UNDER_REVIEW/reviewer.nghean RETURNED/reviewer.nghean " +
		"SUBMITTED/officer.doluong UNDER_REVIEW/reviewer.nghean APPROVED/reviewer.nghean IMPLEMENTED/officer.doluong"
	if got := strings.Join(path, " "); got != want {
		t.Errorf("events:\n got %s\nwant %s", got, want)
	}
	if r.Proposal.ImplementedByNumber != "120/2025/NĐ-CP" {
		t.Errorf("implemented by %q", r.Proposal.ImplementedByNumber)
	}
	// The database's generated cost columns agree with the Go formula.
	db, _ := sql.Open("postgres", e.url)
	defer db.Close()
	var dbBefore, dbAfter, dbSaving decimal.Decimal
	if err := db.QueryRow(`SELECT annual_cost_before, annual_cost_after, annual_saving FROM proposals WHERE title = 'Khai sinh: khai thác dữ liệu dân cư'`).
		Scan(&dbBefore, &dbAfter, &dbSaving); err != nil {
		t.Fatal(err)
	}
	if dbBefore.String() != "585000000" || dbAfter.String() != "195000000" || dbSaving.String() != "390000000" {
		t.Errorf("database cost %s, %s, %s", dbBefore, dbAfter, dbSaving)
	}
}

// TestRoutingThroughTheDatabase checks the routing rule on the demo's unit
// tree: provinces alone or via the sector's ministry, ministries via the
// Prime Minister's office.
func TestRoutingThroughTheDatabase(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	officerTP := auth.Actor{Subject: "officer.botuphap", Roles: []auth.Role{auth.Officer}, UnitCode: "BO-TP"}
	submit := proposal.Step{Action: proposal.ActionSubmit, To: proposal.StatusSubmitted}
	route := func(a auth.Actor, code string, central bool) (string, error) {
		p := e.draft(t, a, "", code)
		if central {
			var err error
			p, err = e.workflow.Update(ctx, a, p.ID, p.Version, func(p *proposal.Proposal) error {
				p.NeedsCentralLegalChange = true
				return nil
			}, proposal.Defaults{})
			if err != nil {
				t.Fatal(err)
			}
		}
		p, _, err := e.workflow.Transition(ctx, a, p.ID, p.Version, submit)
		if err != nil {
			return "", err
		}
		var code2 string
		for _, c := range []string{"40", "BO-TP", "VPCP", "BO-TC"} {
			if e.unitID(t, c) == *p.ReviewingUnitID {
				code2 = c
			}
		}
		return code2, nil
	}
	tests := []struct {
		name    string
		a       auth.Actor
		code    string // procedure; 1.004772 is Hộ tịch (Bộ Tư pháp)
		central bool
		want    string
	}{
		{"a pre-2025 commune", auth.Actor{Subject: "c", Roles: []auth.Role{auth.Officer}, UnitCode: "40-DL-02"}, "1.004772", false, "40"},
		{"a commune since 2025", auth.Actor{Subject: "c2", Roles: []auth.Role{auth.Officer}, UnitCode: "40-X-DL"}, "1.004772", true, "40"},
		{"a district", officerDL, "1.004772", true, "40"},
		{"a province within its authority", officerNA, "1.004772", false, "40"},
		{"a province needing a central change", officerNA, "1.004772", true, "BO-TP"},
		{"a province needing a central change in a tax procedure", officerNA, "1.008591", true, "BO-TC"},
		{"a ministry", officerTP, "1.002911", false, "VPCP"},
	}
	for _, tt := range tests {
		got, err := route(tt.a, tt.code, tt.central)
		if err != nil || got != tt.want {
			t.Errorf("%s: routed to %q (%v), want %s", tt.name, got, err, tt.want)
		}
	}
	// A sector without a ministry cannot take a central change.
	db, _ := sql.Open("postgres", e.url)
	defer db.Close()
	if _, err := db.Exec(`UPDATE sectors SET ministry_unit_id = NULL WHERE id = (SELECT sector_id FROM procedures WHERE code = '1.004772')`); err != nil {
		t.Fatal(err)
	}
	if _, err := route(officerNA, "1.004772", true); errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), "no ministry") {
		t.Errorf("no ministry for the sector: %v", err)
	}
}

// TestProposalFilters runs the list's filters on the demo proposals.
func TestProposalFilters(t *testing.T) {
	e := newEnv(t)
	count := func(filter map[string]any) int {
		var r struct{ Proposals struct{ TotalCount int } }
		e.query(t, &analyst, `query($f: ProposalFilter) { proposals(filter: $f) { totalCount } }`, map[string]any{"f": filter}).must(t, &r)
		return r.Proposals.TotalCount
	}
	dl := gid("AdministrativeUnit", e.unitID(t, "40-DL"))
	tests := []struct {
		name   string
		filter map[string]any
		want   int
	}{
		{"Đô Lương's 12, by unit and the units under it", map[string]any{"unitId": dl}, 12},
		{"Đô Lương's December 2023", map[string]any{"created": map[string]any{"from": "2023-12-01", "to": "2023-12-31"}}, 12},
		{"drafts", map[string]any{"statuses": []string{"DRAFT"}}, 2},
		{"decided", map[string]any{"statuses": []string{"APPROVED", "REJECTED", "RETURNED", "IMPLEMENTED"}}, 7},
		{"decided in January 2024", map[string]any{"decided": map[string]any{"from": "2024-01-01", "to": "2024-01-31"}}, 6},
		{"kind REUSE_DATA", map[string]any{"kinds": []string{"REUSE_DATA"}}, 5},
		{"made by ministries", map[string]any{"levels": []string{"MINISTRY"}}, 1},
		{"reviewed by Bộ Tư pháp", map[string]any{"reviewingUnitId": gid("AdministrativeUnit", e.unitID(t, "BO-TP"))}, 1},
		{"search without diacritics", map[string]any{"search": "khai sinh"}, 3},
		{"search and unit", map[string]any{"search": "khai sinh", "unitId": dl}, 2},
		{"sector Hộ tịch", map[string]any{"sectorIds": []string{gid("Sector", e.sectorID(t, "Hộ tịch"))}}, 6},
	}
	for _, tt := range tests {
		if got := count(tt.filter); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
	// Paging by saving, both ways, sees every proposal once in order.
	var seen []string
	after := ""
	for {
		var r struct {
			Proposals struct {
				Nodes []struct {
					ID   string
					Cost struct{ Saving string }
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		vars := map[string]any{}
		q := `query($after: String) { proposals(first: 5, after: $after, orderBy: {field: SAVING, direction: DESC}) {
			nodes { id cost { saving } } pageInfo { hasNextPage endCursor } } }`
		if after != "" {
			vars["after"] = after
		}
		e.query(t, &analyst, q, vars).must(t, &r)
		for _, n := range r.Proposals.Nodes {
			if len(seen) > 0 {
				prev := seen[len(seen)-1]
				if decimal.RequireFromString(prev).LessThan(decimal.RequireFromString(n.Cost.Saving)) {
					t.Errorf("saving %s after %s: not descending", n.Cost.Saving, prev)
				}
			}
			seen = append(seen, n.Cost.Saving)
		}
		if !r.Proposals.PageInfo.HasNextPage {
			break
		}
		after = r.Proposals.PageInfo.EndCursor
	}
	if len(seen) != 16 {
		t.Errorf("paged through %d proposals, want 16", len(seen))
	}
}

func (e *env) sectorID(t *testing.T, name string) int64 {
	t.Helper()
	db, _ := sql.Open("postgres", e.url)
	defer db.Close()
	var id int64
	if err := db.QueryRow(`SELECT id FROM sectors WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestAdminMutations maintains the catalog as an administrator.
func TestAdminMutations(t *testing.T) {
	e := newEnv(t)
	type ue = []struct{ Field, Message, Code string }
	var r struct {
		CreateAdministrativeUnit struct {
			AdministrativeUnit *struct {
				ID, Code          string
				IsCentralReviewer bool
			}
			UserErrors ue
		}
	}
	e.query(t, &admin, `mutation { createAdministrativeUnit(input: {code: "BO-GDDT", name: "Bộ Giáo dục và Đào tạo", level: "MINISTRY", validFrom: "1945-08-28"}) {
		administrativeUnit { id code isCentralReviewer } userErrors { field message code } } }`, nil).must(t, &r)
	if r.CreateAdministrativeUnit.AdministrativeUnit == nil {
		t.Fatalf("create unit: %+v", r.CreateAdministrativeUnit.UserErrors)
	}
	ministry := r.CreateAdministrativeUnit.AdministrativeUnit.ID
	var dup struct{ CreateAdministrativeUnit struct{ UserErrors ue } }
	e.query(t, &admin, `mutation { createAdministrativeUnit(input: {code: "BO-GDDT", name: "x", level: "MINISTRY", validFrom: "2000-01-01"}) { userErrors { field message code } } }`, nil).must(t, &dup)
	if len(dup.CreateAdministrativeUnit.UserErrors) != 1 || dup.CreateAdministrativeUnit.UserErrors[0].Code != "CONFLICT" {
		t.Errorf("duplicate unit code: %+v", dup.CreateAdministrativeUnit.UserErrors)
	}

	var proc struct {
		CreateProcedure struct {
			Procedure *struct {
				ID     string
				Levels []struct{ Code string }
				Sector struct{ Name string }
			}
			UserErrors ue
		}
	}
	e.query(t, &admin, `mutation { createProcedure(input: {code: "9.999001", name: "Công nhận trường chuẩn quốc gia", sector: "Giáo dục", levels: ["PROVINCE"],
		channels: [{kind: ONLINE, processingTime: "20", processingTimeUnit: WORKING_DAY}], documents: [{name: "Tờ trình"}], legalBasis: [{number: "43/2019/QH14", title: "Luật Giáo dục"}]}) {
		procedure { id levels { code } sector { name } } userErrors { field message code } } }`, nil).must(t, &proc)
	if proc.CreateProcedure.Procedure == nil || proc.CreateProcedure.Procedure.Sector.Name != "Giáo dục" {
		t.Fatalf("create procedure: %+v", proc.CreateProcedure)
	}
	var sec struct {
		Procedure struct{ Sector struct{ ID string } }
	}
	e.query(t, nil, `{ procedure(code: "9.999001") { sector { id } } }`, nil).must(t, &sec)
	var set struct {
		UpdateSector struct {
			Sector     *struct{ Ministry *struct{ Code string } }
			UserErrors ue
		}
	}
	e.query(t, &admin, `mutation($s: ID!, $m: ID) { updateSector(input: {id: $s, ministryUnitId: $m}) { sector { ministry { code } } userErrors { field message code } } }`,
		map[string]any{"s": sec.Procedure.Sector.ID, "m": ministry}).must(t, &set)
	if set.UpdateSector.Sector == nil || set.UpdateSector.Sector.Ministry == nil || set.UpdateSector.Sector.Ministry.Code != "BO-GDDT" {
		t.Fatalf("update sector: %+v", set.UpdateSector)
	}
	var upd struct {
		UpdateProcedure struct {
			Procedure *struct {
				Name   string
				Levels []struct{ Code string }
			}
			UserErrors ue
		}
	}
	e.query(t, &admin, `mutation($id: ID!) { updateProcedure(input: {id: $id, name: "Công nhận trường đạt chuẩn quốc gia", levels: ["PROVINCE", "COMMUNE"]}) {
		procedure { name levels { code } } userErrors { field message code } } }`, map[string]any{"id": proc.CreateProcedure.Procedure.ID}).must(t, &upd)
	if upd.UpdateProcedure.Procedure == nil || len(upd.UpdateProcedure.Procedure.Levels) != 2 {
		t.Fatalf("update procedure: %+v", upd.UpdateProcedure)
	}
	var add struct {
		AddUnitProcedures struct {
			Changed    int
			UserErrors ue
		}
	}
	e.query(t, &admin, `mutation($u: ID!, $p: ID!) { addUnitProcedures(input: {unitId: $u, procedureIds: [$p]}) { changed userErrors { field message code } } }`,
		map[string]any{"u": gid("AdministrativeUnit", e.unitID(t, "40")), "p": proc.CreateProcedure.Procedure.ID}).must(t, &add)
	if add.AddUnitProcedures.Changed != 1 {
		t.Errorf("add unit procedures: %+v", add.AddUnitProcedures)
	}
	// The new sector's ministry now reviews Nghệ An's proposals that need a
	// central change in it.
	p := e.draft(t, officerNA, "", "9.999001")
	p, err := e.workflow.Update(context.Background(), officerNA, p.ID, p.Version, func(p *proposal.Proposal) error {
		p.NeedsCentralLegalChange = true
		return nil
	}, proposal.Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err = e.workflow.Transition(context.Background(), officerNA, p.ID, p.Version, proposal.Step{Action: proposal.ActionSubmit, To: proposal.StatusSubmitted})
	if err != nil || *p.ReviewingUnitID != e.unitID(t, "BO-GDDT") {
		t.Errorf("routed to %v (%v), want the new ministry", p.ReviewingUnitID, err)
	}
	// Not an administrator: FORBIDDEN.
	if resp := e.query(t, &officerNA, `mutation { createAdministrativeUnit(input: {code: "Z", name: "Z", level: "COMMUNE", validFrom: "2000-01-01"}) { userErrors { code } } }`, nil); resp.code() != forbid {
		t.Errorf("officer creating a unit: %+v", resp.Errors)
	}
}
