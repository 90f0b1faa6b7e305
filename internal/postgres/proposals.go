package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"tthc/internal/auth"
	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/page"
	"tthc/internal/proposal"
	"tthc/internal/pubsub"
)

type proposalRow struct {
	ID                  int64           `db:"id"`
	ProcedureID         int64           `db:"procedure_id"`
	UnitID              *int64          `db:"unit_id"`
	ProposingUnitID     int64           `db:"proposing_unit_id"`
	ReviewingUnitID     *int64          `db:"reviewing_unit_id"`
	Status              string          `db:"status"`
	Version             int             `db:"version"`
	Kinds               pq.StringArray  `db:"kinds"`
	Title               string          `db:"title"`
	Changes             string          `db:"changes"`
	Reasons             string          `db:"reasons"`
	ImplementBy         *time.Time      `db:"implement_by"`
	NeedsCentral        bool            `db:"needs_central_legal_change"`
	ImplementedByNumber *string         `db:"implemented_by_number"`
	BeforeDays          decimal.Decimal `db:"before_processing_days"`
	BeforeFee           decimal.Decimal `db:"before_fee"`
	BeforeDocuments     int             `db:"before_documents"`
	BeforeHours         decimal.Decimal `db:"before_hours"`
	BeforeRate          decimal.Decimal `db:"before_hourly_rate"`
	BeforeTimes         decimal.Decimal `db:"before_times_per_year"`
	BeforeApplicants    int64           `db:"before_applicants_per_year"`
	AfterDays           decimal.Decimal `db:"after_processing_days"`
	AfterFee            decimal.Decimal `db:"after_fee"`
	AfterDocuments      int             `db:"after_documents"`
	AfterHours          decimal.Decimal `db:"after_hours"`
	AfterRate           decimal.Decimal `db:"after_hourly_rate"`
	AfterTimes          decimal.Decimal `db:"after_times_per_year"`
	AfterApplicants     int64           `db:"after_applicants_per_year"`
	CreatedBySubject    string          `db:"created_by_subject"`
	CreatedByName       string          `db:"created_by_name"`
	CreatedAt           time.Time       `db:"created_at"`
	UpdatedAt           time.Time       `db:"updated_at"`
	SubmittedAt         *time.Time      `db:"submitted_at"`
	DecidedAt           *time.Time      `db:"decided_at"`
	Amendments          []byte          `db:"amendments"`
	CursorKeys          pq.StringArray  `db:"cursor_keys"`
}

const proposalColumns = `pr.id, pr.procedure_id, pr.unit_id, pr.proposing_unit_id, pr.reviewing_unit_id,
	pr.status, pr.version, pr.kinds, pr.title, pr.changes, pr.reasons, pr.implement_by,
	pr.needs_central_legal_change, pr.implemented_by_number,
	pr.before_processing_days, pr.before_fee, pr.before_documents, pr.before_hours,
	pr.before_hourly_rate, pr.before_times_per_year, pr.before_applicants_per_year,
	pr.after_processing_days, pr.after_fee, pr.after_documents, pr.after_hours,
	pr.after_hourly_rate, pr.after_times_per_year, pr.after_applicants_per_year,
	pr.created_by_subject, pr.created_by_name, pr.created_at, pr.updated_at, pr.submitted_at, pr.decided_at,
	coalesce((SELECT json_agg(json_build_object('number', a.document_number, 'legal_document_id', a.legal_document_id,
		'articles', a.articles) ORDER BY a.position) FROM proposal_amendments a WHERE a.proposal_id = pr.id), '[]') AS amendments`

