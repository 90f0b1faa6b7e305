package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"tthc/demo"
	"tthc/internal/auth"
	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// TestREADMEExamples runs every GraphQL example of README.md as written,
// in the order of the README, against the data `make run` loads: each
// operation of each ```graphql block, as the demo user a "# as SUBJECT"
// comment before it names (anonymous before any), with the token the
// README's `tthc token` commands mint for that user. Every operation must
// answer data without an error, and no mutation may return userErrors.
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	users := demoUsers(t, string(readme))
	examples := graphqlExamples(t, string(readme))
	if len(examples) < 8 {
		t.Fatalf("found %d GraphQL examples in README.md: did the fences change?", len(examples))
	}

	url := testdb.New(t)
	db := testdb.Open(t, url)
	if _, err := demo.Seed(context.Background(), db, io.Discard); err != nil {
		t.Fatal(err)
	}
	secret := []byte("readme-secret-readme-secret-0123")
	v, err := auth.NewVerifier(auth.Config{HS256Secret: secret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	h := httpserver.NewServer(httpserver.Config{DB: db, Verifier: v, RequestTimeout: time.Minute, MaxBodyBytes: 1 << 20,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})

	for _, ex := range examples {
		var token string
		if ex.as != "" {
			u, ok := users[ex.as]
			if !ok {
				t.Fatalf("README line %d: %q is none of the demo users the README mints tokens for", ex.line, ex.as)
			}
			u.Secret, u.Issuer, u.Audience, u.TTL = secret, "tthc", "tthc-api", time.Hour
			if token, err = auth.Mint(u); err != nil {
				t.Fatal(err)
			}
		}
		body, _ := json.Marshal(map[string]any{"query": ex.query})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var res struct {
			Data   json.RawMessage `json:"data"`
			Errors []any           `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != http.StatusOK ||
			len(res.Errors) > 0 || len(res.Data) == 0 || string(res.Data) == "null" || hasUserErrors(res.Data) {
			t.Errorf("README line %d (as %q) answered %d %s\n%s", ex.line, ex.as, rec.Code, rec.Body, ex.query)
		}
	}
}

// example is one operation of a README code block.
type example struct {
	line  int    // of README.md, where the operation starts
	as    string // the demo user's subject; "" anonymous
	query string
}

var fence = regexp.MustCompile("(?ms)^```graphql\n(.*?)^```")

// graphqlExamples splits every ```graphql block into its operations.
func graphqlExamples(t *testing.T, readme string) []example {
	var out []example
	for _, m := range fence.FindAllStringSubmatchIndex(readme, -1) {
		block := readme[m[2]:m[3]]
		firstLine := strings.Count(readme[:m[2]], "\n") + 1
		doc, err := parser.ParseQuery(&ast.Source{Input: block})
		if err != nil {
			t.Errorf("README line %d: a GraphQL example does not parse: %v", firstLine, err)
			continue
		}
		// Positions count characters, not bytes.
		runes := []rune(block)
		as := ""
		for i, op := range doc.Operations {
			end := len(runes)
			if i+1 < len(doc.Operations) {
				end = doc.Operations[i+1].Position.Start
			}
			// The "# as" lines before this operation.
			for _, l := range strings.Split(string(runes[:op.Position.Start]), "\n") {
				if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "# as "); ok {
					as, _, _ = strings.Cut(rest, ":")
					as = strings.TrimSpace(as)
				}
			}
			out = append(out, example{line: firstLine + op.Position.Line - 1, as: as, query: string(runes[op.Position.Start:end])})
		}
	}
	return out
}

var tokenCommand = regexp.MustCompile(`bin/tthc token (.*)`)

// demoUsers reads the demo users from the README's token commands.
func demoUsers(t *testing.T, readme string) map[string]auth.MintConfig {
	users := map[string]auth.MintConfig{}
	flags := regexp.MustCompile(`--(\w+)\s+("[^"]*"|\S+)`)
	for _, m := range tokenCommand.FindAllStringSubmatch(readme, -1) {
		var u auth.MintConfig
		for _, f := range flags.FindAllStringSubmatch(m[1], -1) {
			v := strings.Trim(f[2], `"`)
			switch f[1] {
			case "sub":
				u.Subject = v
			case "name":
				u.Name = v
			case "role":
				u.Roles = append(u.Roles, auth.Role(v))
			case "unit":
				u.Unit = v
			}
		}
		if u.Subject != "" && !strings.HasPrefix(u.Subject, "ID") {
			users[u.Subject] = u
		}
	}
	if len(users) == 0 {
		t.Fatal("README.md mints no demo tokens (bin/tthc token --sub ...)")
	}
	return users
}

// hasUserErrors reports whether any userErrors list in data is not empty.
func hasUserErrors(data json.RawMessage) bool {
	var v any
	json.Unmarshal(data, &v)
	var walk func(any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if l, ok := c.([]any); ok && k == "userErrors" && len(l) > 0 {
					return true
				}
				if walk(c) {
					return true
				}
			}
		case []any:
			for _, c := range x {
				if walk(c) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}
