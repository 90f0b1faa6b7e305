package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"tthc/internal/auth"
	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/proposal"
	"tthc/internal/pubsub"
)

// The proposal writes: proposal.Service runs the workflow, this file only
// stores, inside one transaction (proposalTx implements proposal.Tx).

// ProposalTx runs fn in one transaction of proposal writes.
func (d *DB) ProposalTx(ctx context.Context, fn func(proposal.Tx) error) error {
	return dataError(d.inTx(ctx, func(tx *sqlx.Tx) error { return fn(proposalTx{tx}) }))
}

type proposalTx struct{ tx *sqlx.Tx }

// contentColumns are the columns of a proposal its author writes, named
// as proposalRow's fields: an insert and an update bind them by name, so
// a new column is a field of proposalRow and a name here.
var contentColumns = []string{"unit_id", "kinds", "title", "changes", "reasons", "implement_by",
	"needs_central_legal_change",
	"before_processing_days", "before_fee", "before_documents", "before_hours", "before_hourly_rate",
	"before_times_per_year", "before_applicants_per_year",
	"after_processing_days", "after_fee", "after_documents", "after_hours", "after_hourly_rate",
	"after_times_per_year", "after_applicants_per_year"}

var (
	insertProposal = `INSERT INTO proposals (procedure_id, proposing_unit_id, created_by_subject, created_by_name, ` +
		strings.Join(contentColumns, ", ") + `)
		VALUES (:procedure_id, :proposing_unit_id, :created_by_subject, :created_by_name, :` +
		strings.Join(contentColumns, ", :") + `)
		RETURNING id`
	updateContent = `UPDATE proposals SET ` + assignments(contentColumns) + `,
		version = version + 1, updated_at = now()
		WHERE id = :id AND version = :version`
)

// assignments is "a = :a, b = :b" for the columns.
func assignments(columns []string) string {
	set := make([]string, len(columns))
	for i, c := range columns {
		set[i] = c + " = :" + c
	}
	return strings.Join(set, ", ")
}

// rowOf is the row of p, for a write; the inverse of proposalRow.proposal
// but for the amendments, which saveAmendments writes.
func rowOf(p proposal.Proposal) proposalRow {
	c := p.Content
	kinds := make(pq.StringArray, len(c.Kinds))
	for i, k := range c.Kinds {
		kinds[i] = string(k)
	}
	return proposalRow{
		ID: p.ID, ProcedureID: p.ProcedureID, UnitID: p.UnitID, ProposingUnitID: p.ProposingUnitID,
		ReviewingUnitID: p.ReviewingUnitID, Status: string(p.Status), Version: p.Version,
		Kinds: kinds, Title: c.Title, Changes: c.Changes, Reasons: c.Reasons, ImplementBy: c.ImplementBy,
		NeedsCentral: c.NeedsCentralLegalChange, ImplementedByNumber: p.ImplementedByNumber,
		BeforeDays: c.Before.ProcessingDays, BeforeFee: c.Before.Fee, BeforeDocuments: c.Before.Documents,
		BeforeHours: c.Before.Hours, BeforeRate: c.Before.HourlyRate, BeforeTimes: c.Before.TimesPerYear,
		BeforeApplicants: c.Before.ApplicantsPerYear,
		AfterDays:        c.After.ProcessingDays, AfterFee: c.After.Fee, AfterDocuments: c.After.Documents,
		AfterHours: c.After.Hours, AfterRate: c.After.HourlyRate, AfterTimes: c.After.TimesPerYear,
		AfterApplicants:  c.After.ApplicantsPerYear,
		CreatedBySubject: p.CreatedBySubject, CreatedByName: p.CreatedByName,
	}
}