func (r proposalRow) proposal() (proposal.Proposal, error) {
	p := proposal.Proposal{
		ID: r.ID, ProcedureID: r.ProcedureID, UnitID: r.UnitID, ProposingUnitID: r.ProposingUnitID,
		ReviewingUnitID: r.ReviewingUnitID, Status: proposal.Status(r.Status), Version: r.Version,
		ImplementedByNumber: r.ImplementedByNumber,
		Content: proposal.Content{
			Title: r.Title, Changes: r.Changes, Reasons: r.Reasons, ImplementBy: r.ImplementBy,
			NeedsCentralLegalChange: r.NeedsCentral,
			Before: proposal.CostParameters{ProcessingDays: r.BeforeDays, Fee: r.BeforeFee, Documents: r.BeforeDocuments,
				Hours: r.BeforeHours, HourlyRate: r.BeforeRate, TimesPerYear: r.BeforeTimes, ApplicantsPerYear: r.BeforeApplicants},
			After: proposal.CostParameters{ProcessingDays: r.AfterDays, Fee: r.AfterFee, Documents: r.AfterDocuments,
				Hours: r.AfterHours, HourlyRate: r.AfterRate, TimesPerYear: r.AfterTimes, ApplicantsPerYear: r.AfterApplicants},
		},
		CreatedBySubject: r.CreatedBySubject, CreatedByName: r.CreatedByName,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt, DecidedAt: r.DecidedAt,
	}
	for _, k := range r.Kinds {
		p.Kinds = append(p.Kinds, proposal.Kind(k))
	}
	var amendments []struct {
		Number          string `json:"number"`
		LegalDocumentID *int64 `json:"legal_document_id"`
		Articles        string `json:"articles"`
	}
	if err := json.Unmarshal(r.Amendments, &amendments); err != nil {
		return p, fmt.Errorf("proposal %d amendments: %w", r.ID, err)
	}
	for _, a := range amendments {
		p.Amendments = append(p.Amendments, proposal.Amendment{DocumentNumber: a.Number, LegalDocumentID: a.LegalDocumentID, Articles: a.Articles})
	}
	return p, nil
}

// actorUnitID is the SQL for the id of the unit an actor's token names.
const actorUnitID = `(SELECT id FROM administrative_units WHERE code = %s)`

// visibleTo adds the condition that the actor with visibility v may read
// proposal pr. It is the one place the read rule becomes SQL: every list,
// lookup and subscription goes through it.
func visibleTo(w *where, v proposal.Visibility) {
	if v.All {
		return
	}
	var or []string
	if v.SubtreeOf != "" {
		// = ANY(ARRAY(...)) rather than IN (SELECT ...): inside an OR, only
		// the array form lets both sides use their index (a BitmapOr).
		or = append(or, `pr.proposing_unit_id = ANY(ARRAY(SELECT id FROM unit_subtree(`+fmt.Sprintf(actorUnitID, w.arg(v.SubtreeOf))+`)))`)
	}
	if v.ReviewedBy != "" {
		or = append(or, `pr.reviewing_unit_id = `+fmt.Sprintf(actorUnitID, w.arg(v.ReviewedBy)))
	}
	if len(or) == 0 {
		w.conds = append(w.conds, "false")
		return
	}
	w.conds = append(w.conds, "("+strings.Join(or, " OR ")+")")
}

// dayStart is the SQL for the first instant of a calendar day in Vietnam.
func dayStart(w *where, d time.Time, next bool) string {
	if next {
		d = d.AddDate(0, 0, 1)
	}
	return w.arg(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, catalog.Vietnam)) + `::timestamptz`
}

func dateRange(w *where, col string, r proposal.DateRange) {
	if r.From != nil {
		w.conds = append(w.conds, col+` >= `+dayStart(w, *r.From, false))
	}
	if r.To != nil {
		w.conds = append(w.conds, col+` < `+dayStart(w, *r.To, true))
	}
}

// proposalWhere turns the visibility and a filter into SQL conditions on
// proposals pr.
func proposalWhere(v proposal.Visibility, f proposal.Filter) *where {
	w := &where{}
	visibleTo(w, v)
	if f.IDs != nil {
		w.add(`pr.id = ANY(%s)`, pq.Array(f.IDs))
	}
	if len(f.Statuses) > 0 {
		w.add(`pr.status = ANY(%s)`, pq.Array(f.Statuses))
	}
	if len(f.Kinds) > 0 {
		w.add(`pr.kinds && %s::text[]`, pq.Array(f.Kinds))
	}
	if len(f.ProcedureIDs) > 0 {
		w.add(`pr.procedure_id = ANY(%s)`, pq.Array(f.ProcedureIDs))
	}
	if f.UnitID != nil {
		w.add(`pr.proposing_unit_id IN (SELECT id FROM unit_subtree(%s))`, *f.UnitID)
	}
	if len(f.Levels) > 0 {
		w.add(`EXISTS (SELECT 1 FROM administrative_units u WHERE u.id = pr.proposing_unit_id AND u.level_code = ANY(%s))`, pq.Array(f.Levels))
	}
	if len(f.SectorIDs) > 0 {
		w.add(`EXISTS (SELECT 1 FROM procedures p WHERE p.id = pr.procedure_id AND p.sector_id = ANY(%s))`, pq.Array(f.SectorIDs))
	}
	if f.ReviewingUnitID != nil {
		w.add(`pr.reviewing_unit_id = %s`, *f.ReviewingUnitID)
	}
	dateRange(w, "pr.created_at", f.Created)
	dateRange(w, "pr.submitted_at", f.Submitted)
	dateRange(w, "pr.decided_at", f.Decided)
	for _, term := range catalog.SearchTerms(f.Search) {
		w.add(`pr.search_key LIKE '%%' || vn_fold(%s) || '%%'`, escapeLike(term))
	}
	return w
}

