package httpserver_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tthc/internal/auth"
)

// schemaType is a type as introspection describes it.
type schemaType struct {
	Kind        string
	Name        string
	OfType      *schemaType
	Fields      []schemaField
	InputFields []schemaInput
	EnumValues  []struct{ Name string }
}

type schemaField struct {
	Name string
	Args []schemaInput
	Type schemaType
}

type schemaInput struct {
	Name string
	Type schemaType
}

const schemaQuery = `{ __schema { types { kind name
	fields { name args { name type { ...T } } type { ...T } }
	inputFields { name type { ...T } }
	enumValues { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`

// named unwraps lists and non-nulls.
func (t schemaType) named() schemaType {
	for t.OfType != nil {
		t = *t.OfType
	}
	return t
}

// hostileValues are the values a hostile client puts where a scalar is
// expected; none may make the server fail.
var hostileValues = []any{
	"a\x00b", "\u0301", "", strings.Repeat("ý", 10000), "\ufffd\ufeff\u202e", "0000-01-01", "9999-12-31",
	"-1", "1e1000000000", "Proposal:014",
	int64(679525378299), -1, 0, 1.5, 1e300, "NaN",
	map[string]any{}, []any{}, []any{map[string]any{}}, true, nil,
}

// TestBadInputEverywhere sends every hostile value in place of every
// scalar of every argument of every query and mutation, as a caller with
// every role: whatever the value, the answer is data or errors the caller
// can act on (BAD_USER_INPUT, NOT_FOUND, ...), never INTERNAL or a 5xx.
// Invalid UTF-8 cannot travel in JSON, which decoding replaces, so it is
// sent in a GET literal.
func TestBadInputEverywhere(t *testing.T) {
	a := newReportAPI(t)
	everyone := auth.Actor{Subject: "everyone", Name: "All roles", UnitCode: "40",
		Roles: []auth.Role{auth.Officer, auth.Reviewer, auth.Analyst, auth.Admin}}
	token := bearer(t, everyone)

	var schema struct {
		Schema struct{ Types []schemaType } `json:"__schema"`
	}
	a.query(t, schemaQuery, nil, &schema)
	types := map[string]schemaType{}
	for _, ty := range schema.Schema.Types {
		types[ty.Name] = ty
	}

	// Real IDs, so the other arguments of a field reach past their
	// lookups.
	var ids struct {
		Procedures          struct{ Nodes []struct{ ID string } }
		AdministrativeUnits struct{ Nodes []struct{ ID string } }
		LegalDocuments      struct{ Nodes []struct{ ID string } }
		Sectors             []struct{ ID string }
		Proposals           struct{ Nodes []struct{ ID string } }
	}
	a.as(t, &everyone, `{ procedures(first: 1) { nodes { id } } administrativeUnits(first: 1) { nodes { id } }
		legalDocuments(first: 1) { nodes { id } } sectors { id } proposals(first: 1) { nodes { id } } }`, nil, &ids)
	idFor := func(name string) string {
		name = strings.ToLower(name)
		switch {
		case strings.Contains(name, "procedure"):
			return ids.Procedures.Nodes[0].ID
		case strings.Contains(name, "unit"), strings.Contains(name, "parent"), strings.Contains(name, "ministry"):
			return ids.AdministrativeUnits.Nodes[0].ID
		case strings.Contains(name, "legal") || strings.Contains(name, "document"):
			return ids.LegalDocuments.Nodes[0].ID
		case strings.Contains(name, "sector"):
			return ids.Sectors[0].ID
		}
		return ids.Proposals.Nodes[0].ID
	}

	// plausible returns a value of type t that the server accepts, as
	// far as its shape goes.
	var plausible func(name string, t schemaType, depth int) any
	plausible = func(name string, t schemaType, depth int) any {
		switch t.Kind {
		case "NON_NULL":
			return plausible(name, *t.OfType, depth)
		case "LIST":
			return []any{plausible(name, *t.OfType, depth)}
		case "ENUM":
			return types[t.Name].EnumValues[0].Name
		case "INPUT_OBJECT":
			obj := map[string]any{}
			for _, f := range types[t.Name].InputFields {
				if f.Type.Kind == "NON_NULL" && depth < 5 {
					obj[f.Name] = plausible(f.Name, f.Type, depth+1)
				}
			}
			return obj
		}
		switch t.Name {
		case "ID":
			return idFor(name)
		case "Int":
			return 1
		case "Boolean":
			return true
		case "Decimal":
			return "1"
		case "Date":
			return "2026-01-01"
		}
		return "x"
	}

	// variants returns the plausible value of t with one scalar position
	// replaced by v, for every scalar position (the optional fields of
	// input objects included), and v in place of the whole value.
	var variants func(t schemaType, name string, v any, depth int) []any
	variants = func(t schemaType, name string, v any, depth int) []any {
		out := []any{v}
		switch t.Kind {
		case "NON_NULL":
			return variants(*t.OfType, name, v, depth)
		case "LIST":
			for _, inner := range variants(*t.OfType, name, v, depth) {
				out = append(out, []any{inner})
			}
		case "INPUT_OBJECT":
			if depth > 3 {
				break
			}
			base := plausible(name, t, depth).(map[string]any)
			for _, f := range types[t.Name].InputFields {
				for _, inner := range variants(f.Type, f.Name, v, depth+1) {
					obj := map[string]any{}
					for k, x := range base {
						obj[k] = x
					}
					obj[f.Name] = inner
					out = append(out, obj)
				}
			}
		}
		return out
	}

	type request struct {
		query string
		vars  map[string]any
	}
	var requests []request
	for _, root := range []string{"Query", "Mutation"} {
		op := strings.ToLower(root)
		for _, f := range types[root].Fields {
			if len(f.Args) == 0 {
				continue
			}
			selection := ""
			switch f.Type.named().Kind {
			case "OBJECT", "INTERFACE", "UNION":
				selection = "{ __typename }"
			}
			var decls, args []string
			for _, arg := range f.Args {
				decls = append(decls, fmt.Sprintf("$%s: %s", arg.Name, typeRefOf(arg.Type)))
				args = append(args, fmt.Sprintf("%s: $%s", arg.Name, arg.Name))
			}
			query := fmt.Sprintf("%s(%s) { %s(%s) %s }", op, strings.Join(decls, ", "), f.Name, strings.Join(args, ", "), selection)
			for _, arg := range f.Args {
				for _, hostile := range hostileValues {
					for _, v := range variants(arg.Type, arg.Name, hostile, 0) {
						vars := map[string]any{}
						for _, other := range f.Args {
							if other.Type.Kind == "NON_NULL" {
								vars[other.Name] = plausible(other.Name, other.Type, 0)
							}
						}
						vars[arg.Name] = v
						requests = append(requests, request{query, vars})
					}
				}
			}
			// Invalid UTF-8 in a literal, sent by GET (queries only).
			if root == "Query" {
				for _, arg := range f.Args {
					if named := arg.Type.named(); named.Name != "String" && named.Name != "ID" {
						continue
					}
					var decls, args []string
					vars := map[string]any{}
					for _, other := range f.Args {
						if other.Type.Kind == "NON_NULL" && other.Name != arg.Name {
							decls = append(decls, fmt.Sprintf("$%s: %s", other.Name, typeRefOf(other.Type)))
							args = append(args, fmt.Sprintf("%s: $%s", other.Name, other.Name))
							vars[other.Name] = plausible(other.Name, other.Type, 0)
						}
					}
					args = append(args, arg.Name+": \"a\xffb\xc3\"")
					q := fmt.Sprintf("query(%s) { %s(%s) %s }", strings.Join(decls, ", "), f.Name, strings.Join(args, ", "), selection)
					q = strings.Replace(q, "query() ", "", 1)
					v, _ := json.Marshal(vars)
					req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q)+"&variables="+url.QueryEscape(string(v)), nil)
					req.Header.Set("Authorization", token)
					res := a.send(t, req)
					checkNotInternal(t, res, q, nil)
					if !slices.ContainsFunc(res.Errors, func(e gqlError) bool { return e.Extensions["code"] == "BAD_USER_INPUT" }) {
						t.Errorf("invalid UTF-8 accepted: %s: %s", q, res.Body)
					}
				}
			}
		}
	}
	t.Logf("%d requests", len(requests))
	if testing.Short() {
		t.Skip("dry run")
	}
	type timing struct {
		d time.Duration
		r request
	}
	var slowest []timing
	for _, r := range requests {
		start := time.Now()
		checkNotInternal(t, a.post(t, r.query, r.vars, "Authorization", token), r.query, r.vars)
		slowest = append(slowest, timing{time.Since(start), r})
	}
	slices.SortFunc(slowest, func(a, b timing) int { return int(b.d - a.d) })
	for _, s := range slowest[:10] {
		v, _ := json.Marshal(s.r.vars)
		t.Logf("%s %s %.200s", s.d, s.r.query, v)
	}
	if logs := a.logs.String(); strings.Contains(logs, "internal error") || strings.Contains(logs, "panic") {
		t.Errorf("bad input made internal errors:\n%.5000s", logs)
	}
}

