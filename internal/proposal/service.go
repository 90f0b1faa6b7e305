package proposal

import (
	"context"

	"tthc/internal/auth"
	"tthc/internal/errs"
)

// Store keeps proposals; internal/postgres implements it. It only stores:
// every rule of the workflow is the Service's.
type Store interface {
	// ProposalTx runs fn in one transaction, committed when fn returns
	// nil: a write, its event and its notification take effect together
	// or not at all.
	ProposalTx(ctx context.Context, fn func(Tx) error) error
}

// Tx is what the workflow reads and writes inside one transaction.
type Tx interface {
	// Facts tells what the catalog says about the units and the procedure
	// a write names, as seen from the unit with code actorUnit.
	// proposingUnit nil means the actor's unit; unit nil names none.
	Facts(ctx context.Context, actorUnit string, procedure int64, proposingUnit, unit *int64) (Facts, error)
	// Lock reads proposal id and locks it until the transaction ends, so
	// concurrent writers queue; with where it stands relative to the unit
	// with code actorUnit (Scope.Author is the service's). A NotFound
	// error when there is no such proposal.
	Lock(ctx context.Context, id int64, actorUnit string) (Proposal, Scope, error)
	// ApplicantsLastYear returns the dossiers received for procedure at
	// unit and the units under it over the last 12 complete months.
	ApplicantsLastYear(ctx context.Context, unit, procedure int64) (int64, error)
	// RouteFacts gathers what Route needs about p.
	RouteFacts(ctx context.Context, p Proposal) (RouteFacts, error)
	// Insert writes a new draft by a and returns its id.
	Insert(ctx context.Context, a auth.Actor, p Proposal) (int64, error)
	// SaveContent writes the unit and content of p, which is at version
	// p.Version, and moves it to the next version.
	SaveContent(ctx context.Context, p Proposal) error
	// SaveStep writes that proposal p, at version p.Version, took step
	// and is now reviewed by reviewer, and moves it to the next version.
	SaveStep(ctx context.Context, p Proposal, step Step, reviewer *int64) error
	// AppendEvent appends the event of a step by a (from nil: the
	// creation) and announces it.
	AppendEvent(ctx context.Context, a auth.Actor, id int64, from *Status, step Step) (Event, error)
	// Get reads proposal id back.
	Get(ctx context.Context, id int64) (Proposal, error)
}

// Facts are what the catalog says about the units and the procedure a
// write names, relative to the actor's unit.
type Facts struct {
	// ActorUnit is the actor's unit; nil when the token's unit is not in
	// the catalog.
	ActorUnit *int64
	// ProposingUnit is nil when no such unit exists.
	ProposingUnit *int64
	// OwnUnit: the proposing unit is the actor's or under it.
	OwnUnit         bool
	ProcedureExists bool
	// Of the unit the proposal is about, when it names one: it exists,
	// it is the actor's or under it, and it handles the procedure.
	UnitExists, UnitWithin, UnitHandles bool
}

// Defaults says which figures a write left out, for the service to fill
// in: the applicants a year, before and after, default to the dossiers
// received for the procedure over the last 12 complete months at the unit
// the proposal is about (else the proposing unit) and the units under it,
// as the one-stop desks reported them.
type Defaults struct {
	BeforeApplicants, AfterApplicants bool
}

func (d Defaults) any() bool { return d.BeforeApplicants || d.AfterApplicants }

// Service runs the workflow: who may do what, which steps the workflow
// allows, who reviews, and the defaults, each write in one transaction of
// the Store.
type Service struct {
	store Store
}

// NewService returns the workflow over store.
func NewService(store Store) *Service { return &Service{store: store} }

// The answers for a proposal or unit that does not exist, which are also
// the answers for one the actor may not read: nobody learns what exists
// by asking.
var (
	errNoProposal = errs.Errorf(errs.NotFound, "no such proposal").At("id")
	errNoUnit     = errs.Errorf(errs.NotFound, "no such administrative unit").At("unit")
)

// Create writes a draft for a, with its creation event.
func (s *Service) Create(ctx context.Context, a auth.Actor, n New) (Proposal, Event, error) {
	var (
		p  Proposal
		ev Event
	)
	if err := mayEver(a, ActionCreate); err != nil {
		return p, ev, err
	}
	if err := n.Content.Validate(); err != nil {
		return p, ev, err
	}
	err := s.store.ProposalTx(ctx, func(tx Tx) error {
		f, err := tx.Facts(ctx, a.UnitCode, n.ProcedureID, n.ProposingUnitID, n.UnitID)
		if err != nil {
			return err
		}
		switch {
		case f.ActorUnit == nil:
			return errs.Errorf(errs.Forbidden, "your token's unit %q is not in the catalog", a.UnitCode)
		case f.ProposingUnit == nil:
			return errs.Fieldf("proposingUnit", "no such administrative unit")
		}
		if err := Authorize(a, ActionCreate, Scope{OwnUnit: f.OwnUnit}); err != nil {
			return err
		}
		if !f.ProcedureExists {
			return errs.Errorf(errs.NotFound, "no such procedure").At("procedure")
		}
		p = Proposal{ProcedureID: n.ProcedureID, UnitID: n.UnitID, ProposingUnitID: *f.ProposingUnit, Content: n.Content}
		if err := fill(ctx, tx, a, f, &p, n.Defaults); err != nil {
			return err
		}
		id, err := tx.Insert(ctx, a, p)
		if err != nil {
			return err
		}
		if ev, err = tx.AppendEvent(ctx, a, id, nil, Step{To: StatusDraft}); err != nil {
			return err
		}
		p, err = tx.Get(ctx, id)
		return err
	})
	return p, ev, err
}