func proposalOrdering(o proposal.Order) (ordering, error) {
	switch o.Field {
	case proposal.OrderCreatedAt, "":
		return ordering{name: "created", keys: []sortKey{{"pr.created_at", timeKey}}, desc: o.Desc}, nil
	case proposal.OrderUpdatedAt:
		return ordering{name: "updated", keys: []sortKey{{"pr.updated_at", timeKey}}, desc: o.Desc}, nil
	case proposal.OrderSaving:
		return ordering{name: "saving", keys: []sortKey{{"pr.annual_saving", numKey}}, desc: o.Desc}, nil
	}
	return ordering{}, errs.Fieldf("orderBy", "unknown ordering %q", o.Field)
}

// ListProposals returns one page of the proposals the actor may read that
// match f, in order o.
func (d *DB) ListProposals(ctx context.Context, v proposal.Visibility, f proposal.Filter, o proposal.Order, args page.Args) (page.Page[proposal.Proposal], error) {
	var out page.Page[proposal.Proposal]
	ord, err := proposalOrdering(o)
	if err != nil {
		return out, err
	}
	req, err := ord.page(args)
	if err != nil || req.Limit == 0 {
		return out, err
	}
	w := proposalWhere(v, f)
	tail := ord.apply(w, req, "pr.id")
	rows := make([]proposalRow, 0, req.Limit+1) // sized for the page, as ListProcedures
	if err := sel(ctx, d.db, &rows, `SELECT `+proposalColumns+`, `+ord.cursorKeys()+` AS cursor_keys
		FROM proposals pr `+w.sql()+` `+tail, w.args...); err != nil {
		return out, err
	}
	rows, more := trim(rows, req)
	out.Info = page.InfoFor(req, more)
	for _, r := range rows {
		p, err := r.proposal()
		if err != nil {
			return out, err
		}
		out.Edges = append(out.Edges, page.Edge[proposal.Proposal]{Node: p, Cursor: ord.cursor(r.CursorKeys, r.ID)})
	}
	return out, nil
}

// CountProposals counts the proposals the actor may read that match f.
func (d *DB) CountProposals(ctx context.Context, v proposal.Visibility, f proposal.Filter) (int, error) {
	w := proposalWhere(v, f)
	var n int
	err := get(ctx, d.db, &n, `SELECT count(*) FROM proposals pr `+w.sql(), w.args...)
	return n, err
}

