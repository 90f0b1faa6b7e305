// Package proposal is the domain of simplification proposals (phương án
// đơn giản hóa): what a proposal states, its workflow as a table of
// transitions, the compliance cost formula, who reviews it and who may do
// what to it. It knows nothing of HTTP, GraphQL or SQL.
package proposal

import (
	"slices"
	"strings"
	"time"

	"tthc/internal/errs"
)

// Kind is what a proposal changes about a procedure.
type Kind string

const (
	KindAbolish         Kind = "ABOLISH"
	KindMerge           Kind = "MERGE"
	KindReduceDocuments Kind = "REDUCE_DOCUMENTS"
	// KindReuseData replaces dossier documents with look-ups in national
	// databases.
	KindReuseData       Kind = "REUSE_DATA"
	KindCutTime         Kind = "CUT_TIME"
	KindCutFee          Kind = "CUT_FEE"
	KindFullOnline      Kind = "FULL_ONLINE"
	KindChangeLevel     Kind = "CHANGE_LEVEL"
	KindAmendLegalBasis Kind = "AMEND_LEGAL_BASIS"
	KindOther           Kind = "OTHER"
)

// Kinds lists every kind.
var Kinds = []Kind{KindAbolish, KindMerge, KindReduceDocuments, KindReuseData, KindCutTime,
	KindCutFee, KindFullOnline, KindChangeLevel, KindAmendLegalBasis, KindOther}

// Amendment is a legal document, and the articles of it, that must change
// to carry a proposal out.
type Amendment struct {
	DocumentNumber  string // as written, e.g. "123/2015/NĐ-CP"
	LegalDocumentID *int64 // set when the catalog knows the document
	Articles        string // e.g. "Điều 5, khoản 2"
}

// Content is what an officer writes and may edit while the proposal is a
// draft or returned.
type Content struct {
	Kinds   []Kind
	Title   string
	Changes string // what changes
	Reasons string // why
	// How it is implemented: the legal documents and articles to amend,
	// and by when.
	Amendments  []Amendment
	ImplementBy *time.Time
	// NeedsCentralLegalChange is true when carrying the proposal out needs
	// a central legal document (law, decree, circular) to change; a
	// province cannot then decide alone.
	NeedsCentralLegalChange bool
	Before                  CostParameters
	After                   CostParameters
}

// Proposal is a simplification proposal for one procedure.
type Proposal struct {
	ID          int64
	ProcedureID int64
	// UnitID is set when the proposal is about the procedure as handled in
	// one unit (its local catalog).
	UnitID          *int64
	ProposingUnitID int64
	// ReviewingUnitID is derived by Route at submission.
	ReviewingUnitID     *int64
	Status              Status
	Version             int
	ImplementedByNumber *string
	Content
	// Cost is computed from Before and After by the database, which
	// fills it in with every read (see Cost); a Proposal built in Go
	// and not read back has none.
	Cost             Cost
	CreatedBySubject string
	CreatedByName    string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	SubmittedAt      *time.Time
	DecidedAt        *time.Time
}

// Event is one transition of a proposal, immutable once written.
type Event struct {
	ID                  int64
	ProposalID          int64
	ActorSubject        string
	ActorName           string
	ActorUnitID         *int64
	At                  time.Time
	From                *Status // nil for the creation of the draft
	To                  Status
	Comment             string
	ImplementedByNumber *string
}

// Validate checks what an officer wrote; errors point at the input field.
func (c *Content) Validate() error {
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" {
		return errs.Fieldf("title", "the title is empty")
	}
	if len(c.Kinds) == 0 {
		return errs.Fieldf("kinds", "name at least one kind of simplification")
	}
	seen := map[Kind]bool{}
	for _, k := range c.Kinds {
		if !slices.Contains(Kinds, k) {
			return errs.Fieldf("kinds", "unknown kind %q", k)
		}
		if seen[k] {
			return errs.Fieldf("kinds", "kind %s is given twice", k)
		}
		seen[k] = true
	}
	for i := range c.Amendments {
		a := &c.Amendments[i]
		a.DocumentNumber = strings.TrimSpace(a.DocumentNumber)
		a.Articles = strings.TrimSpace(a.Articles)
		if a.DocumentNumber == "" {
			return errs.Fieldf("amendments", "amendment %d names no legal document", i+1)
		}
	}
	if err := c.Before.validate("before"); err != nil {
		return err
	}
	return c.After.validate("after")
}

// Notice announces that an event was written. Whoever receives it reads
// the event, with their own permissions, from the store.
type Notice struct {
	EventID    int64
	ProposalID int64
	At         time.Time // the event's time, from the database clock
}

// New is what an officer writes to create a draft.
type New struct {
	ProcedureID int64
	UnitID      *int64
	// ProposingUnitID defaults to the actor's unit; it may be a unit under
	// it.
	ProposingUnitID *int64
	Content
	// Defaults names the figures left out of Content, to fill in.
	Defaults Defaults
}