// typeRefOf writes a type as GraphQL spells it in a variable definition.
func typeRefOf(t schemaType) string {
	switch t.Kind {
	case "NON_NULL":
		return typeRefOf(*t.OfType) + "!"
	case "LIST":
		return "[" + typeRefOf(*t.OfType) + "]"
	}
	return t.Name
}

// checkNotInternal fails when a response is a server error.
func checkNotInternal(t *testing.T, res response, query string, vars map[string]any) {
	t.Helper()
	if res.Status >= 500 || slices.ContainsFunc(res.Errors, func(e gqlError) bool { return e.Extensions["code"] == "INTERNAL" }) {
		v, _ := json.Marshal(vars)
		t.Errorf("server error %d for %s with %.300s:\n%.500s", res.Status, query, v, res.Body)
	}
}

// TestBadInputCases checks the cases of issue #10 one by one: each is
// BAD_USER_INPUT (or refused as invalid by GraphQL validation), never
// INTERNAL, and the CSV exports answer the same with 400 before they
// stream.
func TestBadInputCases(t *testing.T) {
	a := newReportAPI(t)
	analyst := bearer(t, auth.Actor{Subject: "analyst", Roles: []auth.Role{auth.Analyst}})
	raw := func(s string) string { return cursor(s) } // base64url, as IDs are
	var p struct {
		Proposals struct{ Nodes []struct{ ID string } }
	}
	a.as(t, &auth.Actor{Subject: "analyst", Roles: []auth.Role{auth.Analyst}}, `{ proposals(first: 1) { nodes { id } } }`, nil, &p)
	id := p.Proposals.Nodes[0].ID
	key, _ := base64.RawURLEncoding.DecodeString(id)
	n := strings.TrimPrefix(string(key), "Proposal:")

	for name, c := range map[string]struct {
		query string
		vars  map[string]any
	}{
		"NUL in a search":             {`query($s: String) { procedures(filter: {search: $s}) { nodes { code } } }`, map[string]any{"s": "ho\x00tich"}},
		"NUL in a code":               {`{ procedure(code: "1.0\u0000") { code } }`, nil},
		"NUL in a unit search":        {`{ administrativeUnits(filter: {search: "\u0000"}) { nodes { code } } }`, nil},
		"lone combining accent":       {`query($s: String) { procedures(filter: {search: $s}) { nodes { code } } }`, map[string]any{"s": "\u0301"}},
		"accent as a unit search":     {`{ administrativeUnits(filter: {search: "\u0301"}) { nodes { code } } }`, nil},
		"punctuation as a search":     {`{ catalogStats(filter: {search: "!!!"}, groupBy: LEVEL) { count } }`, nil},
		"year beyond 32 bits":         {`{ reformTargets(year: 679525378299) { year } }`, nil},
		"year beyond 32 bits, var":    {`query($y: Int) { reformTargets(year: $y) { year } }`, map[string]any{"y": 679525378299}},
		"Int beyond 64 bits":          {`query($y: Int) { reformTargets(year: $y) { year } }`, map[string]any{"y": json.Number("99999999999999999999999")}},
		"an object for a String":      {`query($s: String) { procedures(filter: {search: $s}) { nodes { code } } }`, map[string]any{"s": map[string]any{}}},
		"a list for an ID":            {`query($i: ID!) { node(id: $i) { id } }`, map[string]any{"i": []any{"x"}}},
		"an object in an input field": {`query($f: ProcedureFilter) { procedures(filter: $f) { nodes { code } } }`, map[string]any{"f": map[string]any{"sectorIds": []any{map[string]any{}}}}},
		"proposal 014":                {`query($i: ID!) { proposal(id: $i) { id } }`, map[string]any{"i": raw("Proposal:0" + n)}},
		"proposal +14":                {`query($i: ID!) { proposal(id: $i) { id } }`, map[string]any{"i": raw("Proposal:+" + n)}},
		"node 014":                    {`query($i: ID!) { node(id: $i) { id } }`, map[string]any{"i": raw("Proposal:0" + n)}},
		"a padded ID":                 {`query($i: ID!) { node(id: $i) { id } }`, map[string]any{"i": id + "=="}},
		"date in year 0":              {`{ administrativeUnits(filter: {validOn: "0000-01-01"}) { nodes { code } } }`, nil},
		"a Decimal of a billion digits": {`mutation($i: CreateProposalInput!) { createProposal(input: $i) { userErrors { code } } }`, map[string]any{"i": map[string]any{
			"procedureId": raw("Procedure:1"), "kinds": []any{"CUT_FEE"}, "title": "x", "changes": "x", "reasons": "x",
			"before": map[string]any{"processingDays": "1", "fee": "1e1000000000", "documents": 1, "applicantHours": "1", "hourlyRate": "1", "timesPerYear": "1"},
			"after":  map[string]any{"processingDays": "1", "fee": "1", "documents": 1, "applicantHours": "1", "hourlyRate": "1", "timesPerYear": "1"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			res := a.post(t, c.query, c.vars, "Authorization", analyst)
			code := res.code()
			if code != "BAD_USER_INPUT" && code != "GRAPHQL_VALIDATION_FAILED" && code != "FORBIDDEN" {
				t.Errorf("code %q, want BAD_USER_INPUT: %s", code, res.Body)
			}
			checkNotInternal(t, res, c.query, c.vars)
		})
	}
	// The proposal's own ID still reads it.
	var one struct{ Proposal struct{ ID string } }
	a.as(t, &auth.Actor{Subject: "analyst", Roles: []auth.Role{auth.Analyst}}, `query($i: ID!) { proposal(id: $i) { id } }`, map[string]any{"i": id}, &one)
	if one.Proposal.ID != id {
		t.Errorf("proposal %s read as %q", id, one.Proposal.ID)
	}

	for _, export := range []string{"/export/procedures.csv", "/export/proposals.csv"} {
		for _, filter := range []string{`{"search":"\u0000"}`, `{"search":"\u0301"}`, `{"search":{}}`, `{"search":["a"]}`,
			`{"sectorIds":["` + raw("Sector:01") + `"]}`, `{"levels":["\u0000"]}`, `{"search":"a\u0000"}`} {
			req := httptest.NewRequest(http.MethodGet, export+"?filter="+url.QueryEscape(filter), nil)
			req.Header.Set("Authorization", analyst)
			rec := httptest.NewRecorder()
			a.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "BAD_USER_INPUT") {
				t.Errorf("%s?filter=%s: %d %.300s", export, filter, rec.Code, rec.Body)
			}
		}
	}
	if logs := a.logs.String(); strings.Contains(logs, "internal error") || strings.Contains(logs, "ERROR") {
		t.Errorf("bad input was logged as an error:\n%.3000s", logs)
	}
}
