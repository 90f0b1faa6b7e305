package main

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// A log excerpt as PostgreSQL 15 writes it with log_statement=all: two
// backends interleaved, a multi-line statement, a prepared one, one
// without parameters, quotes and NULL in the parameters.
const sampleLog = `2026-11-26 06:20:04.794 UTC [28761] LOG:  execute <unnamed>: SELECT p.id, p.name
		FROM procedures p WHERE p.code LIKE $2 AND p.id = ANY($1)
		ORDER BY p.name_key ASC LIMIT 21
2026-11-26 06:20:04.795 UTC [28792] LOG:  execute 3: SELECT id FROM sectors WHERE id = ANY($1)
2026-11-26 06:20:04.795 UTC [28761] DETAIL:  parameters: $1 = '{1,2}', $2 = 'it''s 1.00%'
2026-11-26 06:20:04.796 UTC [28792] DETAIL:  parameters: $1 = '{32,1046}'
2026-11-26 06:20:04.797 UTC [28761] LOG:  statement: SELECT code, name FROM authority_levels ORDER BY rank
2026-11-26 06:20:04.798 UTC [28800] LOG:  checkpoint starting: time
2026-11-26 06:20:04.799 UTC [28792] LOG:  execute <unnamed>: SELECT $1::text, '$1', $10
2026-11-26 06:20:04.799 UTC [28792] DETAIL:  parameters: $1 = NULL, $10 = 'x'
`

func TestStatementsOfLog(t *testing.T) {
	entries, err := parseLog(strings.NewReader(sampleLog))
	if err != nil {
		t.Fatal(err)
	}
	got, err := statementsOf(entries)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"SELECT p.id, p.name\n\t\tFROM procedures p WHERE p.code LIKE 'it''s 1.00%' AND p.id = ANY('{1,2}')\n\t\tORDER BY p.name_key ASC LIMIT 21",
		"SELECT id FROM sectors WHERE id = ANY('{32,1046}')",
		"SELECT code, name FROM authority_levels ORDER BY rank",
		"SELECT NULL::text, '$1', 'x'",
	}
	if !slices.Equal(got, want) {
		t.Errorf("statements:\n%q\nwant\n%q", got, want)
	}
	script, err := pgbenchScript(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(script, ";\n") != len(want) {
		t.Errorf("script has not one statement a semicolon:\n%s", script)
	}
}

func TestPgbenchScriptRefusesVariables(t *testing.T) {
	if _, err := pgbenchScript([]string{"SELECT x::text, ':*'"}); err != nil {
		t.Errorf("casts and ':*' are not variables: %v", err)
	}
	got, err := pgbenchScript([]string{`SELECT to_char(now(), 'HH24:MI:SS'), 'it''s:x'`})
	if want := "SELECT to_char(now(), ('HH24:' || 'MI:' || 'SS')), ('it''s:' || 'x');\n"; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	if _, err := pgbenchScript([]string{"SELECT :x"}); err == nil {
		t.Error("':x' outside a literal would be read by pgbench as a variable")
	}
}

func TestParseParamsErrors(t *testing.T) {
	for _, s := range []string{"$1 = 'unterminated", "1 = 'x'", "$1 = x"} {
		if _, err := parseParams(s); err == nil {
			t.Errorf("parseParams(%q) did not fail", s)
		}
	}
}

func TestQuantiles(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	p50, p95, p99, mean := quantiles(lat)
	if p50 != 50 || p95 != 95 || p99 != 99 || mean != 50.5 {
		t.Errorf("quantiles = %v %v %v %v, want 50 95 99 50.5", p50, p95, p99, mean)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/graphql", "http://localhost/graphql", "http://[::1]:1/"} {
		if err := checkLoopback(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"http://10.0.0.1/graphql", "http://example.com/", "http://192.168.1.2:80/"} {
		if err := checkLoopback(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
}

func TestScenariosLoad(t *testing.T) {
	ss, err := loadScenarios("../../scenarios", nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range ss {
		ids = append(ids, s.ID)
		if s.Portal != nil {
			for _, side := range []string{sysOurs, sysPGL} {
				for shape := range s.Portal.Mix {
					if s.Portal.queries[side][shape] == "" {
						t.Errorf("%s: no %s query for %s", s.ID, shape, side)
					}
				}
			}
			continue
		}
		if s.Ours.query == "" {
			t.Errorf("%s: no query for our server", s.ID)
		}
	}
	if !slices.Equal(ids, []string{"F0", "S1", "S2", "S3", "S4", "S5", "S6", "S6E", "S6W"}) {
		t.Errorf("scenarios %v", ids)
	}
}

// TestZipf checks the draw of the portal mix: rank 0 is the most drawn,
// and every draw is a rank.
func TestZipf(t *testing.T) {
	draw := newZipf(rand.New(rand.NewPCG(1, 2)), 1.1, 100)
	counts := make([]int, 100)
	for range 100000 {
		counts[draw()]++
	}
	if counts[0] <= counts[1] || counts[1] <= counts[10] || counts[10] <= counts[99] {
		t.Errorf("counts of ranks 0, 1, 10, 99: %d %d %d %d; want decreasing", counts[0], counts[1], counts[10], counts[99])
	}
}
