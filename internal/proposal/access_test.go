package proposal_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"tthc/internal/auth"
	"tthc/internal/proposal"
)

const (
	ok     = "OK"
	forbid = "FORBIDDEN"
	// hidden is the answer for a proposal the caller may not read: the
	// same as for one that does not exist.
	hidden  = "NOT_FOUND: no such proposal"
	unauth  = "UNAUTHENTICATED"
	badTok  = "bad token"
	anonTok = "anonymous"
)

// mutation is one mutation of the roles table: the status the proposal
// must be in first, and the operation with its input.
type mutation struct {
	name  string
	start proposal.Status // "" for mutations that need no proposal
	op    string
	input func(e *env, t *testing.T, p proposal.Proposal) map[string]any
}

func transitionInput(extra map[string]any) func(*env, *testing.T, proposal.Proposal) map[string]any {
	return func(_ *env, _ *testing.T, p proposal.Proposal) map[string]any {
		in := map[string]any{"id": gid("Proposal", p.ID), "version": p.Version}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
}

var costInput = map[string]any{"processingDays": "5", "fee": "0", "documents": 3, "applicantHours": "4",
	"hourlyRate": "37500", "timesPerYear": "1", "applicantsPerYear": 100}

var mutations = []mutation{
	{"createProposal", "", `mutation($in: CreateProposalInput!) { m: createProposal(input: $in) { proposal { id status } userErrors { code message } } }`,
		func(e *env, t *testing.T, _ proposal.Proposal) map[string]any {
			return map[string]any{"procedureId": gid("Procedure", e.procedureID(t, "1.005136")),
				"proposingUnitId": gid("AdministrativeUnit", e.unitID(t, "40-DL")),
				"kinds":           []string{"CUT_TIME"}, "title": "Rút thời hạn", "before": costInput, "after": costInput}
		}},
	{"updateProposal", proposal.StatusDraft, `mutation($in: UpdateProposalInput!) { m: updateProposal(input: $in) { proposal { id status } userErrors { code message } } }`,
		transitionInput(map[string]any{"title": "Tiêu đề mới"})},
	{"submitProposal", proposal.StatusDraft, `mutation($in: ProposalTransitionInput!) { m: submitProposal(input: $in) { proposal { id status } userErrors { code message } } }`,
		transitionInput(nil)},
	{"withdrawProposal", proposal.StatusSubmitted, `mutation($in: ProposalTransitionInput!) { m: withdrawProposal(input: $in) { proposal { id status } userErrors { code message } } }`,
		transitionInput(nil)},
	{"startReview", proposal.StatusSubmitted, `mutation($in: ProposalTransitionInput!) { m: startReview(input: $in) { proposal { id status } userErrors { code message } } }`,
		transitionInput(nil)},
	{"decideProposal", proposal.StatusUnderReview, `mutation($in: DecideProposalInput!) { m: decideProposal(input: $in) { proposal { id status } userErrors { code message } } }`,
		transitionInput(map[string]any{"decision": "APPROVE"})},
	{"markImplemented", proposal.StatusApproved, `mutation($in: MarkImplementedInput!) { m: markImplemented(input: $in) { proposal { id status } userErrors { code message } } }`,
		transitionInput(map[string]any{"legalDocumentNumber": "05/2026/QĐ-UBND"})},
	{"createLegalDocument (ADMIN)", "", `mutation($in: CreateLegalDocumentInput!) { m: createLegalDocument(input: $in) { legalDocument { id } userErrors { code message } } }`,
		func(*env, *testing.T, proposal.Proposal) map[string]any {
			return map[string]any{"number": nextDocumentNumber(), "title": "Thử"}
		}},
}

var documentNumber atomic.Int64

// nextDocumentNumber makes each legal document of the table new.
func nextDocumentNumber() string {
	return fmt.Sprintf("%d/2026/QĐ-UBND", 900+documentNumber.Add(1))
}

// TestRolesMutationsTable is the table of roles × mutations × own unit /
// other unit, through the real HTTP handler with real tokens. The
// proposals are Đô Lương's (40-DL), reviewed by Nghệ An (40).
func TestRolesMutationsTable(t *testing.T) {
	e := newEnv(t)
	type who struct {
		name  string
		actor *auth.Actor
		raw   string // a raw Authorization header instead of an actor
	}
	actors := []who{
		{"officer of the unit", &officerDL, ""},
		{"officer of the province above it", &officerNA, ""},
		{"officer of another unit", &officerTK, ""},
		{"reviewer of the reviewing unit", &reviewerNA, ""},
		{"reviewer of another unit", &reviewerTP, ""},
		{"analyst", &analyst, ""},
		{"admin", &admin, ""},
		{anonTok, nil, ""},
		{badTok, nil, "Bearer not-a-token"},
	}
	// want[mutation][actor]. A role that never may is FORBIDDEN; a
	// proposal of a unit the caller does not see is as if it did not
	// exist.
	officerOnly := []string{ok, ok, hidden, forbid, forbid, forbid, forbid, unauth, unauth}
	reviewerOnly := []string{forbid, forbid, forbid, ok, hidden, forbid, forbid, unauth, unauth}
	want := map[string][]string{
		"createProposal":              {ok, ok, forbid, forbid, forbid, forbid, forbid, unauth, unauth},
		"updateProposal":              officerOnly,
		"submitProposal":              officerOnly,
		"withdrawProposal":            officerOnly,
		"startReview":                 reviewerOnly,
		"decideProposal":              reviewerOnly,
		"markImplemented":             {ok, ok, hidden, ok, hidden, forbid, forbid, unauth, unauth},
		"createLegalDocument (ADMIN)": {forbid, forbid, forbid, forbid, forbid, forbid, ok, unauth, unauth},
	}
	for _, m := range mutations {
		for i, w := range actors {
			var p proposal.Proposal
			if m.start != "" {
				p = e.advance(t, e.draft(t, officerDL, "", "1.005136"), m.start)
			}
			header := w.raw
			if w.actor != nil {
				header = "Bearer " + token(t, *w.actor)
			}
			resp := e.queryWithHeader(t, header, m.op, map[string]any{"in": m.input(e, t, p)})
			got := resp.code()
			if got == "" {
				var data struct {
					M struct {
						UserErrors []struct{ Code, Message string }
					}
				}
				if err := json.Unmarshal(resp.Data, &data); err != nil {
					t.Fatal(err)
				}
				got = ok
				if len(data.M.UserErrors) > 0 {
					got = data.M.UserErrors[0].Code + ": " + data.M.UserErrors[0].Message
				}
			}
			if got != want[m.name][i] {
				t.Errorf("%s by %s: got %s, want %s", m.name, w.name, got, want[m.name][i])
			}
			// A refused write changes nothing.
			if got != ok && m.start != "" {
				if after := e.reload(t, p.ID); after.Version != p.Version || after.Status != p.Status {
					t.Errorf("%s by %s was refused but changed the proposal: %s v%d -> %s v%d",
						m.name, w.name, p.Status, p.Version, after.Status, after.Version)
				}
			}
		}
	}
}

// TestConcurrentDecision races reviewers deciding the same proposal at the
// same version: exactly one wins, every other gets CONFLICT, and the event
// log holds exactly one decision.
func TestConcurrentDecision(t *testing.T) {
	e := newEnv(t)
	p := e.advance(t, e.draft(t, officerDL, "", "1.005136"), proposal.StatusUnderReview)
	const racers = 8
	start := make(chan struct{})
	results := make([]string, racers)
	decisions := make([]string, racers)
	var wg sync.WaitGroup
	for i := range racers {
		a, decision := reviewerNA, "APPROVE"
		if i%2 == 1 {
			a, decision = reviewerN2, "REJECT"
		}
		decisions[i] = decision
		tok := token(t, a)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp := e.queryWithHeader(t, "Bearer "+tok,
				`mutation($in: DecideProposalInput!) { decideProposal(input: $in) { proposal { status } userErrors { code } } }`,
				map[string]any{"in": map[string]any{"id": gid("Proposal", p.ID), "version": p.Version, "decision": decision, "comment": "racer"}})
			var data struct {
				DecideProposal struct {
					Proposal   *struct{ Status string }
					UserErrors []struct{ Code string }
				}
			}
			if resp.code() != "" {
				results[i] = resp.code()
				return
			}
			json.Unmarshal(resp.Data, &data)
			switch {
			case data.DecideProposal.Proposal != nil:
				results[i] = ok
			case len(data.DecideProposal.UserErrors) > 0:
				results[i] = data.DecideProposal.UserErrors[0].Code
			}
		}()
	}
	close(start)
	wg.Wait()
	winners, conflicts, winner := 0, 0, -1
	for i, r := range results {
		switch r {
		case ok:
			winners++
			winner = i
		case "CONFLICT":
			conflicts++
		default:
			t.Errorf("racer %d: got %q", i, r)
		}
	}
	if winners != 1 || conflicts != racers-1 {
		t.Fatalf("winners %d, conflicts %d; want 1 and %d", winners, conflicts, racers-1)
	}
	after := e.reload(t, p.ID)
	wantStatus := proposal.StatusApproved
	if decisions[winner] == "REJECT" {
		wantStatus = proposal.StatusRejected
	}
	if after.Status != wantStatus || after.Version != p.Version+1 {
		t.Errorf("after the race: %s v%d, want %s v%d", after.Status, after.Version, wantStatus, p.Version+1)
	}
	evs := e.events(t, p.ID)
	var path []string
	for _, ev := range evs {
		path = append(path, string(ev.To))
	}
	if got, want := strings.Join(path, ">"), "DRAFT>SUBMITTED>UNDER_REVIEW>"+string(wantStatus); got != want {
		t.Errorf("event log %s, want %s", got, want)
	}
}