func (t proposalTx) Facts(ctx context.Context, actorUnit string, procedure int64, proposingUnit, unit *int64) (proposal.Facts, error) {
	var r struct {
		ActorUnit       *int64 `db:"actor_unit"`
		ProposingUnit   *int64 `db:"proposing_unit"`
		OwnUnit         bool   `db:"own_unit"`
		ProcedureExists bool   `db:"procedure_exists"`
		UnitExists      bool   `db:"unit_exists"`
		UnitWithin      bool   `db:"unit_within"`
		UnitHandles     bool   `db:"unit_handles"`
	}
	err := get(ctx, t.tx, &r, `
		WITH actor AS (SELECT id FROM administrative_units WHERE code = $1),
		     subtree AS (SELECT id FROM unit_subtree((SELECT id FROM actor))),
		     target AS (SELECT id FROM administrative_units WHERE id = coalesce($2, (SELECT id FROM actor)))
		SELECT (SELECT id FROM actor) AS actor_unit,
			(SELECT id FROM target) AS proposing_unit,
			coalesce((SELECT id FROM target) IN (SELECT id FROM subtree), false) AS own_unit,
			EXISTS (SELECT 1 FROM procedures WHERE id = $3) AS procedure_exists,
			EXISTS (SELECT 1 FROM administrative_units WHERE id = $4) AS unit_exists,
			coalesce($4 IN (SELECT id FROM subtree), false) AS unit_within,
			EXISTS (SELECT 1 FROM unit_procedures WHERE unit_id = $4 AND procedure_id = $3) AS unit_handles`,
		actorUnit, proposingUnit, procedure, unit)
	if err != nil {
		return proposal.Facts{}, fmt.Errorf("proposals: facts of procedure %d for unit %q: %w", procedure, actorUnit, err)
	}
	return proposal.Facts{ActorUnit: r.ActorUnit, ProposingUnit: r.ProposingUnit, OwnUnit: r.OwnUnit,
		ProcedureExists: r.ProcedureExists, UnitExists: r.UnitExists, UnitWithin: r.UnitWithin, UnitHandles: r.UnitHandles}, nil
}

func (t proposalTx) Lock(ctx context.Context, id int64, actorUnit string) (proposal.Proposal, proposal.Scope, error) {
	var r struct {
		proposalRow
		OwnUnit       bool `db:"own_unit"`
		ReviewingUnit bool `db:"reviewing_unit"`
	}
	err := get(ctx, t.tx, &r, `
		WITH actor AS (SELECT id FROM administrative_units WHERE code = $2)
		SELECT `+proposalColumns+`, NULL AS cursor_keys,
			coalesce(pr.proposing_unit_id IN (SELECT id FROM unit_subtree((SELECT id FROM actor))), false) AS own_unit,
			coalesce(pr.reviewing_unit_id = (SELECT id FROM actor), false) AS reviewing_unit
		FROM proposals pr WHERE pr.id = $1 FOR UPDATE OF pr`, id, actorUnit)
	if errors.Is(err, sql.ErrNoRows) {
		return proposal.Proposal{}, proposal.Scope{}, errs.Errorf(errs.NotFound, "no proposal %d", id)
	}
	if err != nil {
		return proposal.Proposal{}, proposal.Scope{}, fmt.Errorf("proposals: lock %d: %w", id, err)
	}
	p, err := r.proposal()
	if err != nil {
		return p, proposal.Scope{}, fmt.Errorf("proposals: lock %d: %w", id, err)
	}
	return p, proposal.Scope{OwnUnit: r.OwnUnit, ReviewingUnit: r.ReviewingUnit}, nil
}

// ApplicantsLastYear reads the one-stop desk statistics, dossier_stats, by
// its primary key.
func (t proposalTx) ApplicantsLastYear(ctx context.Context, unit, procedure int64) (int64, error) {
	var n int64
	err := get(ctx, t.tx, &n, `
		SELECT coalesce(sum(received), 0) FROM dossier_stats
		WHERE unit_id IN (SELECT id FROM unit_subtree($1)) AND procedure_id = $2
			AND period >= (vn_month(now()) - interval '12 months')::date AND period < vn_month(now())`, unit, procedure)
	if err != nil {
		return 0, fmt.Errorf("proposals: applicants of procedure %d at unit %d: %w", procedure, unit, err)
	}
	return n, nil
}

