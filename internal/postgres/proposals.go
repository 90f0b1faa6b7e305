package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/page"
	"tthc/internal/proposal"
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
	CostBefore          decimal.Decimal `db:"annual_cost_before"`
	CostAfter           decimal.Decimal `db:"annual_cost_after"`
	Saving              decimal.Decimal `db:"annual_saving"`
	CreatedBySubject    string          `db:"created_by_subject"`
	CreatedByName       string          `db:"created_by_name"`
	CreatedAt           time.Time       `db:"created_at"`
	UpdatedAt           time.Time       `db:"updated_at"`
	SubmittedAt         *time.Time      `db:"submitted_at"`
	DecidedAt           *time.Time      `db:"decided_at"`
	Amendments          []byte          `db:"amendments"`
	CursorKeys          pq.StringArray  `db:"cursor_keys"`
}

// proposalColumns reads every column of proposalRow from proposals pr.
var proposalColumns = `pr.id, pr.procedure_id, pr.proposing_unit_id, pr.reviewing_unit_id,
	pr.status, pr.version, pr.implemented_by_number,
	pr.created_by_subject, pr.created_by_name, pr.created_at, pr.updated_at, pr.submitted_at, pr.decided_at,
	pr.` + strings.Join(contentColumns, ", pr.") + `,
	pr.annual_cost_before, pr.annual_cost_after, pr.annual_saving,
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
		Cost:             proposal.Cost{AnnualBefore: r.CostBefore, AnnualAfter: r.CostAfter, Saving: r.Saving},
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
		return out, fmt.Errorf("proposals: order: %w", err)
	}
	req, err := ord.page(args)
	if err != nil {
		return out, fmt.Errorf("proposals: page: %w", err)
	}
	if req.Limit == 0 {
		return out, nil
	}
	w := proposalWhere(v, f)
	tail := ord.apply(w, req, "pr.id")
	rows := make([]proposalRow, 0, req.Limit+1) // sized for the page, as ListProcedures
	if err := sel(ctx, d.db, &rows, `SELECT `+proposalColumns+`, `+ord.cursorKeys()+` AS cursor_keys
		FROM proposals pr `+w.sql()+` `+tail, w.args...); err != nil {
		return out, fmt.Errorf("proposals: list: %w", err)
	}
	rows, more := trim(rows, req)
	out.Info = page.InfoFor(req, more)
	for _, r := range rows {
		p, err := r.proposal()
		if err != nil {
			return out, fmt.Errorf("proposals: list: %w", err)
		}
		out.Edges = append(out.Edges, page.Edge[proposal.Proposal]{Node: p, Cursor: ord.cursor(r.CursorKeys, r.ID)})
	}
	return out, nil
}

// CountProposals counts the proposals the actor may read that match f.
func (d *DB) CountProposals(ctx context.Context, v proposal.Visibility, f proposal.Filter) (int, error) {
	w := proposalWhere(v, f)
	var n int
	if err := get(ctx, d.db, &n, `SELECT count(*) FROM proposals pr `+w.sql(), w.args...); err != nil {
		return 0, fmt.Errorf("proposals: count: %w", err)
	}
	return n, nil
}

// ProposalsByIDs returns those of the proposals with the given ids that the
// actor may read, in no order.
func (d *DB) ProposalsByIDs(ctx context.Context, v proposal.Visibility, ids []int64) ([]proposal.Proposal, error) {
	w := proposalWhere(v, proposal.Filter{IDs: ids})
	rows := make([]proposalRow, 0, len(ids))
	if err := sel(ctx, d.db, &rows, `SELECT `+proposalColumns+`, NULL AS cursor_keys FROM proposals pr `+w.sql(), w.args...); err != nil {
		return nil, fmt.Errorf("proposals: by ids: %w", err)
	}
	out := make([]proposal.Proposal, 0, len(rows))
	for _, r := range rows {
		p, err := r.proposal()
		if err != nil {
			return nil, fmt.Errorf("proposals: by ids: %w", err)
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
	if err := get(ctx, d.db, &ok, `SELECT EXISTS (SELECT 1 FROM proposals pr `+w.sql()+`)`, w.args...); err != nil {
		return false, fmt.Errorf("proposals: visible %d: %w", id, err)
	}
	return ok, nil
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
	if err := sel(ctx, d.db, &rows, `SELECT `+eventColumns+` FROM proposal_events e
		WHERE e.proposal_id = ANY($1) ORDER BY e.proposal_id, e.id`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("proposal events: of %d proposals: %w", len(ids), err)
	}
	out := make(map[int64][]proposal.Event, len(ids))
	for _, r := range rows {
		out[r.ProposalID] = append(out[r.ProposalID], r.event())
	}
	return out, nil
}

// EventsSince returns the events at or after since with an id above
// after, by id, at most limit of them: what a listener may have missed
// while it was disconnected.
func (d *DB) EventsSince(ctx context.Context, since time.Time, after int64, limit int) ([]proposal.Event, error) {
	var rows []eventRow
	if err := sel(ctx, d.db, &rows, `SELECT `+eventColumns+` FROM proposal_events e
		WHERE e.at >= $1 AND e.id > $2 ORDER BY e.id LIMIT $3`, since, after, limit); err != nil {
		return nil, fmt.Errorf("proposal events: since %d: %w", after, err)
	}
	out := make([]proposal.Event, len(rows))
	for i, r := range rows {
		out[i] = r.event()
	}
	return out, nil
}

// EventByID returns one event, or a NotFound error.
func (d *DB) EventByID(ctx context.Context, id int64) (proposal.Event, error) {
	var r eventRow
	err := get(ctx, d.db, &r, `SELECT `+eventColumns+` FROM proposal_events e WHERE e.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return proposal.Event{}, errs.Errorf(errs.NotFound, "no event %d", id)
	}
	if err != nil {
		return proposal.Event{}, fmt.Errorf("proposal events: %d: %w", id, err)
	}
	return r.event(), nil
}

// Now returns the database's clock.
func (d *DB) Now(ctx context.Context) (time.Time, error) {
	var t time.Time
	if err := get(ctx, d.db, &t, `SELECT now()`); err != nil {
		return t, fmt.Errorf("now: %w", err)
	}
	return t, nil
}
