package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"tthc/graph/generated"
	"tthc/graph/model"
	"tthc/internal/auth"
	"tthc/internal/page"
	"tthc/internal/trusted"
)

// Options switch parts of the endpoint on or off, and bound what it
// does.
type Options struct {
	// Introspection answers __schema and __type (GraphiQL needs it).
	Introspection bool
	// Documents, when set, are the only operations that run (trusted
	// mode, TRUSTED_DOCUMENTS); automatic persisted queries are off then,
	// as they would let a client register any document.
	Documents *trusted.Documents
	// Limits bound the documents and subscriptions of clients; zero
	// fields take DefaultLimits.
	Limits Limits
	// Socket gives the operations sent over a WebSocket the turn and the
	// deadline the HTTP edge gives a request.
	Socket SocketOptions
}

// NewHandler returns the GraphQL endpoint: POST and GET (queries only)
// per GraphQL over HTTP, answering application/graphql-response+json to
// clients that accept it.
func NewHandler(r *Resolver, logger *slog.Logger, opts Options) *handler.Server {
	limits := opts.Limits.withDefaults()
	cfg := generated.Config{Resolvers: r}
	cfg.Directives.Auth = authDirective
	setComplexity(&cfg.Complexity)
	srv := handler.New(generated.NewExecutableSchema(cfg))
	// The WebSocket transport comes first: an upgrade request is also a
	// GET. Browsers cannot set headers on a WebSocket, so the token comes
	// in the connection_init payload ({"Authorization": "Bearer ..."}).
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           10 * time.Second,
		PayloadReadLimit:      &limits.MaxMessageBytes,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			if h := p.Authorization(); h != "" {
				ctx = auth.Authenticate(ctx, r.Verifier, h)
			}
			ctx = context.WithValue(ctx, socketKey{}, &socket{})
			// A subscription lives for hours: its loaders must not cache.
			ctx = context.WithValue(ctx, loadersKey{}, NewLoaders(r.Store, dataloadgen.WithoutCache()))
			return ctx, nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{}) // GET and POST, transport.go
	// Documents that passed validation, by their text.
	validated := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(validated)
	srv.SetParserTokenLimit(limits.MaxTokens)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	// The document limits come before the trusted documents and the
	// persisted queries, which would otherwise keep a document that is
	// then refused.
	srv.Use(documentLimits{limits: limits, cache: validated})
	if opts.Documents != nil {
		srv.Use(TrustedDocuments{Documents: opts.Documents})
	} else {
		srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	}
	srv.Use(extension.FixedComplexityLimit(MaxComplexity))
	// First, so that an operation over a WebSocket runs all within its
	// deadline.
	srv.AroundOperations((&sockets{SocketOptions: opts.Socket, perConnection: limits.MaxSubscriptionsPerConnection,
		perSubject: limits.MaxSubscriptionsPerSubject, bySubject: map[string]int{}}).around)
	srv.AroundOperations(answerTimeout)
	srv.AroundOperations(r.readVersionFirst)
	srv.SetErrorPresenter(presentError(logger))
	srv.SetRecoverFunc(recoverPanic(logger))
	return srv
}

// pageSize is the number of rows a connection may return, as the
// complexity limit counts it.
func pageSize(first, last *int) int {
	switch {
	case first != nil:
		return max(*first, 1)
	case last != nil:
		return max(*last, 1)
	}
	return page.DefaultSize
}

func setComplexity(c *generated.ComplexityRoot) {
	c.Query.Procedures = func(child int, _ *model.ProcedureFilter, _ *model.ProcedureOrder, first *int, _ *string, last *int, _ *string) int {
		return child * pageSize(first, last)
	}
	c.Query.AdministrativeUnits = func(child int, _ *model.AdministrativeUnitFilter, first *int, _ *string, last *int, _ *string) int {
		return child * pageSize(first, last)
	}
	c.Query.LegalDocuments = func(child int, _ *model.LegalDocumentFilter, first *int, _ *string, last *int, _ *string) int {
		return child * pageSize(first, last)
	}
	c.Query.Nodes = func(child int, ids []string) int {
		return child * max(len(ids), 1)
	}
	c.AdministrativeUnit.Procedures = func(child int, first *int, _ *string, last *int, _ *string) int {
		return child * pageSize(first, last)
	}
	c.LegalDocument.Procedures = func(child int, first *int, _ *string, last *int, _ *string) int {
		return child * pageSize(first, last)
	}
	c.Query.Proposals = func(child int, _ *model.ProposalFilter, _ *model.ProposalOrder, first *int, _ *string, last *int, _ *string) int {
		return child * pageSize(first, last)
	}
	c.Procedure.Proposals = func(child int, _ *model.ProposalFilter, _ *model.ProposalOrder, first *int, _ *string, last *int, _ *string) int {
		return child * pageSize(first, last)
	}
	// A province lists dozens of units under it.
	c.AdministrativeUnit.Children = func(child int) int { return child * 50 }
}