// ProposalsByIDs returns those of the proposals with the given ids that the
// actor may read, in no order.
func (d *DB) ProposalsByIDs(ctx context.Context, v proposal.Visibility, ids []int64) ([]proposal.Proposal, error) {
	w := proposalWhere(v, proposal.Filter{IDs: ids})
	rows := make([]proposalRow, 0, len(ids))
	if err := sel(ctx, d.db, &rows, `SELECT `+proposalColumns+`, NULL AS cursor_keys FROM proposals pr `+w.sql(), w.args...); err != nil {
		return nil, err
	}
	out := make([]proposal.Proposal, 0, len(rows))
	for _, r := range rows {
		p, err := r.proposal()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ProposalVisible tells whether the actor may read proposal id and it
// matches f; the subscription asks it for each event.
func (d *DB) ProposalVisible(ctx context.Context, v proposal.Visibility, f proposal.Filter, id int64) (bool, error) {
	f.IDs = []int64{id}
	w := proposalWhere(v, f)
	var ok bool
	err := get(ctx, d.db, &ok, `SELECT EXISTS (SELECT 1 FROM proposals pr `+w.sql()+`)`, w.args...)
	return ok, err
}

type eventRow struct {
	ID                  int64     `db:"id"`
	ProposalID          int64     `db:"proposal_id"`
	ActorSubject        string    `db:"actor_subject"`
	ActorName           string    `db:"actor_name"`
	ActorUnitID         *int64    `db:"actor_unit_id"`
	At                  time.Time `db:"at"`
	From                *string   `db:"from_status"`
	To                  string    `db:"to_status"`
	Comment             string    `db:"comment"`
	ImplementedByNumber *string   `db:"implemented_by_number"`
}

const eventColumns = `e.id, e.proposal_id, e.actor_subject, e.actor_name, e.actor_unit_id, e.at,
	e.from_status, e.to_status, e.comment, e.implemented_by_number`

func (r eventRow) event() proposal.Event {
	e := proposal.Event{ID: r.ID, ProposalID: r.ProposalID, ActorSubject: r.ActorSubject, ActorName: r.ActorName,
		ActorUnitID: r.ActorUnitID, At: r.At, To: proposal.Status(r.To), Comment: r.Comment,
		ImplementedByNumber: r.ImplementedByNumber}
	if r.From != nil {
		from := proposal.Status(*r.From)
		e.From = &from
	}
	return e
}

// EventsByProposal returns the events of each proposal, oldest first. The
// caller has already checked that the proposals may be read.
func (d *DB) EventsByProposal(ctx context.Context, ids []int64) (map[int64][]proposal.Event, error) {
	var rows []eventRow
	err := sel(ctx, d.db, &rows, `SELECT `+eventColumns+` FROM proposal_events e
		WHERE e.proposal_id = ANY($1) ORDER BY e.proposal_id, e.id`, pq.Array(ids))
	out := make(map[int64][]proposal.Event, len(ids))
	for _, r := range rows {
		out[r.ProposalID] = append(out[r.ProposalID], r.event())
	}
	return out, err
}

// EventsSince returns the events at or after since with an id above
// after, by id, at most limit of them: what a listener may have missed
// while it was disconnected.
func (d *DB) EventsSince(ctx context.Context, since time.Time, after int64, limit int) ([]proposal.Event, error) {
	var rows []eventRow
	err := sel(ctx, d.db, &rows, `SELECT `+eventColumns+` FROM proposal_events e
		WHERE e.at >= $1 AND e.id > $2 ORDER BY e.id LIMIT $3`, since, after, limit)
	out := make([]proposal.Event, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, err
}

// EventByID returns one event, or a NotFound error.
func (d *DB) EventByID(ctx context.Context, id int64) (proposal.Event, error) {
	var r eventRow
	err := get(ctx, d.db, &r, `SELECT `+eventColumns+` FROM proposal_events e WHERE e.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return proposal.Event{}, errs.Errorf(errs.NotFound, "no event %d", id)
	}
	return r.event(), err
}

// Now returns the database's clock.
func (d *DB) Now(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := get(ctx, d.db, &t, `SELECT now()`)
	return t, err
}

// CreateProposal writes a draft for actor and its creation event, in one
// transaction.
func (d *DB) CreateProposal(ctx context.Context, a auth.Actor, in proposal.New) (proposal.Proposal, proposal.Event, error) {
	var (
		p  proposal.Proposal
		ev proposal.Event
	)
	if err := in.Content.Validate(); err != nil {
		return p, ev, err
	}
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		var facts struct {
			ActorUnit       *int64 `db:"actor_unit"`
			ProposingUnit   *int64 `db:"proposing_unit"`
			OwnUnit         bool   `db:"own_unit"`
			ProcedureExists bool   `db:"procedure_exists"`
			HandledByUnit   bool   `db:"handled_by_unit"`
		}
		err := get(ctx, tx, &facts, `
			WITH actor AS (SELECT id FROM administrative_units WHERE code = $1),
			     target AS (SELECT id FROM administrative_units WHERE id = coalesce($2, (SELECT id FROM actor)))
			SELECT (SELECT id FROM actor) AS actor_unit,
				(SELECT id FROM target) AS proposing_unit,
				coalesce((SELECT id FROM target) IN (SELECT id FROM unit_subtree((SELECT id FROM actor))), false) AS own_unit,
				EXISTS (SELECT 1 FROM procedures WHERE id = $3) AS procedure_exists,
				($4::bigint IS NULL OR EXISTS (SELECT 1 FROM unit_procedures WHERE unit_id = $4 AND procedure_id = $3)) AS handled_by_unit`,
			a.UnitCode, in.ProposingUnitID, in.ProcedureID, in.UnitID)
		if err != nil {
			return err
		}
		switch {
		case facts.ActorUnit == nil:
			return errs.Errorf(errs.Forbidden, "your token's unit %q is not in the catalog", a.UnitCode)
		case facts.ProposingUnit == nil:
			return errs.Fieldf("proposingUnit", "no such administrative unit")
		}
		if err := proposal.Authorize(a, proposal.ActionCreate, proposal.Scope{OwnUnit: facts.OwnUnit}); err != nil {
			return err
		}
		if !facts.ProcedureExists {
			return errs.Errorf(errs.NotFound, "no such procedure").At("procedure")
		}
		if !facts.HandledByUnit {
			return errs.Fieldf("unit", "that unit does not handle this procedure (see its local catalog)")
		}
		c := in.Content
		var id int64
		err = get(ctx, tx, &id, `
			INSERT INTO proposals (procedure_id, unit_id, proposing_unit_id, kinds, title, changes, reasons,
				implement_by, needs_central_legal_change,
				before_processing_days, before_fee, before_documents, before_hours, before_hourly_rate,
				before_times_per_year, before_applicants_per_year,
				after_processing_days, after_fee, after_documents, after_hours, after_hourly_rate,
				after_times_per_year, after_applicants_per_year,
				created_by_subject, created_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
				$17, $18, $19, $20, $21, $22, $23, $24, $25)
			RETURNING id`,
			in.ProcedureID, in.UnitID, *facts.ProposingUnit, pq.Array(c.Kinds), c.Title, c.Changes, c.Reasons,
			c.ImplementBy, c.NeedsCentralLegalChange,
			c.Before.ProcessingDays, c.Before.Fee, c.Before.Documents, c.Before.Hours, c.Before.HourlyRate,
			c.Before.TimesPerYear, c.Before.ApplicantsPerYear,
			c.After.ProcessingDays, c.After.Fee, c.After.Documents, c.After.Hours, c.After.HourlyRate,
			c.After.TimesPerYear, c.After.ApplicantsPerYear,
			a.Subject, a.Name)
		if err != nil {
			return err
		}
		if err := saveAmendments(ctx, tx, id, c.Amendments); err != nil {
			return err
		}
		if ev, err = recordEvent(ctx, tx, a, id, nil, proposal.Step{To: proposal.StatusDraft, Comment: ""}); err != nil {
			return err
		}
		p, err = proposalInTx(ctx, tx, id)
		return err
	})
	return p, ev, dataError(err)
}

// saveAmendments replaces the amendments of a proposal, linking each to the
// catalog's legal document of that number when there is one.
func saveAmendments(ctx context.Context, tx *sqlx.Tx, id int64, list []proposal.Amendment) error {
	if _, err := exec(ctx, tx, `DELETE FROM proposal_amendments WHERE proposal_id = $1`, id); err != nil {
		return err
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
	return err
}

// proposalInTx reads a proposal back inside a write transaction.
func proposalInTx(ctx context.Context, tx *sqlx.Tx, id int64) (proposal.Proposal, error) {
	var r proposalRow
	if err := get(ctx, tx, &r, `SELECT `+proposalColumns+`, NULL AS cursor_keys FROM proposals pr WHERE pr.id = $1`, id); err != nil {
		return proposal.Proposal{}, err
	}
	return r.proposal()
}

// lockProposal reads and locks proposal id for a write by actor a, checks
// that a may take action on it and that it is at the version the client
// saw. The lock makes concurrent writers queue: the first wins, the others
// then see a newer version and get CONFLICT.
func lockProposal(ctx context.Context, tx *sqlx.Tx, a auth.Actor, id int64, version int, action proposal.Action) (proposal.Proposal, error) {
	var r struct {
		proposalRow
		OwnUnit       bool `db:"own_unit"`
		ReviewingUnit bool `db:"reviewing_unit"`
	}
	err := get(ctx, tx, &r, `
		WITH actor AS (SELECT id FROM administrative_units WHERE code = $2)
		SELECT `+proposalColumns+`, NULL AS cursor_keys,
			coalesce(pr.proposing_unit_id IN (SELECT id FROM unit_subtree((SELECT id FROM actor))), false) AS own_unit,
			coalesce(pr.reviewing_unit_id = (SELECT id FROM actor), false) AS reviewing_unit
		FROM proposals pr WHERE pr.id = $1 FOR UPDATE OF pr`, id, a.UnitCode)
	if errors.Is(err, sql.ErrNoRows) {
		return proposal.Proposal{}, errs.Errorf(errs.NotFound, "no such proposal").At("id")
	}
	if err != nil {
		return proposal.Proposal{}, err
	}
	p, err := r.proposal()
	if err != nil {
		return p, err
	}
	scope := proposal.Scope{OwnUnit: r.OwnUnit, ReviewingUnit: r.ReviewingUnit, Author: p.CreatedBySubject == a.Subject}
	if err := proposal.Authorize(a, action, scope); err != nil {
		return p, err
	}
	if p.Version != version {
		return p, errs.Errorf(errs.Conflict, "the proposal changed since you read it (you sent version %d, it is now at %d): reload it and try again",
			version, p.Version).At("version")
	}
	return p, nil
}

// UpdateProposal applies edit to the content of proposal id at version,
// for actor a; only a DRAFT or RETURNED proposal may be edited. edit may
// also change the unit the proposal is about.
func (d *DB) UpdateProposal(ctx context.Context, a auth.Actor, id int64, version int, edit func(*proposal.Proposal) error) (proposal.Proposal, error) {
	var p proposal.Proposal
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if p, err = lockProposal(ctx, tx, a, id, version, proposal.ActionEdit); err != nil {
			return err
		}
		if !proposal.Editable(p.Status) {
			return errs.Errorf(errs.Invalid, "a %s proposal cannot be edited: only drafts and returned proposals can", p.Status)
		}
		if err := edit(&p); err != nil {
			return err
		}
		if err := p.Content.Validate(); err != nil {
			return err
		}
		if p.UnitID != nil {
			var handled bool
			if err := get(ctx, tx, &handled, `SELECT EXISTS (SELECT 1 FROM unit_procedures WHERE unit_id = $1 AND procedure_id = $2)`, *p.UnitID, p.ProcedureID); err != nil {
				return err
			}
			if !handled {
				return errs.Fieldf("unit", "that unit does not handle this procedure (see its local catalog)")
			}
		}
		c := p.Content
		res, err := exec(ctx, tx, `
			UPDATE proposals SET unit_id = $3, kinds = $4, title = $5, changes = $6, reasons = $7,
				implement_by = $8, needs_central_legal_change = $9,
				before_processing_days = $10, before_fee = $11, before_documents = $12, before_hours = $13,
				before_hourly_rate = $14, before_times_per_year = $15, before_applicants_per_year = $16,
				after_processing_days = $17, after_fee = $18, after_documents = $19, after_hours = $20,
				after_hourly_rate = $21, after_times_per_year = $22, after_applicants_per_year = $23,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`,
			id, version, p.UnitID, pq.Array(c.Kinds), c.Title, c.Changes, c.Reasons, c.ImplementBy, c.NeedsCentralLegalChange,
			c.Before.ProcessingDays, c.Before.Fee, c.Before.Documents, c.Before.Hours, c.Before.HourlyRate,
			c.Before.TimesPerYear, c.Before.ApplicantsPerYear,
			c.After.ProcessingDays, c.After.Fee, c.After.Documents, c.After.Hours, c.After.HourlyRate,
			c.After.TimesPerYear, c.After.ApplicantsPerYear)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Errorf(errs.Conflict, "the proposal changed meanwhile: reload it and try again")
		}
		if err := saveAmendments(ctx, tx, id, c.Amendments); err != nil {
			return err
		}
		p, err = proposalInTx(ctx, tx, id)
		return err
	})
	return p, dataError(err)
}

// Transition takes step on proposal id at version for actor a: the state
// change, its event and the notification go in one transaction. Submitting
// derives the reviewing unit.
func (d *DB) Transition(ctx context.Context, a auth.Actor, id int64, version int, step proposal.Step) (proposal.Proposal, proposal.Event, error) {
	var (
		p  proposal.Proposal
		ev proposal.Event
	)
	err := d.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if p, err = lockProposal(ctx, tx, a, id, version, step.Action); err != nil {
			return err
		}
		if err := step.Check(p.Status); err != nil {
			return err
		}
		reviewer := p.ReviewingUnitID
		if step.Action == proposal.ActionSubmit {
			facts, err := routeFacts(ctx, tx, p)
			if err != nil {
				return err
			}
			unit, err := proposal.Route(facts)
			if err != nil {
				return err
			}
			reviewer = &unit
		}
		var implementedBy *string
		if step.To == proposal.StatusImplemented {
			implementedBy = &step.ImplementedByNumber
		}
		decided := step.Action == proposal.ActionDecide
		res, err := exec(ctx, tx, `
			UPDATE proposals SET status = $3, reviewing_unit_id = $4,
				implemented_by_number = coalesce($5, implemented_by_number),
				submitted_at = CASE WHEN $6 THEN now() ELSE submitted_at END,
				decided_at = CASE WHEN $7 THEN now() ELSE decided_at END,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`,
			id, version, string(step.To), reviewer, implementedBy, step.Action == proposal.ActionSubmit, decided)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Errorf(errs.Conflict, "the proposal changed meanwhile: reload it and try again")
		}
		from := p.Status
		if ev, err = recordEvent(ctx, tx, a, id, &from, step); err != nil {
			return err
		}
		p, err = proposalInTx(ctx, tx, id)
		return err
	})
	return p, ev, dataError(err)
}

// recordEvent appends an event and announces it on pubsub.Channel; both
// take effect only when the transaction commits.
func recordEvent(ctx context.Context, tx *sqlx.Tx, a auth.Actor, proposalID int64, from *proposal.Status, step proposal.Step) (proposal.Event, error) {
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
	err := get(ctx, tx, &r, `
		INSERT INTO proposal_events AS e (proposal_id, actor_subject, actor_name, actor_unit_id, from_status, to_status, comment, implemented_by_number)
		VALUES ($1, $2, $3, (SELECT id FROM administrative_units WHERE code = $4), $5, $6, $7, $8)
		RETURNING `+eventColumns,
		proposalID, a.Subject, a.Name, a.UnitCode, fromText, string(step.To), step.Comment, implementedBy)
	if err != nil {
		return proposal.Event{}, err
	}
	payload := pubsub.Payload(proposal.Notice{EventID: r.ID, ProposalID: proposalID, At: r.At})
	if _, err := exec(ctx, tx, `SELECT pg_notify($1, $2)`, pubsub.Channel, payload); err != nil {
		return proposal.Event{}, err
	}
	return r.event(), nil
}

// routeFacts gathers what proposal.Route needs about p.
func routeFacts(ctx context.Context, tx *sqlx.Tx, p proposal.Proposal) (proposal.RouteFacts, error) {
	f := proposal.RouteFacts{NeedsCentralLegalChange: p.NeedsCentralLegalChange}
	var chain []struct {
		ID      int64  `db:"id"`
		Name    string `db:"name"`
		Level   string `db:"level_code"`
		Central bool   `db:"is_central_reviewer"`
	}
	// The depth bound guards against a cycle in bad data.
	err := sel(ctx, tx, &chain, `
		WITH RECURSIVE up AS (
			SELECT u.id, u.name, u.level_code, u.is_central_reviewer, u.parent_id, 0 AS depth
			FROM administrative_units u WHERE u.id = $1
			UNION ALL
			SELECT a.id, a.name, a.level_code, a.is_central_reviewer, a.parent_id, up.depth + 1
			FROM administrative_units a JOIN up ON a.id = up.parent_id WHERE up.depth < 16
		)
		SELECT id, name, level_code, is_central_reviewer FROM up ORDER BY depth`, p.ProposingUnitID)
	if err != nil {
		return f, err
	}
	for _, u := range chain {
		f.Chain = append(f.Chain, proposal.RouteUnit{ID: u.ID, Name: u.Name, Level: catalog.LevelCode(u.Level), Central: u.Central})
	}
	var ids struct {
		Ministry *int64 `db:"ministry"`
		Central  *int64 `db:"central"`
	}
	err = get(ctx, tx, &ids, `
		SELECT (SELECT s.ministry_unit_id FROM procedures p JOIN sectors s ON s.id = p.sector_id WHERE p.id = $1) AS ministry,
			(SELECT id FROM administrative_units WHERE is_central_reviewer AND valid_to IS NULL) AS central`, p.ProcedureID)
	f.SectorMinistryID, f.CentralReviewerID = ids.Ministry, ids.Central
	return f, err
}