// TestEventsImmutable: the database itself refuses to change the log.
func TestEventsImmutable(t *testing.T) {
	e := newEnv(t)
	p := e.advance(t, e.draft(t, officerDL, "", "1.005136"), proposal.StatusSubmitted)
	db, err := sql.Open("postgres", e.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		`UPDATE proposal_events SET comment = 'rewritten' WHERE proposal_id = $1`,
		`DELETE FROM proposal_events WHERE proposal_id = $1`,
		`TRUNCATE proposal_events CASCADE`,
	} {
		var err error
		if strings.HasPrefix(stmt, "TRUNCATE") {
			_, err = db.ExecContext(context.Background(), stmt)
		} else {
			_, err = db.ExecContext(context.Background(), stmt, p.ID)
		}
		if err == nil || !strings.Contains(err.Error(), "immutable") {
			t.Errorf("%s: got %v, want a refusal", stmt, err)
		}
	}
	if n := len(e.events(t, p.ID)); n != 2 {
		t.Errorf("%d events after the attempts, want 2", n)
	}
}

// TestScoping: whichever path a query takes through the graph, it never
// reads a proposal the caller may not see.
func TestScoping(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tanKy := e.draft(t, officerTK, "", "1.004772") // Tân Kỳ's own draft
	doLuong := e.advance(t, e.draft(t, officerDL, "", "1.004772"), proposal.StatusSubmitted)
	count := func(where string, args ...any) int {
		var n int
		db, _ := sql.Open("postgres", e.url)
		defer db.Close()
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM proposals pr WHERE `+where, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const q = `query($id: ID!, $pid: ID!, $code: String!) {
		proposals(first: 100) { totalCount nodes { id } }
		proposal(id: $pid) { id }
		node(id: $pid) { id }
		nodes(ids: [$pid]) { id }
		procedure(code: $code) { proposals(first: 100) { totalCount nodes { id } } }
		byUnit: proposals(filter: {unitId: $id}) { totalCount }
	}`
	type result struct {
		Proposals struct {
			TotalCount int
			Nodes      []struct{ ID string }
		}
		Proposal  *struct{ ID string }
		Node      *struct{ ID string }
		Nodes     []*struct{ ID string }
		Procedure struct {
			Proposals struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		ByUnit struct{ TotalCount int }
	}
	vars := map[string]any{"id": gid("AdministrativeUnit", e.unitID(t, "40-DL")), "pid": gid("Proposal", doLuong.ID), "code": "1.004772"}
	dl := e.unitID(t, "40-DL")
	na := e.unitID(t, "40")
	proc := e.procedureID(t, "1.004772")

	// Tân Kỳ's officer sees only Tân Kỳ's proposal, by any path, even
	// when filtering on Đô Lương.
	var r result
	e.query(t, &officerTK, q, vars).must(t, &r)
	if r.Proposals.TotalCount != 1 || len(r.Proposals.Nodes) != 1 || r.Proposals.Nodes[0].ID != gid("Proposal", tanKy.ID) {
		t.Errorf("officer of Tân Kỳ lists %+v, want only %d", r.Proposals, tanKy.ID)
	}
	if r.Proposal != nil || r.Node != nil || r.Nodes[0] != nil {
		t.Errorf("officer of Tân Kỳ reads Đô Lương's proposal: %+v %+v %+v", r.Proposal, r.Node, r.Nodes[0])
	}
	if r.Procedure.Proposals.TotalCount != 1 || r.ByUnit.TotalCount != 0 {
		t.Errorf("officer of Tân Kỳ: Procedure.proposals %d, filter on Đô Lương %d; want 1 and 0", r.Procedure.Proposals.TotalCount, r.ByUnit.TotalCount)
	}

	// Đô Lương's officer sees the unit and its communes; the province's
	// officer sees everything under Nghệ An.
	for _, c := range []struct {
		a    auth.Actor
		want int
	}{
		{officerDL, count(`pr.proposing_unit_id IN (SELECT id FROM unit_subtree($1))`, dl)},
		{officerNA, count(`pr.proposing_unit_id IN (SELECT id FROM unit_subtree($1))`, na)},
		{reviewerNA, count(`pr.reviewing_unit_id = $1`, na)},
		{reviewerTP, count(`pr.reviewing_unit_id = $1`, e.unitID(t, "BO-TP"))},
		{analyst, count(`true`)},
	} {
		var r result
		e.query(t, &c.a, q, vars).must(t, &r)
		if r.Proposals.TotalCount != c.want || len(r.Proposals.Nodes) != c.want {
			t.Errorf("%s lists %d (%d nodes), want %d", c.a.Subject, r.Proposals.TotalCount, len(r.Proposals.Nodes), c.want)
		}
		canRead := c.a.Subject != reviewerTP.Subject
		if (r.Proposal != nil) != canRead || (r.Node != nil) != canRead {
			t.Errorf("%s reads Đô Lương's submitted proposal: %v, want %v", c.a.Subject, r.Proposal != nil, canRead)
		}
		wantProc := 0
		switch c.a.Subject {
		case officerDL.Subject:
			wantProc = count(`pr.procedure_id = $1 AND pr.proposing_unit_id IN (SELECT id FROM unit_subtree($2))`, proc, dl)
		case officerNA.Subject:
			wantProc = count(`pr.procedure_id = $1 AND pr.proposing_unit_id IN (SELECT id FROM unit_subtree($2))`, proc, na)
		case reviewerNA.Subject:
			wantProc = count(`pr.procedure_id = $1 AND pr.reviewing_unit_id = $2`, proc, na)
		case analyst.Subject:
			wantProc = count(`pr.procedure_id = $1`, proc)
		}
		if r.Procedure.Proposals.TotalCount != wantProc {
			t.Errorf("%s: Procedure.proposals %d, want %d", c.a.Subject, r.Procedure.Proposals.TotalCount, wantProc)
		}
	}
	if n := count(`true`); n < 18 {
		t.Fatalf("only %d proposals: the demo data is missing", n)
	}

	// Without a token: the protected fields fail, the catalog answers.
	resp := e.query(t, nil, q, vars)
	paths := map[string]string{}
	for _, err := range resp.Errors {
		code, _ := err.Extensions["code"].(string)
		paths[err.Message] = code
	}
	if resp.code() != unauth {
		t.Errorf("anonymous: errors %+v, want UNAUTHENTICATED", resp.Errors)
	}
	var anon struct {
		Proposals *struct{ TotalCount int }
		Proposal  *struct{ ID string }
		Node      *struct{ ID string }
		Procedure *struct{ Proposals *struct{ TotalCount int } }
	}
	json.Unmarshal(resp.Data, &anon)
	if anon.Proposals != nil || anon.Proposal != nil || anon.Node != nil || anon.Procedure == nil || anon.Procedure.Proposals != nil {
		t.Errorf("anonymous read %s", resp.Data)
	}
	// An administrator holds no proposal right.
	if resp := e.query(t, &admin, `{ proposals { totalCount } }`, nil); resp.code() != forbid {
		t.Errorf("admin: %+v, want FORBIDDEN", resp.Errors)
	}
}
