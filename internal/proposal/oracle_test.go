package proposal_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"

	"tthc/demo"
	"tthc/internal/auth"
	"tthc/internal/proposal"
)

// scalar runs a query that returns one integer on the test's database.
func (e *env) scalar(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	db, err := sql.Open("postgres", e.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// raw is the whole response, errors and data, as the client sees it.
func (r response) raw(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNoExistenceOracle: every mutation on a proposal the caller may not
// read answers exactly as on one that does not exist (code, message,
// field, path), and so does every read by ID. Before, the mutations
// answered FORBIDDEN for another unit's proposal and NOT_FOUND for a
// missing one, so a caller could probe which IDs exist.
func TestNoExistenceOracle(t *testing.T) {
	e := newEnv(t)
	missing := e.scalar(t, `SELECT max(id) + 1000 FROM proposals`)
	for _, m := range mutations {
		if m.start == "" {
			continue // no proposal to probe
		}
		// An officer and a reviewer who hold the mutation's role, of units
		// that neither make nor review Đô Lương's proposals.
		for _, a := range []auth.Actor{officerTK, reviewerTP} {
			p := e.advance(t, e.draft(t, officerDL, "", "1.005136"), m.start)
			in := m.input(e, t, p)
			hidden := e.query(t, &a, m.op, map[string]any{"in": in}).raw(t)
			in["id"] = gid("Proposal", missing)
			absent := e.query(t, &a, m.op, map[string]any{"in": in}).raw(t)
			if hidden != absent {
				t.Errorf("%s by %s:\n hidden proposal: %s\nmissing proposal: %s", m.name, a.Subject, hidden, absent)
			}
			if after := e.reload(t, p.ID); after.Version != p.Version {
				t.Errorf("%s by %s changed a proposal it may not read", m.name, a.Subject)
			}
		}
	}
	// The reads by ID: proposal, node, nodes, and the events through them.
	p := e.advance(t, e.draft(t, officerDL, "", "1.005136"), proposal.StatusSubmitted)
	const q = `query($id: ID!) { proposal(id: $id) { id events { id } } node(id: $id) { id } nodes(ids: [$id]) { id } }`
	for _, a := range []auth.Actor{officerTK, reviewerTP} {
		hidden := e.query(t, &a, q, map[string]any{"id": gid("Proposal", p.ID)}).raw(t)
		absent := e.query(t, &a, q, map[string]any{"id": gid("Proposal", missing)}).raw(t)
		if hidden != absent {
			t.Errorf("reads by %s:\n hidden proposal: %s\nmissing proposal: %s", a.Subject, hidden, absent)
		}
	}
}

// TestDefaultsObeyScope: the applicants a year a write leaves out default
// to a unit's dossier figures, which only the callers who may read that
// unit's dossierStats may learn. For anyone else a unit outside their
// subtree answers exactly as a unit that does not exist, on create and on
// update. Before, an officer got any unit's yearly dossier count this way.
func TestDefaultsObeyScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := demo.SeedDossiers(ctx, e.db); err != nil {
		t.Fatal(err)
	}
	// Xã Đô Lương is under Nghệ An, not under Tân Kỳ.
	unit := e.unitID(t, "40-X-DL")
	procedure := e.scalar(t, `SELECT min(d.procedure_id) FROM dossier_stats d
		JOIN unit_procedures up ON up.unit_id = d.unit_id AND up.procedure_id = d.procedure_id
		WHERE d.unit_id = $1 AND d.received > 0
			AND d.period >= (vn_month(now()) - interval '12 months')::date AND d.period < vn_month(now())`, unit)
	missing := e.scalar(t, `SELECT max(id) + 1000 FROM administrative_units`)
	cost := func(applicants bool) map[string]any {
		c := map[string]any{"processingDays": "5", "fee": "0", "documents": 3, "applicantHours": "4", "hourlyRate": "37500", "timesPerYear": "1"}
		if applicants {
			c["applicantsPerYear"] = 77
		}
		return c
	}
	const create = `mutation($in: CreateProposalInput!) { m: createProposal(input: $in) {
		proposal { id before { applicantsPerYear } } userErrors { field message code } } }`
	createIn := func(unit int64) map[string]any {
		return map[string]any{"in": map[string]any{"procedureId": gid("Procedure", procedure),
			"unitId": gid("AdministrativeUnit", unit), "kinds": []string{"CUT_TIME"}, "title": "Số hồ sơ mặc định",
			"before": cost(false), "after": cost(true)}}
	}

	// The control: Nghệ An's officer may read the unit's figures and gets
	// them as the default.
	var own struct {
		M struct {
			Proposal *struct {
				Before struct{ ApplicantsPerYear int64 }
			}
		}
	}
	e.query(t, &officerNA, create, createIn(unit)).must(t, &own)
	if own.M.Proposal == nil || own.M.Proposal.Before.ApplicantsPerYear == 0 {
		t.Fatalf("officer of Nghệ An: %+v, want the unit's dossier count", own.M)
	}

	before := e.scalar(t, `SELECT count(*) FROM proposals`)
	other := e.query(t, &officerTK, create, createIn(unit))
	absent := e.query(t, &officerTK, create, createIn(missing))
	if other.raw(t) != absent.raw(t) {
		t.Errorf("create by Tân Kỳ:\nanother unit: %s\n missing unit: %s", other.raw(t), absent.raw(t))
	}
	if after := e.scalar(t, `SELECT count(*) FROM proposals`); after != before {
		t.Errorf("%d proposals created with another unit's default", after-before)
	}

	// Tân Kỳ's own draft, pointed at the unit by an update that leaves the
	// applicants out.
	draft, _, err := e.workflow.Create(ctx, officerTK, proposal.New{ProcedureID: procedure, Content: proposal.Content{
		Kinds: []proposal.Kind{proposal.KindCutTime}, Title: "Bản nháp Tân Kỳ", Before: params("6", 100), After: params("2", 100)}})
	if err != nil {
		t.Fatal(err)
	}
	const update = `mutation($in: UpdateProposalInput!) { m: updateProposal(input: $in) {
		proposal { id before { applicantsPerYear } } userErrors { field message code } } }`
	updateIn := func(unit int64) map[string]any {
		return map[string]any{"in": map[string]any{"id": gid("Proposal", draft.ID), "version": draft.Version,
			"unitId": gid("AdministrativeUnit", unit), "before": cost(false)}}
	}
	other = e.query(t, &officerTK, update, updateIn(unit))
	absent = e.query(t, &officerTK, update, updateIn(missing))
	if other.raw(t) != absent.raw(t) {
		t.Errorf("update by Tân Kỳ:\nanother unit: %s\n missing unit: %s", other.raw(t), absent.raw(t))
	}
	if p := e.reload(t, draft.ID); p.Version != draft.Version || p.Before.ApplicantsPerYear != 100 {
		t.Errorf("the update with another unit's default went in: v%d, %d applicants", p.Version, p.Before.ApplicantsPerYear)
	}
	// With the figure given, nothing is read: the unit is accepted as
	// before.
	in := updateIn(unit)
	in["in"].(map[string]any)["before"] = cost(true)
	var given struct {
		M struct {
			Proposal *struct {
				Before struct{ ApplicantsPerYear int64 }
			}
		}
	}
	e.query(t, &officerTK, update, in).must(t, &given)
	if given.M.Proposal == nil || given.M.Proposal.Before.ApplicantsPerYear != 77 {
		t.Errorf("update with the figure given: %+v", given.M)
	}
}
