package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tthc/internal/telemetry"
	"tthc/internal/trusted"
)

// Codes of trusted mode (HTTP 400, set by the HTTP edge from the code).
const (
	codeDocumentNotFound = "PERSISTED_QUERY_NOT_FOUND"
	codeNotTrusted       = "OPERATION_NOT_TRUSTED"
)

// TrustedDocuments runs only the operations of a manifest, on every
// transport: one sent as its exact text (GraphQL over HTTP's documentId
// is resolved to it by the HTTP edge), or by the hash of Apollo's
// persisted-query extension ({"persistedQuery": {"sha256Hash": ...}}),
// which WebSocket clients can send.
type TrustedDocuments struct{ Documents *trusted.Documents }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = TrustedDocuments{}

func (TrustedDocuments) ExtensionName() string                   { return "TrustedDocuments" }
func (TrustedDocuments) Validate(graphql.ExecutableSchema) error { return nil }

func (t TrustedDocuments) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		id := persistedQueryHash(p.Extensions)
		text, ok := t.Documents.Lookup(id)
		if !ok {
			return refuse(ctx, codeDocumentNotFound, "no trusted document has the id %q", id)
		}
		p.Query = text
		return nil
	}
	if !t.Documents.Contains(p.Query) {
		return refuse(ctx, codeNotTrusted, "this server runs only its trusted documents: send one by its documentId, or its exact text")
	}
	return nil
}

// persistedQueryHash returns the sha256Hash of Apollo's persisted-query
// extension, or "".
func persistedQueryHash(ext map[string]any) string {
	pq, _ := ext["persistedQuery"].(map[string]any)
	hash, _ := pq["sha256Hash"].(string)
	return hash
}

// refuse makes the error of a refused document, and records its code on
// the request before the transport writes the status, which it sets.
func refuse(ctx context.Context, code, format string, args ...any) *gqlerror.Error {
	if req := telemetry.RequestFrom(ctx); req != nil {
		req.Code = code
	}
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code}
	return err
}

func init() {
	// Request errors: the operation never ran, so no data.
	errcode.RegisterErrorType(codeDocumentNotFound, errcode.KindProtocol)
	errcode.RegisterErrorType(codeNotTrusted, errcode.KindProtocol)
}
