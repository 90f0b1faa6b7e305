package graph

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"tthc/graph/generated"
)

// fanOut is a document of n+1 fragments, each spreading the one before
// twice: 2^n fields once expanded, in a few bytes per fragment.
func fanOut(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "query{...L%d} fragment L0 on Query{__typename}", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, " fragment L%d on Query{...L%d ...L%d}", i, i-1, i-1)
	}
	return b.String()
}

// TestDocumentLimits checks that each limit refuses the documents over it
// with its code, and that the documents real clients send pass.
func TestDocumentLimits(t *testing.T) {
	check := documentLimits{limits: DefaultLimits}.check
	deep := "{ administrativeUnits { nodes { " + strings.Repeat("parent { ", MaxDepth) + "code" + strings.Repeat(" }", MaxDepth) + " } } }"
	for name, c := range map[string]struct{ query, code string }{
		"fragment fan-out of 30 levels":   {fanOut(30), codeTooManyFields},
		"fragment fan-out of 5000 levels": {fanOut(5000), codeTooManyTokens},
		"fan-out under the token limit":   {fanOut(1000), codeTooManyFields},
		"10,000 copies of one field":      {"{" + strings.Repeat("__typename ", 10000) + "}", codeTooManyFields},
		"501 fields":                      {"{" + strings.Repeat("__typename ", 501) + "}", codeTooManyFields},
		"2000 unknown fragments":          {"{" + strings.Repeat("...F ", 2000) + "}", "GRAPHQL_VALIDATION_FAILED"},
		"fields in an unused fragment":    {"{__typename} fragment F on Query{" + strings.Repeat("__typename ", 501) + "}", codeTooManyFields},
		"fields in inline fragments":      {"{" + strings.Repeat("... on Query{__typename} ", 251) + "}", codeTooManyFields},
		"fields in a fragment cycle":      {"{...A} fragment A on Query{...B " + strings.Repeat("__typename ", 300) + "} fragment B on Query{...A " + strings.Repeat("__typename ", 300) + "}", codeTooManyFields},
		"20,000 tokens":                   {"{__typename(" + strings.Repeat("a:1 ", 7000) + ")}", codeTooManyTokens},
		"20,000 tokens of comments":       {"{__typename}" + strings.Repeat("#\n", 20000), codeTooManyTokens},
		"20,000 tokens that do not parse": {"{" + strings.Repeat("( ", 20000), codeTooManyTokens},
		"101 aliases":                     {"{" + strings.Repeat("a: __typename ", 101) + "}", codeTooManyAliases},
		"aliases spread twice":            {"{...A ...B} fragment A on Query{...C} fragment B on Query{...C} fragment C on Query{" + strings.Repeat("a: __typename ", 51) + "}", codeTooManyAliases},
		"51 directives":                   {"{__typename" + strings.Repeat(" @include(if: true)", 51) + "}", codeTooManyDirectives},
		"directives on spreads":           {"{" + strings.Repeat("...F @skip(if: false) ", 26) + "} fragment F on Query @include(if: true) {__typename}", codeTooManyDirectives},
		"too deep":                        {deep, codeTooDeep},
		"unknown fragment":                {"{...Nope}", "GRAPHQL_VALIDATION_FAILED"},
		"one fragment spread 251 times":   {"{" + strings.Repeat("...F ", 251) + "} fragment F on Query{__typename}", codeTooManyFields},
		"251 fragments side by side":      {"{" + spreads(251) + "}" + fragments(251), codeTooManyFields},
		"nested inline fragments":         {"{" + strings.Repeat("... on Query{", 500) + "__typename" + strings.Repeat("}", 500) + "}", codeTooManyFields},
		"too deep through fragments":      {"{ administrativeUnits { nodes { ...D } } } fragment D on AdministrativeUnit { " + strings.Repeat("parent { ", MaxDepth) + "code" + strings.Repeat(" }", MaxDepth) + " }", codeTooDeep},
	} {
		t.Run(name, func(t *testing.T) {
			err := check(c.query)
			if err == nil {
				t.Fatalf("passed; want %s", c.code)
			}
			if got := err.Extensions["code"]; got != c.code {
				t.Errorf("code %v (%s); want %s", got, err.Message, c.code)
			}
		})
	}

	ok := map[string]string{
		"a syntax error, left to the parser": "{ procedures { ",
		"500 fields":                         "{" + strings.Repeat("__typename ", 500) + "}",
		"100 aliases":                        "{" + strings.Repeat("a: __typename ", 100) + "}",
		"250 fragments side by side":         "{" + spreads(250) + "}" + fragments(250),
		"nested as deep as allowed":          "{ administrativeUnits { nodes { " + strings.Repeat("parent { ", MaxDepth-3) + "code" + strings.Repeat(" }", MaxDepth-3) + " } } }",
		"deep introspection":                 "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } }",
	}
	intro, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	ok["GraphiQL's introspection"] = string(intro)
	scenarios, _ := filepath.Glob("../bench/scenarios/*/ours*.graphql")
	for _, f := range scenarios {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ok[f] = string(b)
	}
	for name, q := range ok {
		if err := check(q); err != nil {
			t.Errorf("%s: refused: %v", name, err)
		}
	}
}

// BenchmarkRefuse measures what refusing a hostile document costs.
// bench/HOSTILE.md has the results.
func BenchmarkRefuse(b *testing.B) {
	check := documentLimits{limits: DefaultLimits}.check
	for name, q := range map[string]string{
		"fan-out":            fanOut(30),
		"10000 copies":       "{" + strings.Repeat("__typename ", 10000) + "}",
		"15000 tokens":       "{__typename(" + strings.Repeat("a:1 ", 5000) + ")}",
		"1 MB of tokens":     "{__typename}" + strings.Repeat("#\n", 500000),
		"introspection (ok)": mustRead(b, "testdata/introspection.graphql"),
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				check(q)
			}
		})
	}
}

// BenchmarkValidateAtTheLimit measures gqlgen's validation of the worst
// documents the limits let through: copies of one field, which
// validation compares pairwise.
func BenchmarkValidateAtTheLimit(b *testing.B) {
	es := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}})
	n := DefaultLimits.MaxFields
	for name, q := range map[string]string{
		"copies of a scalar":             "{" + strings.Repeat("__typename ", n) + "}",
		"copies of an object":            "{" + strings.Repeat("sectors { id } ", n/2) + "}",
		"copies in inline fragments":     "{" + strings.Repeat("... on Query { __typename } ", n/2) + "}",
		"fragments side by side":         "{" + spreads(n/2) + "}" + fragments(n/2),
		"copies in two fragments":        "{ ...A ...B } fragment A on Query {" + strings.Repeat(" __typename", n/2-1) + "} fragment B on Query {" + strings.Repeat(" __typename", n/2-1) + "}",
		"copies of a nested object":      "{ sectors {" + strings.Repeat(" ministry { id }", n/2-1) + " } }",
		"GraphiQL introspection (usual)": mustRead(b, "testdata/introspection.graphql"),
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			b.Fatal(err)
		}
		if err := (documentLimits{limits: DefaultLimits}).check(q); err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				validator.ValidateWithRules(es.Schema(), doc, rules.NewDefaultRules())
			}
		})
	}
}

func mustRead(b *testing.B, path string) string {
	s, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return string(s)
}

// spreads spreads the fragments F0 ... Fn-1; fragments defines them, with
// one field each.
func spreads(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " ...F%d", i)
	}
	return b.String()
}

func fragments(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " fragment F%d on Query { __typename }", i)
	}
	return b.String()
}
