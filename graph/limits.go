package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// Limits bound the work one client can make the server do. Zero fields
// take the value of DefaultLimits.
type Limits struct {
	// The document limits are checked on the parsed document before it is
	// validated or costed: validation compares fields that share a name
	// pairwise, and cost analysis walks every fragment spread, so a short
	// document of duplicated fields or of fragments that spread each other
	// twice would otherwise keep a CPU busy for seconds or minutes.

	// MaxTokens bounds the tokens of a document (MAX_QUERY_TOKENS), so
	// parsing it is bounded.
	MaxTokens int
	// MaxFields bounds the fields of a document, fragment spreads and
	// inline fragments included, each spread counting the fields of its
	// fragment too (MAX_QUERY_FIELDS).
	MaxFields int
	// MaxAliases bounds the aliased fields of a document, counted the same
	// way (MAX_QUERY_ALIASES).
	MaxAliases int
	// MaxDirectives bounds the directives of a document, counted the same
	// way (MAX_QUERY_DIRECTIVES).
	MaxDirectives int

	// MaxSubscriptionsPerConnection bounds the subscriptions one
	// WebSocket connection runs at once (MAX_SUBSCRIPTIONS_PER_CONNECTION).
	MaxSubscriptionsPerConnection int
	// MaxSubscriptionsPerSubject bounds those of one token subject over
	// all its connections to this process (MAX_SUBSCRIPTIONS_PER_SUBJECT).
	MaxSubscriptionsPerSubject int
	// MaxMessageBytes bounds a message a WebSocket client sends, as
	// MAX_BODY_BYTES bounds an HTTP body (the HTTP server sets it from
	// that).
	MaxMessageBytes int64
}

// DefaultLimits are the limits of a server that sets none. The largest
// query a client of this API sends, GraphiQL's schema introspection, has
// 180 tokens and 235 fields as counted here. The worst documents within
// the limits (500 copies of one field, or 250 fragments spread side by
// side) take tens of milliseconds of a CPU to validate, twice as many
// four times as long (bench/HOSTILE.md).
var DefaultLimits = Limits{
	MaxTokens:     15000,
	MaxFields:     500,
	MaxAliases:    100,
	MaxDirectives: 50,
	// A browser tab subscribes a handful of times; an official may keep
	// a few tabs open.
	MaxSubscriptionsPerConnection: 20,
	MaxSubscriptionsPerSubject:    50,
	MaxMessageBytes:               1 << 20,
}

// withDefaults returns l with its zero fields set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	return Limits{
		MaxTokens:                     pick(l.MaxTokens, DefaultLimits.MaxTokens),
		MaxFields:                     pick(l.MaxFields, DefaultLimits.MaxFields),
		MaxAliases:                    pick(l.MaxAliases, DefaultLimits.MaxAliases),
		MaxDirectives:                 pick(l.MaxDirectives, DefaultLimits.MaxDirectives),
		MaxSubscriptionsPerConnection: pick(l.MaxSubscriptionsPerConnection, DefaultLimits.MaxSubscriptionsPerConnection),
		MaxSubscriptionsPerSubject:    pick(l.MaxSubscriptionsPerSubject, DefaultLimits.MaxSubscriptionsPerSubject),
		MaxMessageBytes:               pick(l.MaxMessageBytes, DefaultLimits.MaxMessageBytes),
	}
}