// Update applies edit to the content of proposal id at version for a;
// only a DRAFT or RETURNED proposal may be edited. edit may also change
// the unit the proposal is about.
func (s *Service) Update(ctx context.Context, a auth.Actor, id int64, version int, edit func(*Proposal) error, d Defaults) (Proposal, error) {
	var p Proposal
	if err := mayEver(a, ActionEdit); err != nil {
		return p, err
	}
	err := s.store.ProposalTx(ctx, func(tx Tx) error {
		var err error
		if p, err = lock(ctx, tx, a, id, version, ActionEdit); err != nil {
			return err
		}
		if !Editable(p.Status) {
			return errs.Errorf(errs.Invalid, "a %s proposal cannot be edited: only drafts and returned proposals can", p.Status)
		}
		if err := edit(&p); err != nil {
			return err
		}
		if err := p.Content.Validate(); err != nil {
			return err
		}
		f, err := tx.Facts(ctx, a.UnitCode, p.ProcedureID, &p.ProposingUnitID, p.UnitID)
		if err != nil {
			return err
		}
		if err := fill(ctx, tx, a, f, &p, d); err != nil {
			return err
		}
		if err := tx.SaveContent(ctx, p); err != nil {
			return err
		}
		p, err = tx.Get(ctx, id)
		return err
	})
	return p, err
}

// Transition takes step on proposal id at version for a: the state
// change and its event go in one transaction. Submitting derives the
// reviewing unit.
func (s *Service) Transition(ctx context.Context, a auth.Actor, id int64, version int, step Step) (Proposal, Event, error) {
	var (
		p  Proposal
		ev Event
	)
	if err := mayEver(a, step.Action); err != nil {
		return p, ev, err
	}
	err := s.store.ProposalTx(ctx, func(tx Tx) error {
		var err error
		if p, err = lock(ctx, tx, a, id, version, step.Action); err != nil {
			return err
		}
		if err := step.Check(p.Status); err != nil {
			return err
		}
		reviewer := p.ReviewingUnitID
		if step.Action == ActionSubmit {
			facts, err := tx.RouteFacts(ctx, p)
			if err != nil {
				return err
			}
			unit, err := Route(facts)
			if err != nil {
				return err
			}
			reviewer = &unit
		}
		if err := tx.SaveStep(ctx, p, step, reviewer); err != nil {
			return err
		}
		from := p.Status
		if ev, err = tx.AppendEvent(ctx, a, id, &from, step); err != nil {
			return err
		}
		p, err = tx.Get(ctx, id)
		return err
	})
	return p, ev, err
}

// mayEver refuses an action the actor's roles never allow, whatever the
// proposal: Authorize with every scope granted. It runs before any
// proposal is looked up, so a refusal by role tells nothing of which
// proposals exist.
func mayEver(a auth.Actor, action Action) error {
	return Authorize(a, action, Scope{OwnUnit: true, ReviewingUnit: true})
}

// lock locks proposal id for a write by a, checks that a may take action
// on it and that it is at the version the client saw. A proposal a may
// not read answers as one that does not exist.
func lock(ctx context.Context, tx Tx, a auth.Actor, id int64, version int, action Action) (Proposal, error) {
	p, scope, err := tx.Lock(ctx, id, a.UnitCode)
	if errs.KindOf(err) == errs.NotFound {
		return p, errNoProposal
	}
	if err != nil {
		return p, err
	}
	scope.Author = p.CreatedBySubject == a.Subject
	if Authorize(a, ActionRead, scope) != nil {
		return p, errNoProposal
	}
	if err := Authorize(a, action, scope); err != nil {
		return p, err
	}
	if p.Version != version {
		return p, errs.Errorf(errs.Conflict, "the proposal changed since you read it (you sent version %d, it is now at %d): reload it and try again",
			version, p.Version).At("version")
	}
	return p, nil
}

// fill checks the unit the proposal p is about and fills in the figures
// the write left out. The defaults read dossier figures, so they obey the
// scope of dossierStats: the actor's unit and the units under it
// (analysts every unit); a unit outside it is refused as if it did not
// exist.
func fill(ctx context.Context, tx Tx, a auth.Actor, f Facts, p *Proposal, d Defaults) error {
	unit := p.ProposingUnitID // within the actor's unit: Authorize said so
	if p.UnitID != nil {
		unit = *p.UnitID
		if !f.UnitExists || (d.any() && !f.UnitWithin && !a.Has(auth.Analyst)) {
			return errNoUnit
		}
		if !f.UnitHandles {
			return errs.Fieldf("unit", "that unit does not handle this procedure (see its local catalog)")
		}
	}
	if !d.any() {
		return nil
	}
	n, err := tx.ApplicantsLastYear(ctx, unit, p.ProcedureID)
	if err != nil {
		return err
	}
	if d.BeforeApplicants {
		p.Before.ApplicantsPerYear = n
	}
	if d.AfterApplicants {
		p.After.ApplicantsPerYear = n
	}
	return nil
}