func (t proposalTx) Insert(ctx context.Context, a auth.Actor, p proposal.Proposal) (int64, error) {
	p.CreatedBySubject, p.CreatedByName = a.Subject, a.Name
	var id int64
	if err := getNamed(ctx, t.tx, &id, insertProposal, rowOf(p)); err != nil {
		return 0, fmt.Errorf("proposals: insert: %w", err)
	}
	if err := saveAmendments(ctx, t.tx, id, p.Amendments); err != nil {
		return 0, fmt.Errorf("proposals: insert: %w", err)
	}
	return id, nil
}

func (t proposalTx) SaveContent(ctx context.Context, p proposal.Proposal) error {
	res, err := execNamed(ctx, t.tx, updateContent, rowOf(p))
	if err != nil {
		return fmt.Errorf("proposals: update %d: %w", p.ID, err)
	}
	if err := oneRow(res, p.ID); err != nil {
		return fmt.Errorf("proposals: update %d: %w", p.ID, err)
	}
	if err := saveAmendments(ctx, t.tx, p.ID, p.Amendments); err != nil {
		return fmt.Errorf("proposals: update %d: %w", p.ID, err)
	}
	return nil
}

func (t proposalTx) SaveStep(ctx context.Context, p proposal.Proposal, step proposal.Step, reviewer *int64) error {
	var implementedBy *string
	if step.To == proposal.StatusImplemented {
		implementedBy = &step.ImplementedByNumber
	}
	res, err := exec(ctx, t.tx, `
		UPDATE proposals SET status = $3, reviewing_unit_id = $4,
			implemented_by_number = coalesce($5, implemented_by_number),
			submitted_at = CASE WHEN $6 THEN now() ELSE submitted_at END,
			decided_at = CASE WHEN $7 THEN now() ELSE decided_at END,
			version = version + 1, updated_at = now()
		WHERE id = $1 AND version = $2`,
		p.ID, p.Version, string(step.To), reviewer, implementedBy,
		step.Action == proposal.ActionSubmit, step.Action == proposal.ActionDecide)
	if err != nil {
		return fmt.Errorf("proposals: %s %d: %w", step.Action, p.ID, err)
	}
	if err := oneRow(res, p.ID); err != nil {
		return fmt.Errorf("proposals: %s %d: %w", step.Action, p.ID, err)
	}
	return nil
}

// oneRow checks that a write of proposal id at its version hit it: the
// lock makes another outcome a bug, answered as a conflict to retry.
func oneRow(res sql.Result, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("proposals: rows written to %d: %w", id, err)
	}
	if n != 1 {
		return errs.Errorf(errs.Conflict, "the proposal changed meanwhile: reload it and try again")
	}
	return nil
}

// saveAmendments replaces the amendments of a proposal, linking each to the
// catalog's legal document of that number when there is one.
func saveAmendments(ctx context.Context, tx *sqlx.Tx, id int64, list []proposal.Amendment) error {
	if _, err := exec(ctx, tx, `DELETE FROM proposal_amendments WHERE proposal_id = $1`, id); err != nil {
		return fmt.Errorf("proposals: clear amendments of %d: %w", id, err)
	}
	if len(list) == 0 {
		return nil
	}
	numbers := make([]string, len(list))
	articles := make([]string, len(list))
	for i, a := range list {
		numbers[i], articles[i] = a.DocumentNumber, a.Articles
	}
	_, err := exec(ctx, tx, `
		INSERT INTO proposal_amendments (proposal_id, position, document_number, legal_document_id, articles)
		SELECT $1, x.position, x.number,
			(SELECT l.id FROM legal_documents l WHERE l.number = x.number ORDER BY l.id LIMIT 1), x.articles
		FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(number, articles, position)`,
		id, pq.Array(numbers), pq.Array(articles))
	if err != nil {
		return fmt.Errorf("proposals: amendments of %d: %w", id, err)
	}
	return nil
}

