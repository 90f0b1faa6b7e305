package httpserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
	"tthc/internal/trusted"
)

// The documents of the test's front end.
const (
	trustedLevels  = "query Levels { authorityLevels { code name } }"
	trustedSectors = "query Sectors($first: Int) { sectors { id } procedures(first: $first) { nodes { code } } }"
	trustedSchema  = "{ __schema { queryType { name } } }"
)

// newTrustedAPI serves in trusted mode: only the three documents above
// run, introspection and GraphiQL are off.
func newTrustedAPI(t *testing.T) *api {
	t.Helper()
	docs := trustedDocuments(t, trustedLevels, trustedSectors, trustedSchema)
	return newAPI(t, testdb.New(t), httpserver.Config{TrustedDocuments: docs, DisableIntrospection: true, DisableGraphiQL: true})
}

// trustedDocuments loads a manifest of texts, written as a front end's
// build writes it.
func trustedDocuments(t *testing.T, texts ...string) *trusted.Documents {
	t.Helper()
	manifest := map[string]string{}
	for _, d := range texts {
		manifest[trusted.Hash(d)] = d
	}
	b, _ := json.Marshal(manifest)
	path := filepath.Join(t.TempDir(), "persisted-documents.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := trusted.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func (a *api) postJSON(t *testing.T, body map[string]any) response {
	t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return a.send(t, req)
}

func (a *api) get(t *testing.T, params url.Values) response {
	t.Helper()
	return a.send(t, httptest.NewRequest(http.MethodGet, "/graphql?"+params.Encode(), nil))
}

// TestTrustedDocuments checks that in trusted mode only the manifest's
// operations run, by documentId (GET and POST), by Apollo's persisted
// query hash, or as their exact text; anything else is refused with 400.
func TestTrustedDocuments(t *testing.T) {
	a := newTrustedAPI(t)
	ok := func(what string, res response) {
		t.Helper()
		if res.Status != http.StatusOK || len(res.Errors) > 0 || len(res.Data) == 0 {
			t.Errorf("%s: %d %s", what, res.Status, res.Body)
		}
	}
	refused := func(what string, res response, code string) {
		t.Helper()
		if res.Status != http.StatusBadRequest || res.code() != code {
			t.Errorf("%s: %d %s, want 400 %s", what, res.Status, res.Body, code)
		}
	}
	id := "sha256:" + trusted.Hash(trustedSectors)
	ok("GET by documentId", a.get(t, url.Values{"documentId": {id}, "variables": {`{"first": 2}`}}))
	ok("POST by documentId", a.postJSON(t, map[string]any{"documentId": id, "variables": map[string]any{"first": 2}}))
	ok("POST of the exact text", a.postJSON(t, map[string]any{"query": trustedLevels}))
	ok("Apollo persisted query", a.postJSON(t, map[string]any{"extensions": map[string]any{
		"persistedQuery": map[string]any{"version": 1, "sha256Hash": trusted.Hash(trustedLevels)}}}))

	refused("unknown documentId", a.get(t, url.Values{"documentId": {"sha256:" + trusted.Hash("{ sectors { id } }")}}), "PERSISTED_QUERY_NOT_FOUND")
	refused("POST of an unknown documentId", a.postJSON(t, map[string]any{"documentId": "sha256:00"}), "PERSISTED_QUERY_NOT_FOUND")
	refused("another text", a.postJSON(t, map[string]any{"query": "{ sectors { id } }"}), "OPERATION_NOT_TRUSTED")
	refused("a trusted text changed by a space", a.postJSON(t, map[string]any{"query": trustedLevels + " "}), "OPERATION_NOT_TRUSTED")
	refused("GET of another text", a.get(t, url.Values{"query": {"{ sectors { id } }"}}), "OPERATION_NOT_TRUSTED")
	// Registering an automatic persisted query is no way in.
	refused("automatic persisted query", a.postJSON(t, map[string]any{"query": "{ sectors { id } }", "extensions": map[string]any{
		"persistedQuery": map[string]any{"version": 1, "sha256Hash": trusted.Hash("{ sectors { id } }")}}}), "OPERATION_NOT_TRUSTED")
	refused("unknown Apollo hash", a.postJSON(t, map[string]any{"extensions": map[string]any{
		"persistedQuery": map[string]any{"version": 1, "sha256Hash": trusted.Hash("{ sectors { id } }")}}}), "PERSISTED_QUERY_NOT_FOUND")

	// Introspection is off, even in a trusted document.
	if res := a.postJSON(t, map[string]any{"query": trustedSchema}); len(res.Errors) == 0 {
		t.Errorf("introspection answered: %s", res.Body)
	}
	// GraphiQL is off.
	if res := a.send(t, httptest.NewRequest(http.MethodGet, "/", nil)); res.Status != http.StatusNotFound {
		t.Errorf("GET /: %d, want 404", res.Status)
	}
}

// TestAutomaticPersistedQueries checks that outside trusted mode clients
// may still register their queries by hash (Apollo's automatic
// persisted queries) and that documentId finds nothing.
func TestAutomaticPersistedQueries(t *testing.T) {
	a := newAPI(t, testdb.New(t), httpserver.Config{})
	const q = "{ authorityLevels { code } }"
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": trusted.Hash(q)}}
	if res := a.postJSON(t, map[string]any{"extensions": ext}); res.code() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown hash: %s", res.Body)
	}
	if res := a.postJSON(t, map[string]any{"query": q, "extensions": ext}); res.Status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("registering: %d %s", res.Status, res.Body)
	}
	if res := a.postJSON(t, map[string]any{"extensions": ext}); res.Status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("by hash: %d %s", res.Status, res.Body)
	}
	if res := a.get(t, url.Values{"documentId": {"sha256:" + trusted.Hash(q)}}); res.Status != http.StatusBadRequest || res.code() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("documentId without trusted documents: %d %s", res.Status, res.Body)
	}
	// Introspection and GraphiQL are on.
	if res := a.postJSON(t, map[string]any{"query": "{ __schema { queryType { name } } }"}); len(res.Errors) > 0 {
		t.Errorf("introspection: %s", res.Body)
	}
}
