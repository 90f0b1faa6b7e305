package httpserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"tthc/internal/trusted"
)

// resolveDocumentID turns a request that names its operation by
// documentId (GraphQL over HTTP's persisted documents: GET
// /graphql?documentId=sha256:…&variables=…, or POST {"documentId": …})
// into one that carries the document's text, which the GraphQL layer then
// runs as any trusted document. An id that names no trusted document (any
// id, when the server keeps none) gets 400 PERSISTED_QUERY_NOT_FOUND. It
// reports whether the request may go on.
func resolveDocumentID(w http.ResponseWriter, r *http.Request, docs *trusted.Documents) bool {
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		if !q.Has("documentId") {
			return true
		}
		text, ok := docs.Lookup(q.Get("documentId"))
		if !ok {
			documentNotFound(w)
			return false
		}
		q.Del("documentId")
		q.Set("query", text)
		r.URL.RawQuery = q.Encode()
	case http.MethodPost:
		// limitBody has read the body into memory.
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var fields map[string]json.RawMessage
		if json.Unmarshal(body, &fields) != nil || fields["documentId"] == nil {
			return true // the GraphQL layer says what is wrong, if anything
		}
		var id string
		json.Unmarshal(fields["documentId"], &id)
		text, ok := docs.Lookup(id)
		if !ok {
			documentNotFound(w)
			return false
		}
		delete(fields, "documentId")
		fields["query"], _ = json.Marshal(text)
		body, _ = json.Marshal(fields)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	return true
}

func documentNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusBadRequest, "PERSISTED_QUERY_NOT_FOUND", "no trusted document has this documentId")
}
