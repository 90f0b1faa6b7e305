package graph

import (
	"context"
	"log/slog"
	"slices"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"tthc/graph/model"
	"tthc/internal/auth"
	"tthc/internal/catalog"
	"tthc/internal/errs"
	"tthc/internal/page"
	"tthc/internal/proposal"
)

// ProposalStore is what the proposal resolvers need; internal/postgres
// implements it. Every read takes the caller's Visibility, so the data
// layer itself keeps a proposal from whoever may not read it; every write
// goes through proposal.Service, which runs over the proposal.Store.
type ProposalStore interface {
	proposal.Store
	ListProposals(ctx context.Context, v proposal.Visibility, f proposal.Filter, o proposal.Order, args page.Args) (page.Page[proposal.Proposal], error)
	CountProposals(ctx context.Context, v proposal.Visibility, f proposal.Filter) (int, error)
	ProposalsByIDs(ctx context.Context, v proposal.Visibility, ids []int64) ([]proposal.Proposal, error)
	ProposalVisible(ctx context.Context, v proposal.Visibility, f proposal.Filter, id int64) (bool, error)
	EventsByProposal(ctx context.Context, ids []int64) (map[int64][]proposal.Event, error)
	EventByID(ctx context.Context, id int64) (proposal.Event, error)
}

// workflow is the proposal workflow over the store.
func (r *Resolver) workflow() *proposal.Service { return proposal.NewService(r.Store) }

// EventSource tells of every proposal event written by any API instance;
// internal/pubsub.Broker implements it.
type EventSource interface {
	Subscribe(ctx context.Context) <-chan proposal.Notice
}

const typeProposal = "Proposal"

// visibility is which proposals the request's caller may read: nothing
// for anonymous callers or bad tokens.
func visibility(ctx context.Context) proposal.Visibility {
	a, err := auth.FromContext(ctx)
	if err != nil {
		return proposal.Visibility{}
	}
	return proposal.VisibilityOf(a)
}

// authDirective implements @auth(requires: [...]): the field resolves only
// for an authenticated caller holding one of the roles.
func authDirective(ctx context.Context, _ any, next graphql.Resolver, requires []auth.Role) (any, error) {
	if _, err := auth.Require(ctx, requires...); err != nil {
		return nil, err
	}
	return next(ctx)
}

// proposalFilter decodes the GraphQL filter into the domain's.
func proposalFilter(in *model.ProposalFilter) (proposal.Filter, error) {
	var f proposal.Filter
	if in == nil {
		return f, nil
	}
	var err error
	f.Statuses = in.Statuses
	f.Kinds = in.Kinds
	for _, l := range in.Levels {
		f.Levels = append(f.Levels, catalog.LevelCode(l))
	}
	if f.ProcedureIDs, err = parseIntIDs("filter.procedureIds", typeProcedure, in.ProcedureIds); err != nil {
		return f, err
	}
	if f.SectorIDs, err = parseIntIDs("filter.sectorIds", typeSector, in.SectorIds); err != nil {
		return f, err
	}
	if f.UnitID, err = optIntID("filter.unitId", typeUnit, in.UnitID); err != nil {
		return f, err
	}
	if f.ReviewingUnitID, err = optIntID("filter.reviewingUnitId", typeUnit, in.ReviewingUnitID); err != nil {
		return f, err
	}
	f.Created, f.Submitted, f.Decided = dateRange(in.Created), dateRange(in.Submitted), dateRange(in.Decided)
	f.Search, err = search(in.Search)
	return f, err
}

func dateRange(in *model.DateRange) proposal.DateRange {
	if in == nil {
		return proposal.DateRange{}
	}
	return proposal.DateRange{From: in.From, To: in.To}
}

func proposalOrder(in *model.ProposalOrder) proposal.Order {
	if in == nil {
		return proposal.Order{Field: proposal.OrderCreatedAt, Desc: true}
	}
	return proposal.Order{Field: in.Field, Desc: in.Direction == nil || *in.Direction == model.OrderDirectionDesc}
}

