package httpserver_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

const graphqlResponse = "application/graphql-response+json"

// sqlWords are signs of SQL or driver text leaking into a message.
var sqlWords = []string{"SELECT", "select ", "pq:", "sql:", "procedures p", "syntax error", "violates", "relation", "column", "SQLSTATE"}

// checkError checks that res is an error answer with code and status and no
// internal details.
func checkError(t *testing.T, res response, status int, code string) {
	t.Helper()
	if res.Status != status || res.code() != code {
		t.Errorf("status %d, code %q; want %d %s\nbody: %s", res.Status, res.code(), status, code, res.Body)
	}
	if res.Status >= 500 {
		t.Errorf("a server error for bad input: %s", res.Body)
	}
	for _, e := range res.Errors {
		if e.Message == "" {
			t.Errorf("an error without a message: %s", res.Body)
		}
		if c, _ := e.Extensions["code"].(string); c == "" {
			t.Errorf("an error without extensions.code: %s", res.Body)
		}
		for _, w := range sqlWords {
			if strings.Contains(e.Message, w) {
				t.Errorf("message %q shows %q", e.Message, w)
			}
		}
	}
}

// cursor makes a cursor as the server encodes them, to forge one.
func cursor(json string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(json))
}

func TestBadInput(t *testing.T) {
	a := newCatalogAPI(t)
	t.Cleanup(func() {
		if logs := a.logs.String(); strings.Contains(logs, "internal error") || strings.Contains(logs, "panic") {
			t.Errorf("bad input made internal errors:\n%s", logs)
		}
	})
	const list = `query($first: Int, $last: Int, $after: String, $before: String, $o: ProcedureOrder, $f: ProcedureFilter) {
		procedures(first: $first, last: $last, after: $after, before: $before, orderBy: $o, filter: $f) { nodes { code } } }`

	t.Run("malformed query", func(t *testing.T) {
		res := a.post(t, `{ procedures { `, nil, "Accept", graphqlResponse)
		checkError(t, res, http.StatusBadRequest, "GRAPHQL_PARSE_FAILED")
		if ct := res.Header.Get("Content-Type"); ct != graphqlResponse {
			t.Errorf("Content-Type %q", ct)
		}
		// Plain JSON clients get 200 and read the errors, as GraphQL over
		// HTTP asks.
		checkError(t, a.post(t, `{ procedures { `, nil), http.StatusOK, "GRAPHQL_PARSE_FAILED")
	})

	t.Run("unknown field", func(t *testing.T) {
		checkError(t, a.post(t, `{ procedures { nodes { nope } } }`, nil, "Accept", graphqlResponse), http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED")
		checkError(t, a.post(t, `{ procedures { nodes { nope } } }`, nil), http.StatusOK, "GRAPHQL_VALIDATION_FAILED")
	})

	t.Run("wrong variable type", func(t *testing.T) {
		checkError(t, a.post(t, list, map[string]any{"first": "ten"}, "Accept", graphqlResponse), http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED")
		checkError(t, a.post(t, list, map[string]any{"o": map[string]any{"field": "SIZE"}}, "Accept", graphqlResponse), http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED")
	})

	t.Run("body that is not JSON", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query": `))
		req.Header.Set("Content-Type", "application/json")
		checkError(t, a.send(t, req), http.StatusBadRequest, "BAD_USER_INPUT")
	})

	t.Run("body that is not JSON by its content type", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query": "{ authorityLevels { code } }"}`))
		req.Header.Set("Content-Type", "text/plain")
		checkError(t, a.send(t, req), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE")
	})

	// A valid cursor of the default order, to tamper with.
	var first pageResult
	a.query(t, pageQuery, map[string]any{"first": 1}, &first)
	nameCursor := first.Procedures.Edges[0].Cursor
	var relevance pageResult
	a.query(t, pageQuery, map[string]any{"first": 1, "f": map[string]any{"search": "dang ky"}}, &relevance)
	for name, c := range map[string]struct {
		vars map[string]any
	}{
		"garbage cursor":                      {map[string]any{"after": "garbage!!"}},
		"cursor of base64 garbage":            {map[string]any{"after": cursor("not json")}},
		"cursor of another ordering":          {map[string]any{"after": nameCursor, "o": map[string]any{"field": "CODE"}}},
		"cursor of another direction":         {map[string]any{"before": nameCursor, "o": map[string]any{"field": "NAME", "direction": "DESC"}}},
		"relevance cursor without the search": {map[string]any{"after": relevance.Procedures.Edges[0].Cursor}},
		"forged cursor, non-numeric key":      {map[string]any{"after": cursor(`{"o":"relevance","k":["x","1","a"],"i":1}`), "f": map[string]any{"search": "dang ky"}}},
		"forged cursor, key out of range":     {map[string]any{"after": cursor(`{"o":"relevance","k":["99999999999","1","a"],"i":1}`), "f": map[string]any{"search": "dang ky"}}},
		"forged cursor, year 0":               {map[string]any{"after": cursor(`{"o":"updated","k":["0000-01-01 00:00:00+00"],"i":1}`), "o": map[string]any{"field": "UPDATED_AT"}}},
		"forged cursor, bad time zone":        {map[string]any{"after": cursor(`{"o":"updated","k":["2026-01-01 00:00:00+23"],"i":1}`), "o": map[string]any{"field": "UPDATED_AT"}}},
		"forged cursor, not a time":           {map[string]any{"after": cursor(`{"o":"updated","k":["yesterday"],"i":1}`), "o": map[string]any{"field": "UPDATED_AT"}}},
		"forged cursor, too many keys":        {map[string]any{"after": cursor(`{"o":"name","k":["a","b"],"i":1}`)}},
		"forged cursor, no id":                {map[string]any{"after": cursor(`{"o":"name","k":["a"]}`)}},
		"forged cursor, id not a number":      {map[string]any{"after": cursor(`{"o":"name","k":["a"],"i":"1"}`)}},
		"forged cursor, NUL in a key":         {map[string]any{"after": cursor(`{"o":"name","k":["a\u0000"],"i":1}`)}},
		"first 101":                           {map[string]any{"first": 101}},
		"first -1":                            {map[string]any{"first": -1}},
		"last 101":                            {map[string]any{"last": 101}},
		"first and last":                      {map[string]any{"first": 1, "last": 1}},
		"relevance without a search":          {map[string]any{"o": map[string]any{"field": "RELEVANCE"}}},
	} {
		t.Run(name, func(t *testing.T) {
			checkError(t, a.post(t, list, c.vars), http.StatusOK, "BAD_USER_INPUT")
		})
	}

	t.Run("bad paging of nested and other connections", func(t *testing.T) {
		checkError(t, a.post(t, `{ administrativeUnits(first: 101) { nodes { code } } }`, nil), http.StatusOK, "BAD_USER_INPUT")
		checkError(t, a.post(t, `{ legalDocuments(after: "x") { nodes { number } } }`, nil), http.StatusOK, "BAD_USER_INPUT")
		checkError(t, a.post(t, `{ administrativeUnits(first: 1) { nodes { procedures(last: -5) { nodes { code } } } } }`, nil), http.StatusOK, "BAD_USER_INPUT")
		checkError(t, a.post(t, `{ administrativeUnits(filter: {validOn: "2024-13-01"}) { nodes { code } } }`, nil), http.StatusOK, "BAD_USER_INPUT")
	})

	t.Run("too deep", func(t *testing.T) {
		q := `{ administrativeUnits(first: 1) { nodes { ` + strings.Repeat("parent { ", 12) + "code" + strings.Repeat(" }", 12) + ` } } }`
		checkError(t, a.post(t, q, nil, "Accept", graphqlResponse), http.StatusBadRequest, "DEPTH_LIMIT_EXCEEDED")
		checkError(t, a.post(t, q, nil), http.StatusOK, "DEPTH_LIMIT_EXCEEDED")
		// Fragments count too.
		q = `query { administrativeUnits(first: 1) { nodes { ...deep } } }
			fragment deep on AdministrativeUnit { ` + strings.Repeat("parent { ", 12) + "code" + strings.Repeat(" }", 12) + ` }`
		checkError(t, a.post(t, q, nil, "Accept", graphqlResponse), http.StatusBadRequest, "DEPTH_LIMIT_EXCEEDED")
	})

	t.Run("too costly", func(t *testing.T) {
		q := `{ administrativeUnits(first: 100) { nodes { procedures(first: 100) { nodes { code name } } } } }`
		checkError(t, a.post(t, q, nil, "Accept", graphqlResponse), http.StatusBadRequest, "COMPLEXITY_LIMIT_EXCEEDED")
		checkError(t, a.post(t, q, nil), http.StatusOK, "COMPLEXITY_LIMIT_EXCEEDED")
	})

	t.Run("too many ids", func(t *testing.T) {
		ids := make([]string, 101)
		for i := range ids {
			ids[i] = cursor("Procedure:1")
		}
		checkError(t, a.post(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}), http.StatusOK, "BAD_USER_INPUT")
	})

	t.Run("a page of 100 with its details is allowed", func(t *testing.T) {
		a.query(t, `{ procedures(first: 100) { totalCount edges { cursor node { code name levels { code name } sector { name }
			agencies { role agency { name } } channels { kind processingTime { value unit } fee { text amount currency } }
			documents { name } legalDocuments { number title } } } } }`, nil, nil)
	})

	t.Run("body too large", func(t *testing.T) {
		big := `{"query": "{ authorityLevels { code } }", "variables": {"pad": "` + strings.Repeat("x", 2<<20) + `"}}`
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		checkError(t, a.send(t, req), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
		// Without a Content-Length the limit holds too.
		req = httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		req.ContentLength = -1
		checkError(t, a.send(t, req), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
	})

	t.Run("methods", func(t *testing.T) {
		for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
			req := httptest.NewRequest(m, "/graphql", strings.NewReader(`{"query": "{ authorityLevels { code } }"}`))
			req.Header.Set("Content-Type", "application/json")
			res := a.send(t, req)
			checkError(t, res, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
			if allow := res.Header.Get("Allow"); !strings.Contains(allow, "POST") {
				t.Errorf("%s: Allow %q", m, allow)
			}
		}
	})

	t.Run("GET", func(t *testing.T) {
		get := func(q string, accept string) response {
			req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q), nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			return a.send(t, req)
		}
		res := get(`{ authorityLevels { code validTo } }`, graphqlResponse)
		if res.Status != 200 || len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"DISTRICT","validTo":"2025-06-30"`) {
			t.Errorf("GET: status %d, %s", res.Status, res.Body)
		}
		if ct := res.Header.Get("Content-Type"); ct != graphqlResponse {
			t.Errorf("GET asking for %s got Content-Type %q", graphqlResponse, ct)
		}
		if ct := get(`{ authorityLevels { code } }`, "application/json").Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("GET asking for JSON got Content-Type %q", ct)
		}
		checkError(t, get(`{ authorityLevels { `, graphqlResponse), http.StatusBadRequest, "GRAPHQL_PARSE_FAILED")
		checkError(t, get(``, graphqlResponse), http.StatusBadRequest, "BAD_USER_INPUT")
		// A mutation never runs from a GET; a subscription runs over the
		// WebSocket only (TestSubscriptionOverHTTP).
		two := url.QueryEscape(`query A { authorityLevels { code } } mutation B { __typename }`)
		for _, target := range []string{"/graphql?query=" + url.QueryEscape(`mutation { __typename }`),
			"/graphql?operationName=B&query=" + two} {
			res := a.send(t, httptest.NewRequest(http.MethodGet, target, nil))
			checkError(t, res, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
			if allow := res.Header.Get("Allow"); allow != "POST" {
				t.Errorf("GET %s: Allow %q", target, allow)
			}
		}
		sub := a.send(t, httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`subscription { proposalEvents { to } }`), nil))
		checkError(t, sub, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
		if len(sub.Errors) == 0 || !strings.Contains(sub.Errors[0].Message, "WebSocket") {
			t.Errorf("GET of a subscription: %s; want a message pointing to the WebSocket", sub.Body)
		}
		// The query of the same document still runs from a GET.
		res = a.send(t, httptest.NewRequest(http.MethodGet, "/graphql?operationName=A&query="+two, nil))
		if res.Status != 200 || len(res.Errors) > 0 {
			t.Errorf("GET of query A beside a mutation: status %d, %s", res.Status, res.Body)
		}
	})
}

// TestTimeout checks that a request that runs out of time says so, with
// the code TIMEOUT and not as an internal error.
func TestTimeout(t *testing.T) {
	url := testdb.Catalog(t)
	const q = `{ procedures(first: 100, filter: {search: "cap"}) { totalCount nodes { code channels { kind } } } }`
	check := func(t *testing.T, a *api) {
		t.Helper()
		res := a.post(t, q, nil)
		checkError(t, res, http.StatusOK, "TIMEOUT")
		if strings.Contains(a.logs.String(), "internal error") {
			t.Errorf("logged as an internal error:\n%s", a.logs.String())
		}
	}

	t.Run("request deadline before anything runs", func(t *testing.T) {
		check(t, newAPI(t, url, httpserver.Config{RequestTimeout: time.Nanosecond}))
	})

	// The other cases hold a lock on the procedures, so the query waits
	// until its time runs out.
	lock := func(t *testing.T) { testdb.Lock(t, url, "procedures") }
	t.Run("request deadline while a statement waits", func(t *testing.T) {
		a := newAPI(t, url, httpserver.Config{RequestTimeout: 200 * time.Millisecond})
		lock(t)
		start := time.Now()
		check(t, a)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the request took %s", d)
		}
	})

	// A pool whose statements may run 200 ms.
	shortStatements := testdb.WithStatementTimeout(t, url, 200*time.Millisecond)
	t.Run("statement timeout", func(t *testing.T) {
		a := newAPI(t, url, httpserver.Config{DB: testdb.Open(t, shortStatements)})
		lock(t)
		check(t, a)
	})

	// A CSV export has no GraphQL envelope: before its first row it answers
	// 503 with the same code, and logs no ERROR line either.
	t.Run("export whose first rows take too long", func(t *testing.T) {
		a := newAPI(t, url, httpserver.Config{DB: testdb.Open(t, shortStatements)})
		lock(t)
		res := a.send(t, httptest.NewRequest(http.MethodGet, "/export/procedures.csv", nil))
		if res.Status != http.StatusServiceUnavailable || res.code() != "TIMEOUT" {
			t.Errorf("status %d, code %q; want 503 TIMEOUT\nbody: %s", res.Status, res.code(), res.Body)
		}
		for _, w := range sqlWords {
			if strings.Contains(string(res.Body), w) {
				t.Errorf("the answer shows %q: %s", w, res.Body)
			}
		}
		if strings.Contains(a.logs.String(), "level=ERROR") {
			t.Errorf("logged as an error:\n%s", a.logs.String())
		}
	})
}
