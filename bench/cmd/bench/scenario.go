package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A scenario is data: bench/scenarios/NAME/scenario.json names the
// operation of each system and the variable sets the load cycles through.
type scenario struct {
	ID           string           `json:"id"`
	Title        string           `json:"title"`
	Description  string           `json:"description"`
	Requires     []string         `json:"requires"`    // tables that must exist, or the scenario is skipped
	PageSizeVar  string           `json:"pageSizeVar"` // a variable that sets the page size, for the statements-per-page check
	Auth         string           `json:"auth"`        // "analyst": our server is sent the bench's bearer token (-token)
	NoSQL        bool             `json:"noSQL"`       // the operation runs no SQL: no pgbench ceiling
	Vars         []map[string]any `json:"vars"`
	Ours         *operation       `json:"ours"`
	PostGraphile *operation       `json:"postgraphile"` // nil when PostGraphile cannot express it
	Compare      []comparison     `json:"compare"`
	// Portal, when set, makes this a portal scenario (S6, portal.go): its
	// own mix of GET requests instead of Vars and Ours.
	Portal *portalSpec `json:"portal"`

	dir     string
	skipped string // why the scenario does not run, if it does not
}

// operation is one system's GraphQL operation for a scenario. Prepare, if
// set, runs once per variable set before the load; each top-level field of
// its data becomes a variable (see prepareVars).
type operation struct {
	Query   string `json:"query"`
	Prepare string `json:"prepare"`

	query, prepare string
	// bodies are the request bodies, one per variable set, with each
	// system's own prepared variables.
	bodies [][]byte
	vars   []map[string]any
}

// comparison extracts values from both systems' responses; the runs warn
// when they differ, which means the operations are not equivalent.
type comparison struct {
	Pattern string `json:"pattern"`
	Sorted  bool   `json:"sorted"`
	re      *regexp.Regexp
}

func loadScenarios(dir string, only []string) ([]*scenario, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []*scenario
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name(), "scenario.json")
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		s := &scenario{dir: filepath.Join(dir, e.Name())}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(s); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(only) > 0 && !slices.Contains(only, s.ID) {
			continue
		}
		if s.Portal != nil {
			if err := loadPortal(s); err != nil {
				return nil, err
			}
			out = append(out, s)
			continue
		}
		if s.ID == "" || s.Ours == nil || len(s.Vars) == 0 {
			return nil, fmt.Errorf("%s: id, ours and vars are required", path)
		}
		for _, op := range []*operation{s.Ours, s.PostGraphile} {
			if op == nil {
				continue
			}
			if op.query, err = readText(s.dir, op.Query); err != nil {
				return nil, err
			}
			if op.Prepare != "" {
				if op.prepare, err = readText(s.dir, op.Prepare); err != nil {
					return nil, err
				}
			}
		}
		for i := range s.Compare {
			if s.Compare[i].re, err = regexp.Compile(s.Compare[i].Pattern); err != nil {
				return nil, fmt.Errorf("%s: compare: %w", path, err)
			}
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func readText(dir, name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("%s: an operation needs a query file", dir)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	return string(b), err
}

// gqlResponse is what the harness reads of a GraphQL response.
type gqlResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
	raw        []byte
	statements int // X-SQL-Statements, or -1
}

// post sends one GraphQL request; an HTTP or GraphQL error is an error.
func post(ctx context.Context, client *http.Client, url, query string, vars map[string]any, header http.Header) (*gqlResponse, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	out := &gqlResponse{raw: raw, statements: -1}
	if h := res.Header.Get("X-SQL-Statements"); h != "" {
		out.statements, _ = strconv.Atoi(h)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.200s", res.StatusCode, raw)
	}
	if len(out.Errors) > 0 {
		return out, fmt.Errorf("HTTP %d: %s", res.StatusCode, out.Errors[0].Message)
	}
	if res.StatusCode != http.StatusOK {
		return out, fmt.Errorf("HTTP %d: %.200s", res.StatusCode, raw)
	}
	return out, nil
}

// prepareVars returns the variable sets of op: the scenario's, plus what
// the prepare operation returns for each. A top-level field of the
// prepare's data becomes a variable of that name, holding the field's
// value or, for an object, its only scalar field (so `id: procedure(code:
// $code) { id }` sets $id).
func prepareVars(ctx context.Context, client *http.Client, url string, s *scenario, op *operation, header http.Header) error {
	op.vars = nil
	op.bodies = nil
	for _, v := range s.Vars {
		vars := make(map[string]any, len(v)+1)
		for k, x := range v {
			vars[k] = x
		}
		if op.prepare != "" {
			res, err := post(ctx, client, url, op.prepare, vars, header)
			if err != nil {
				return fmt.Errorf("prepare: %w", err)
			}
			for k, raw := range res.Data {
				val, err := scalarOf(raw)
				if err != nil {
					return fmt.Errorf("prepare: field %s: %w", k, err)
				}
				vars[k] = val
			}
		}
		body, err := json.Marshal(map[string]any{"query": op.query, "variables": vars})
		if err != nil {
			return err
		}
		op.vars = append(op.vars, vars)
		op.bodies = append(op.bodies, body)
	}
	return nil
}

func scalarOf(raw json.RawMessage) (any, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	if m, ok := v.(map[string]any); ok {
		if len(m) != 1 {
			return nil, fmt.Errorf("want an object with one field, got %d", len(m))
		}
		for _, x := range m {
			v = x
		}
	}
	switch v.(type) {
	case nil:
		return nil, fmt.Errorf("null: the looked-up entity does not exist")
	case map[string]any, []any:
		return nil, fmt.Errorf("not a scalar")
	}
	return v, nil
}

// extract returns what a comparison finds in a response body.
func (c comparison) extract(body []byte) []string {
	var out []string
	for _, m := range c.re.FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	if c.Sorted {
		sort.Strings(out)
	}
	return out
}

// differences compares two systems' responses to the same variable set.
func (s *scenario) differences(a, b []byte) []string {
	var out []string
	for _, c := range s.Compare {
		x, y := c.extract(a), c.extract(b)
		if !slices.Equal(x, y) {
			out = append(out, fmt.Sprintf("%s: %d values %s vs %d values %s", c.Pattern, len(x), short(x), len(y), short(y)))
		}
	}
	return out
}

func short(v []string) string {
	s := strings.Join(v, ", ")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return "[" + s + "]"
}