// proposalConnection lists the proposals the caller may read and counts
// them only if asked.
func (r *Resolver) proposalConnection(ctx context.Context, f proposal.Filter, o proposal.Order, args page.Args) (*model.ProposalConnection, error) {
	v := visibility(ctx)
	p, err := r.Store.ListProposals(ctx, v, f, o, args)
	if err != nil {
		return nil, err
	}
	c := connection(ctx, p, (*Loaders).listedProposals, func(ctx context.Context) (int, error) {
		return r.Store.CountProposals(ctx, v, f)
	})
	return &c, nil
}

// proposalProcedure loads the procedure of a proposal, with the
// procedures of the proposals listed with it.
func (r *Resolver) proposalProcedure(ctx context.Context, obj *proposal.Proposal) (catalog.Procedure, error) {
	loader, fetch := r.procedureLoader(ctx)
	primeGroup(ctx, loadersFrom(ctx).proposalGroups.get(obj.ID), loader, groupRefs, mapByID(fetch, procedureID), nil)
	p, err := loadOne(ctx, loader, obj.ProcedureID)
	if err != nil {
		return catalog.Procedure{}, err
	}
	if p == nil {
		return catalog.Procedure{}, errs.Errorf(errs.NotFound, "the proposal's procedure is gone")
	}
	return *p, nil
}

// proposalUnit loads a unit a proposal points to, with the units of the
// proposals listed with it.
func (r *Resolver) proposalUnit(ctx context.Context, proposalID, id int64) (*catalog.Unit, error) {
	l := loadersFrom(ctx)
	primeGroup(ctx, l.proposalUnitGroups.get(proposalID), l.Unit, groupRefs, mapByID(r.Store.UnitsByIDs, unitID), nil)
	return loadOne(ctx, l.Unit, id)
}

// proposalByID returns the proposal if the caller may read it, else nil.
func (r *Resolver) proposalByID(ctx context.Context, id int64) (*proposal.Proposal, error) {
	return loadOne(ctx, loadersFrom(ctx).Proposal, id)
}

// costParameters decodes cost parameters; applicants a year left out
// are 0 until the service fills in their default (see leftOut).
func costParameters(in *model.CostParametersInput) proposal.CostParameters {
	c := proposal.CostParameters{
		ProcessingDays: in.ProcessingDays, Fee: in.Fee, Documents: in.Documents, Hours: in.ApplicantHours,
		HourlyRate: in.HourlyRate, TimesPerYear: in.TimesPerYear,
	}
	if in.ApplicantsPerYear != nil {
		c.ApplicantsPerYear = int64(*in.ApplicantsPerYear)
	}
	return c
}

// leftOut tells which of the cost parameters given leave out the
// applicants a year, for the service to fill in with the default.
func leftOut(before, after *model.CostParametersInput) proposal.Defaults {
	return proposal.Defaults{
		BeforeApplicants: before != nil && before.ApplicantsPerYear == nil,
		AfterApplicants:  after != nil && after.ApplicantsPerYear == nil,
	}
}

func amendments(in []model.LegalAmendmentInput) []proposal.Amendment {
	out := make([]proposal.Amendment, len(in))
	for i, a := range in {
		out[i] = proposal.Amendment{DocumentNumber: a.DocumentNumber, Articles: str(a.Articles)}
	}
	return out
}

func newProposal(in model.CreateProposalInput) (proposal.New, error) {
	var (
		n   proposal.New
		err error
	)
	if n.ProcedureID, err = parseIntID("procedureId", typeProcedure, in.ProcedureID); err != nil {
		return n, err
	}
	if n.UnitID, err = optIntID("unitId", typeUnit, in.UnitID); err != nil {
		return n, err
	}
	if n.ProposingUnitID, err = optIntID("proposingUnitId", typeUnit, in.ProposingUnitID); err != nil {
		return n, err
	}
	n.Content = proposal.Content{
		Kinds: in.Kinds, Title: in.Title, Changes: str(in.Changes), Reasons: str(in.Reasons),
		Amendments: amendments(in.Amendments), ImplementBy: in.ImplementBy,
		NeedsCentralLegalChange: in.NeedsCentralLegalChange != nil && *in.NeedsCentralLegalChange,
		Before:                  costParameters(&in.Before), After: costParameters(&in.After),
	}
	n.Defaults = leftOut(&in.Before, &in.After)
	return n, nil
}

