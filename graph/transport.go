package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The two media types of a GraphQL-over-HTTP response.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// httpTransport serves GraphQL over HTTP, GET and POST, as the
// GraphQL-over-HTTP specification says (graphql-http's audit checks it).
// It stands in for gqlgen's GET and POST transports, which differ in three
// points: a request error (the document does not parse or validate, a
// variable does not coerce) answers 422 to application/json clients, where
// the specification asks for 200; it carries "data": null, where a request
// that never executed must have no data entry; and a request without a
// query is not refused with 400.
type httpTransport struct{}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	switch r.Method {
	case http.MethodGet:
		return true
	case http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		return err == nil && mt == mediaJSON
	}
	return false
}

func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media := responseMediaType(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media)
	start := graphql.Now()
	ctx := r.Context()
	params, err := readParams(r)
	if err != nil {
		writeRequestError(w, http.StatusBadRequest, exec.DispatchError(ctx, gqlerror.List{err}).Errors)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// Parse and validation failures (and the limits, which refuse a
		// document as validation does) are the client's: 400 for clients
		// of the new media type; 200 for application/json, whose clients
		// read the errors from the body.
		status := http.StatusOK
		if media == mediaGraphQLResponse && errcode.GetErrorKind(errs) == errcode.KindProtocol {
			status = http.StatusBadRequest
		}
		writeRequestError(w, status, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs).Errors)
		return
	}
	// A subscription is a stream of events, which GraphQL over HTTP does
	// not carry: run as one request, it would hold its place among those
	// in flight until its deadline and answer nothing.
	if opCtx.Operation.Operation == ast.Subscription {
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		writeRequestError(w, http.StatusMethodNotAllowed, gqlerror.List{{
			Message:    "subscriptions run over a WebSocket: open this URL (ws:// or wss://) with the graphql-transport-ws protocol",
			Extensions: map[string]any{"code": codeBadMethod},
		}})
		return
	}
	// A GET may be cached, prefetched or repeated: it must change nothing.
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		writeRequestError(w, http.StatusMethodNotAllowed, gqlerror.List{{
			Message:    "GET carries queries only: send mutations with POST",
			Extensions: map[string]any{"code": codeBadMethod},
		}})
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	writeJSON(w, http.StatusOK, responses(ctx))
}

// readParams reads the query, operation name, variables and extensions
// from the URL of a GET or the JSON body of a POST. An error means the
// request is not a GraphQL-over-HTTP request at all (400).
func readParams(r *http.Request) (*graphql.RawParams, *gqlerror.Error) {
	params := &graphql.RawParams{}
	if r.Method == http.MethodGet {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, errorf("the URL's query string does not parse")
		}
		params.Query, params.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := decodeJSON(strings.NewReader(v), &params.Variables); err != nil {
				return nil, errorf("variables must be a JSON object")
			}
		}
		if v := q.Get("extensions"); v != "" {
			if err := decodeJSON(strings.NewReader(v), &params.Extensions); err != nil {
				return nil, errorf("extensions must be a JSON object")
			}
		}
	} else {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, errorf("could not read the request body")
		}
		if err := decodeJSON(bytes.NewReader(body), params); err != nil {
			return nil, errorf("the body must be a JSON object with a string query, an object of variables, and optionally a string operationName and an object of extensions")
		}
	}
	// Without a query only an automatic persisted query names a document.
	if params.Query == "" && params.Extensions["persistedQuery"] == nil {
		return nil, errorf("the request has no query")
	}
	return params, nil
}

// decodeJSON decodes one JSON value, keeping numbers exact.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errorf("trailing data after the JSON value")
	}
	return nil
}

// errorf makes an error of the request, safe to show; the error
// presenter gives it its code.
func errorf(msg string) *gqlerror.Error { return &gqlerror.Error{Message: msg} }

// responseMediaType picks the response's media type from the Accept
// header: the one of the two the client weighs more (application/
// graphql-response+json on a tie), application/json for a wildcard, and
// application/json when the client names neither, as the specification
// advises until every client knows the new type.
func responseMediaType(accept string) string {
	best, bestQ := mediaJSON, -1.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(v, 64); err != nil {
				continue
			}
		}
		if q <= 0 {
			continue
		}
		switch mt {
		case mediaGraphQLResponse:
			if q >= bestQ {
				best, bestQ = mt, q
			}
		case mediaJSON, "application/*", "*/*":
			if q > bestQ {
				best, bestQ = mediaJSON, q
			}
		}
	}
	return best
}

// writeRequestError answers an error raised before execution: the
// response has no data entry, since nothing was executed.
func writeRequestError(w http.ResponseWriter, status int, errs gqlerror.List) {
	writeJSON(w, status, struct {
		Errors gqlerror.List `json:"errors"`
	}{errs})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Every response is built of JSON-encodable values.
		panic(err)
	}
	w.WriteHeader(status)
	w.Write(b)
}