// pick returns v, or def when v is zero or less.
func pick[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// Limits on the shape of an operation, checked with the document limits.
const (
	// MaxComplexity bounds the work of an operation: each field costs 1
	// and a connection multiplies its selection by its page size, so a
	// page of 100 procedures with their details fits and a page of 100
	// units each listing 100 procedures does not.
	MaxComplexity = 10000
	// MaxDepth bounds the nesting of fields (unit.parent.children...).
	// Introspection fields are not counted, so GraphiQL's schema query
	// always works.
	MaxDepth = 12
)

// The extensions.code of each limit. Codes are part of the API: never
// rename one.
const (
	codeTooManyTokens     = "TOKEN_LIMIT_EXCEEDED"
	codeTooManyFields     = "FIELD_LIMIT_EXCEEDED"
	codeTooManyAliases    = "ALIAS_LIMIT_EXCEEDED"
	codeTooManyDirectives = "DIRECTIVE_LIMIT_EXCEEDED"
	// codeTooDeep and codeTooComplex are in errors.go.
)

func init() {
	// The limits refuse a document before it runs, as parse and
	// validation errors do, and get their HTTP status: 422, or 400 for
	// clients that accept application/graphql-response+json. gqlgen
	// answers 200 for codes it does not know.
	for _, code := range []string{codeTooManyTokens, codeTooManyFields, codeTooManyAliases,
		codeTooManyDirectives, codeTooDeep, codeTooComplex} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// documentLimits refuses a document over the Limits or MaxDepth before
// gqlgen validates it. It parses the document itself (bounded by
// MaxTokens), which costs a fraction of validation; a document gqlgen has
// already validated and cached was checked when it came first.
type documentLimits struct {
	limits Limits
	cache  graphql.Cache[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimits{}

func (documentLimits) ExtensionName() string                          { return "DocumentLimits" }
func (documentLimits) Validate(schema graphql.ExecutableSchema) error { return nil }

func (d documentLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil // gqlgen says what is missing
	}
	if _, ok := d.cache.Get(ctx, p.Query); ok {
		return nil
	}
	return d.check(p.Query)
}

// check returns the error of the first limit query is over, or nil. A
// document that does not parse is left to gqlgen, which says why.
func (d documentLimits) check(query string) *gqlerror.Error {
	l := d.limits
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, l.MaxTokens)
	if err != nil {
		if countTokens(query, l.MaxTokens+1) > l.MaxTokens {
			return limitError(codeTooManyTokens, "the document has more than %d tokens, the limit", l.MaxTokens)
		}
		return nil
	}
	s, unknown := measure(doc)
	switch {
	case unknown != "":
		// Validation would refuse it too, but only after comparing every
		// pair of spreads.
		return limitError(errcode.ValidationFailed, "Unknown fragment %q.", unknown)
	case s.fields > l.MaxFields:
		return limitError(codeTooManyFields, "the document selects more than %d fields, the limit (fragment spreads and inline fragments count as fields, and each spread counts the fields of its fragment)", l.MaxFields)
	case s.aliases > l.MaxAliases:
		return limitError(codeTooManyAliases, "the document has more than %d aliases, the limit", l.MaxAliases)
	case s.directives > l.MaxDirectives:
		return limitError(codeTooManyDirectives, "the document has more than %d directives, the limit", l.MaxDirectives)
	case s.depth > MaxDepth:
		return limitError(codeTooDeep, "operation is nested %d levels deep, more than the limit of %d", s.depth, MaxDepth)
	}
	return nil
}

func limitError(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code}
	return err
}

// countTokens returns the number of tokens of query, counting at most
// upTo: as the parser counts them, comments included.
func countTokens(query string, upTo int) int {
	lex := lexer.New(&ast.Source{Input: query})
	n := 0
	for n < upTo {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		n++
	}
	return n
}

// size is what a selection set makes the server walk, with fragment
// spreads expanded.
type size struct {
	// fields counts fields, inline fragments and fragment spreads:
	// validation compares the fields that share a name pairwise, and the
	// fragments spread in one selection set pairwise.
	fields, aliases, directives int
	// depth is the deepest nesting of fields other than introspection.
	depth int
}

// sizeCap is where the counts stop growing: a document whose fragments
// each spread the one before twice has 2^n fields for n fragments.
const sizeCap = 1 << 40

func (s *size) add(o size) {
	s.fields = min(s.fields+o.fields, sizeCap)
	s.aliases = min(s.aliases+o.aliases, sizeCap)
	s.directives = min(s.directives+o.directives, sizeCap)
	s.depth = max(s.depth, o.depth)
}

// measure returns the size of a document: of each operation with its
// fragments expanded, plus the fragments no operation uses (validation
// still reads them), and the name of a fragment it spreads that does not
// exist, if any. It visits each fragment once, so it takes time linear in
// the document whatever the expansion is; the depth is that of the
// deepest operation.
func measure(doc *ast.QueryDocument) (total size, unknown string) {
	m := measurer{doc: doc, done: map[string]size{}, open: map[string]bool{}}
	for _, op := range doc.Operations {
		s := m.selections(op.SelectionSet)
		s.directives = min(s.directives+len(op.Directives), sizeCap)
		for _, v := range op.VariableDefinitions {
			s.directives = min(s.directives+len(v.Directives), sizeCap)
		}
		total.add(s)
	}
	for _, f := range doc.Fragments {
		if _, used := m.done[f.Name]; !used {
			total.add(m.fragment(f.Name))
		}
	}
	return total, m.unknown
}

// measurer remembers the size of each fragment it has measured.
type measurer struct {
	doc     *ast.QueryDocument
	done    map[string]size
	open    map[string]bool // being measured: a spread of one is a cycle
	unknown string          // a fragment spread but not defined
}

func (m *measurer) fragment(name string) size {
	if s, ok := m.done[name]; ok {
		return s
	}
	f := m.doc.Fragments.ForName(name)
	if f == nil {
		m.unknown = name
		return size{}
	}
	if m.open[name] {
		return size{} // a cycle, which validation refuses
	}
	m.open[name] = true
	s := m.selections(f.SelectionSet)
	s.directives = min(s.directives+len(f.Directives), sizeCap)
	delete(m.open, name)
	m.done[name] = s
	return s
}

func (m *measurer) selections(set ast.SelectionSet) size {
	var total size
	for _, sel := range set {
		var s size
		switch sel := sel.(type) {
		case *ast.Field:
			s = m.selections(sel.SelectionSet)
			if sel.Alias != "" && sel.Alias != sel.Name {
				s.aliases++
			}
			s.directives += len(sel.Directives)
			if !strings.HasPrefix(sel.Name, "__") {
				s.depth++
			} else {
				s.depth = 0
			}
		case *ast.InlineFragment:
			s = m.selections(sel.SelectionSet)
			s.directives += len(sel.Directives)
		case *ast.FragmentSpread:
			s = m.fragment(sel.Name)
			s.directives = min(s.directives+len(sel.Directives), sizeCap)
		}
		s.fields = min(s.fields+1, sizeCap)
		total.add(s)
	}
	return total
}