// proposalEdit returns the edit that updateProposal applies: the fields
// given replace the stored ones.
func proposalEdit(in model.UpdateProposalInput) (func(*proposal.Proposal) error, error) {
	unitID, err := optIntID("unitId", typeUnit, in.UnitID)
	if err != nil {
		return nil, err
	}
	return func(p *proposal.Proposal) error {
		if unitID != nil {
			p.UnitID = unitID
		}
		if in.Kinds != nil {
			p.Kinds = in.Kinds
		}
		if in.Title != nil {
			p.Title = *in.Title
		}
		if in.Changes != nil {
			p.Changes = *in.Changes
		}
		if in.Reasons != nil {
			p.Reasons = *in.Reasons
		}
		if in.Amendments != nil {
			p.Amendments = amendments(in.Amendments)
		}
		if in.ImplementBy != nil {
			p.ImplementBy = in.ImplementBy
		}
		if in.NeedsCentralLegalChange != nil {
			p.NeedsCentralLegalChange = *in.NeedsCentralLegalChange
		}
		if in.Before != nil {
			p.Before = costParameters(in.Before)
		}
		if in.After != nil {
			p.After = costParameters(in.After)
		}
		return nil
	}, nil
}

// transition runs one workflow step for the caller and shapes the payload.
func (r *Resolver) transition(ctx context.Context, id string, version int, step proposal.Step) (*model.ProposalTransitionPayload, error) {
	a, err := auth.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	pid, err := parseIntID("id", typeProposal, id)
	if err == nil {
		var (
			p  proposal.Proposal
			ev proposal.Event
		)
		p, ev, err = r.workflow().Transition(ctx, a, pid, version, step)
		if err == nil {
			return &model.ProposalTransitionPayload{Proposal: &p, Event: &ev, UserErrors: []model.UserError{}}, nil
		}
	}
	ue, err := userErrors(err)
	if err != nil {
		return nil, err
	}
	return &model.ProposalTransitionPayload{UserErrors: ue}, nil
}

// subscribe streams the events of the proposals the caller may read and
// that match f. The broker announces every event; the store says, with the
// caller's visibility, which ones this subscriber gets.
func (r *Resolver) subscribe(ctx context.Context, f proposal.Filter) (<-chan proposal.Event, error) {
	a, err := auth.FromContext(ctx)
	if err != nil {
		return nil, err
	}
	if r.Events == nil {
		return nil, errs.Errorf(errs.Internal, "subscriptions are not available on this server")
	}
	v := proposal.VisibilityOf(a)
	// A status filter picks transitions by the status they lead to, so
	// "APPROVED" means approvals, not whatever happens to a proposal that
	// is approved by the time the event is delivered.
	to := f.Statuses
	f.Statuses = nil
	logger := r.Logger
	if logger == nil {
		logger = slog.Default()
	}
	notices := r.Events.Subscribe(ctx)
	out := make(chan proposal.Event)
	go func() {
		defer close(out)
		for n := range notices {
			ev, ok, err := r.visibleEvent(ctx, v, f, n)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				logger.ErrorContext(ctx, "proposal subscription", "event", strconv.FormatInt(n.EventID, 10), "err", err)
				continue
			}
			if !ok || (len(to) > 0 && !slices.Contains(to, ev.To)) {
				continue
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

func (r *Resolver) visibleEvent(ctx context.Context, v proposal.Visibility, f proposal.Filter, n proposal.Notice) (proposal.Event, bool, error) {
	ok, err := r.Store.ProposalVisible(ctx, v, f, n.ProposalID)
	if err != nil || !ok {
		return proposal.Event{}, false, err
	}
	ev, err := r.Store.EventByID(ctx, n.EventID)
	return ev, err == nil, err
}
