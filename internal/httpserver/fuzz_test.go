package httpserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// FuzzHandler sends the GraphQL endpoint random and mutated documents and
// variables: whatever comes, it answers JSON with a status below 500
// (503 TIMEOUT aside), and every error it names has a code that is not
// INTERNAL. The seeds below and testdata/fuzz/FuzzHandler run in make
// test; `make fuzz` runs it longer.
func FuzzHandler(f *testing.F) {
	for _, d := range hostileDocuments {
		f.Add(d.query, `{}`)
	}
	for _, seed := range [][2]string{
		{ordinaryQuery, `{}`},
		{`query($id: ID!) { node(id: $id) { id } }`, `{"id": "UHJvcG9zYWw6MDE0"}`},
		{`query($id: ID!) { node(id: $id) { id } }`, `{"id": {}}`},
		{`query($s: String) { procedures(filter: {search: $s}) { totalCount } }`, `{"s": "a\u0000b"}`},
		{`query($s: String) { procedures(filter: {search: $s}) { totalCount } }`, `{"s": "\u0301"}`},
		{`query($n: Int) { procedures(first: $n) { totalCount } }`, `{"n": 679525378299}`},
		{`query($a: String) { procedures(first: 1, after: $a) { nodes { code } } }`, `{"a": "eyJvIjoibmFtZSJ9"}`},
		{`{ reformTargets(year: 679525378299) { year } }`, `{}`},
		{`subscription { proposalEvents { to } }`, `{}`},
		{`mutation { __typename }`, `[]`},
		{`{ __schema { types { name } } }`, `null`},
		{`{`, `{"x": 1}`},
	} {
		f.Add(seed[0], seed[1])
	}
	a := newAPI(f, testdb.Catalog(f), httpserver.Config{})
	f.Fuzz(func(t *testing.T, query, variables string) {
		body := map[string]any{"query": query}
		if json.Valid([]byte(variables)) {
			body["variables"] = json.RawMessage(variables)
		} else {
			body["variables"] = variables
		}
		b, err := json.Marshal(body)
		if err != nil {
			return // not valid UTF-8 JSON text: no client can send it as such
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d for %q %q: %s", rec.Code, query, variables, rec.Body)
		}
		var res struct {
			Errors []gqlError `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatalf("not JSON for %q %q: %s", query, variables, rec.Body)
		}
		for _, e := range res.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" || code == "INTERNAL" {
				t.Fatalf("error %q with code %q for %q %q", e.Message, code, query, variables)
			}
			if strings.Contains(e.Message, "pq:") {
				t.Fatalf("SQL error shown for %q %q: %s", query, variables, e.Message)
			}
		}
	})
}