func (t proposalTx) Get(ctx context.Context, id int64) (proposal.Proposal, error) {
	var r proposalRow
	if err := get(ctx, t.tx, &r, `SELECT `+proposalColumns+`, NULL AS cursor_keys FROM proposals pr WHERE pr.id = $1`, id); err != nil {
		return proposal.Proposal{}, fmt.Errorf("proposals: read back %d: %w", id, err)
	}
	p, err := r.proposal()
	if err != nil {
		return p, fmt.Errorf("proposals: read back %d: %w", id, err)
	}
	return p, nil
}

// AppendEvent appends an event and announces it on pubsub.Channel; both
// take effect only when the transaction commits.
func (t proposalTx) AppendEvent(ctx context.Context, a auth.Actor, id int64, from *proposal.Status, step proposal.Step) (proposal.Event, error) {
	var implementedBy *string
	if step.ImplementedByNumber != "" {
		implementedBy = &step.ImplementedByNumber
	}
	var fromText *string
	if from != nil {
		s := string(*from)
		fromText = &s
	}
	var r eventRow
	err := get(ctx, t.tx, &r, `
		INSERT INTO proposal_events AS e (proposal_id, actor_subject, actor_name, actor_unit_id, from_status, to_status, comment, implemented_by_number)
		VALUES ($1, $2, $3, (SELECT id FROM administrative_units WHERE code = $4), $5, $6, $7, $8)
		RETURNING `+eventColumns,
		id, a.Subject, a.Name, a.UnitCode, fromText, string(step.To), step.Comment, implementedBy)
	if err != nil {
		return proposal.Event{}, fmt.Errorf("proposals: event of %d: %w", id, err)
	}
	payload := pubsub.Payload(proposal.Notice{EventID: r.ID, ProposalID: id, At: r.At})
	if _, err := exec(ctx, t.tx, `SELECT pg_notify($1, $2)`, pubsub.Channel, payload); err != nil {
		return proposal.Event{}, fmt.Errorf("proposals: notify event %d: %w", r.ID, err)
	}
	return r.event(), nil
}

// RouteFacts gathers what proposal.Route needs about p.
func (t proposalTx) RouteFacts(ctx context.Context, p proposal.Proposal) (proposal.RouteFacts, error) {
	f := proposal.RouteFacts{NeedsCentralLegalChange: p.NeedsCentralLegalChange}
	var chain []struct {
		ID      int64  `db:"id"`
		Name    string `db:"name"`
		Level   string `db:"level_code"`
		Central bool   `db:"is_central_reviewer"`
	}
	// The depth bound guards against a cycle in bad data.
	err := sel(ctx, t.tx, &chain, `
		WITH RECURSIVE up AS (
			SELECT u.id, u.name, u.level_code, u.is_central_reviewer, u.parent_id, 0 AS depth
			FROM administrative_units u WHERE u.id = $1
			UNION ALL
			SELECT a.id, a.name, a.level_code, a.is_central_reviewer, a.parent_id, up.depth + 1
			FROM administrative_units a JOIN up ON a.id = up.parent_id WHERE up.depth < 16
		)
		SELECT id, name, level_code, is_central_reviewer FROM up ORDER BY depth`, p.ProposingUnitID)
	if err != nil {
		return f, fmt.Errorf("proposals: units above %d: %w", p.ProposingUnitID, err)
	}
	for _, u := range chain {
		f.Chain = append(f.Chain, proposal.RouteUnit{ID: u.ID, Name: u.Name, Level: catalog.LevelCode(u.Level), Central: u.Central})
	}
	var ids struct {
		Ministry *int64 `db:"ministry"`
		Central  *int64 `db:"central"`
	}
	err = get(ctx, t.tx, &ids, `
		SELECT (SELECT s.ministry_unit_id FROM procedures p JOIN sectors s ON s.id = p.sector_id WHERE p.id = $1) AS ministry,
			(SELECT id FROM administrative_units WHERE is_central_reviewer AND valid_to IS NULL) AS central`, p.ProcedureID)
	if err != nil {
		return f, fmt.Errorf("proposals: reviewers of procedure %d: %w", p.ProcedureID, err)
	}
	f.SectorMinistryID, f.CentralReviewerID = ids.Ministry, ids.Central
	return f, nil
}
