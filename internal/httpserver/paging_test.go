package httpserver_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

const pageQuery = `query($f: ProcedureFilter, $o: ProcedureOrder, $first: Int, $after: String, $last: Int, $before: String) {
	procedures(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
		totalCount
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		edges { cursor node { code } }
	}
}`

type pageResult struct {
	Procedures struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       *string
		}
		Edges []struct {
			Cursor string
			Node   struct{ Code string }
		}
	}
}

// walk pages through the procedures matching filter in order o, size at a
// time, forwards with first/after or backwards with last/before, checking
// the page info of every page. It returns the codes in list order.
func walk(t *testing.T, a *api, filter, order map[string]any, size int, backward bool) []string {
	t.Helper()
	var pages [][]string
	var cursor *string
	for n := 0; ; n++ {
		if n > 2000/size+2 {
			t.Fatalf("more than %d pages", n)
		}
		vars := map[string]any{"f": filter, "o": order}
		if backward {
			vars["last"], vars["before"] = size, cursor
		} else {
			vars["first"], vars["after"] = size, cursor
		}
		var r pageResult
		a.query(t, pageQuery, vars, &r)
		p := r.Procedures
		var codes []string
		for _, e := range p.Edges {
			codes = append(codes, e.Node.Code)
		}
		pages = append(pages, codes)
		more, back := p.PageInfo.HasNextPage, p.PageInfo.HasPreviousPage
		if backward {
			more, back = back, more
		}
		if back != (n > 0) {
			t.Errorf("page %d (backward %v): the page info says %v about the rows already visited", n, backward, back)
		}
		if len(p.Edges) > 0 && (p.PageInfo.StartCursor == nil || *p.PageInfo.StartCursor != p.Edges[0].Cursor ||
			p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor) {
			t.Errorf("page %d: start and end cursors are not those of the first and last edges", n)
		}
		if !more {
			break
		}
		if len(p.Edges) != size {
			t.Fatalf("page %d has %d rows and more follow, want %d", n, len(p.Edges), size)
		}
		if backward {
			cursor = p.PageInfo.StartCursor
		} else {
			cursor = p.PageInfo.EndCursor
		}
	}
	var out []string
	if backward {
		slices.Reverse(pages)
	}
	for _, p := range pages {
		out = append(out, p...)
	}
	return out
}

// checkWalk pages through the list in both directions and checks that each
// procedure is visited once and both directions agree. When the order is
// known in SQL, the list must follow it. With oddPages it also pages by 37.
func checkWalk(t *testing.T, a *api, filter, order map[string]any, wantCount int, sqlOrder []string, oddPages bool) {
	t.Helper()
	forward := walk(t, a, filter, order, 100, false)
	seen := map[string]bool{}
	for _, c := range forward {
		if seen[c] {
			t.Errorf("%s visited twice", c)
		}
		seen[c] = true
	}
	if len(forward) != wantCount {
		t.Errorf("visited %d procedures, SQL counts %d", len(forward), wantCount)
	}
	if sqlOrder != nil && !slices.Equal(forward, sqlOrder) {
		for i := range min(len(forward), len(sqlOrder)) {
			if forward[i] != sqlOrder[i] {
				t.Errorf("position %d: %s, SQL orders %s first", i, forward[i], sqlOrder[i])
				break
			}
		}
	}
	backward := walk(t, a, filter, order, 100, true)
	if !slices.Equal(forward, backward) {
		t.Errorf("paging backwards visits %d procedures in another order than forwards (%d)", len(backward), len(forward))
	}
	if oddPages {
		// An odd page size ends pages inside runs of equal sort keys.
		if odd := walk(t, a, filter, order, 37, false); !slices.Equal(forward, odd) {
			t.Errorf("pages of 37 visit %d procedures in another order than pages of 100", len(odd))
		}
	}
}

func TestPaging(t *testing.T) {
	a := newCatalogAPI(t)
	total := a.count(t, `SELECT count(*) FROM procedures`)

	orders := []struct {
		field string
		sql   string // ORDER BY of the same order, ascending
	}{
		{"NAME", "name_key %[1]s, id %[1]s"},
		{"CODE", "code %[1]s, id %[1]s"},
		{"UPDATED_AT", "updated_at %[1]s, id %[1]s"},
	}
	t.Run("default order", func(t *testing.T) {
		checkWalk(t, a, nil, nil, total, a.strings(t, `SELECT code FROM procedures ORDER BY name_key, id`), false)
	})
	for _, o := range orders {
		for _, dir := range []string{"ASC", "DESC"} {
			t.Run(o.field+" "+dir, func(t *testing.T) {
				want := a.strings(t, `SELECT code FROM procedures ORDER BY `+fmt.Sprintf(o.sql, dir))
				checkWalk(t, a, nil, map[string]any{"field": o.field, "direction": dir}, total, want, false)
			})
		}
	}
	search := map[string]any{"search": "thu tuc"}
	matches := a.count(t, `SELECT count(*) FROM procedures p WHERE `+wordsMatch("thu", "tuc"))
	if matches < 300 {
		t.Fatalf("only %d procedures match thu tuc", matches)
	}
	for _, dir := range []string{"ASC", "DESC"} {
		t.Run("RELEVANCE "+dir, func(t *testing.T) {
			checkWalk(t, a, search, map[string]any{"field": "RELEVANCE", "direction": dir}, matches, nil, true)
		})
	}
	t.Run("search in name order", func(t *testing.T) {
		want := a.strings(t, `SELECT code FROM procedures p WHERE `+wordsMatch("thu", "tuc")+` ORDER BY name_key, id`)
		checkWalk(t, a, search, map[string]any{"field": "NAME"}, matches, want, false)
	})
	t.Run("filtered", func(t *testing.T) {
		want := a.strings(t, `SELECT code FROM procedures p WHERE EXISTS (SELECT 1 FROM procedure_levels pl
			WHERE pl.procedure_id = p.id AND pl.level_code = 'COMMUNE') ORDER BY code DESC, id DESC`)
		checkWalk(t, a, map[string]any{"levels": []string{"COMMUNE"}}, map[string]any{"field": "CODE", "direction": "DESC"}, len(want), want, false)
	})

	t.Run("ties", func(t *testing.T) {
		// Imports stamp rows one by one; give most of them one of three
		// times, as a bulk update would, and many names one of two.
		a.exec(t, `UPDATE procedures SET updated_at = CASE id % 4
			WHEN 0 THEN '2026-01-01 00:00:00+00' WHEN 1 THEN '2026-01-01 00:00:00.5+00' WHEN 2 THEN '2025-12-31 23:59:59.999999+07' ELSE updated_at END`)
		for _, dir := range []string{"ASC", "DESC"} {
			want := a.strings(t, `SELECT code FROM procedures ORDER BY `+fmt.Sprintf("updated_at %[1]s, id %[1]s", dir))
			checkWalk(t, a, nil, map[string]any{"field": "UPDATED_AT", "direction": dir}, total, want, true)
		}
	})

	t.Run("ends of the list", func(t *testing.T) {
		page := func(vars map[string]any) pageResult {
			var r pageResult
			a.query(t, pageQuery, vars, &r)
			return r
		}
		first := page(map[string]any{"first": 5})
		info := first.Procedures.PageInfo
		if !info.HasNextPage || info.HasPreviousPage || len(first.Procedures.Edges) != 5 {
			t.Errorf("first page: %+v", info)
		}
		last := page(map[string]any{"last": 5})
		info = last.Procedures.PageInfo
		if info.HasNextPage || !info.HasPreviousPage || len(last.Procedures.Edges) != 5 {
			t.Errorf("last page: %+v", info)
		}
		all := a.strings(t, `SELECT code FROM procedures ORDER BY name_key, id`)
		var got []string
		for _, e := range last.Procedures.Edges {
			got = append(got, e.Node.Code)
		}
		if !slices.Equal(got, all[len(all)-5:]) {
			t.Errorf("last 5: %v, want %v", got, all[len(all)-5:])
		}
		// Everything on one page when it fits: no page either side.
		one := page(map[string]any{"f": map[string]any{"search": "dang ky nhan cha me con"}, "first": 100})
		info = one.Procedures.PageInfo
		if info.HasNextPage || info.HasPreviousPage || len(one.Procedures.Edges) != one.Procedures.TotalCount {
			t.Errorf("single page: %+v", info)
		}
		// After the last row there is nothing, and it says so.
		end := page(map[string]any{"first": 5, "after": *last.Procedures.PageInfo.EndCursor})
		if len(end.Procedures.Edges) != 0 || end.Procedures.PageInfo.HasNextPage || !end.Procedures.PageInfo.HasPreviousPage {
			t.Errorf("after the last row: %d rows, %+v", len(end.Procedures.Edges), end.Procedures.PageInfo)
		}
		// Between two cursors.
		mid := page(map[string]any{"first": 3, "after": first.Procedures.Edges[0].Cursor, "before": first.Procedures.Edges[4].Cursor})
		got = nil
		for _, e := range mid.Procedures.Edges {
			got = append(got, e.Node.Code)
		}
		if !slices.Equal(got, all[1:4]) {
			t.Errorf("between the 1st and 5th rows: %v, want %v", got, all[1:4])
		}
		zero := page(map[string]any{"first": 0})
		if len(zero.Procedures.Edges) != 0 || zero.Procedures.TotalCount != total {
			t.Errorf("first: 0 gave %d rows, totalCount %d", len(zero.Procedures.Edges), zero.Procedures.TotalCount)
		}
	})

	t.Run("UPDATED_AT in another time zone", func(t *testing.T) {
		// Cursors must not depend on the session's TimeZone setting, here
		// one with a half-hour offset.
		url := a.url
		if strings.Contains(url, "?") {
			url += "&timezone=Asia/Kolkata"
		} else {
			url += "?timezone=Asia/Kolkata"
		}
		b := newAPI(t, a.url, httpserver.Config{DB: testdb.Open(t, url)})
		want := a.strings(t, `SELECT code FROM procedures ORDER BY updated_at DESC, id DESC`)
		checkWalk(t, b, nil, map[string]any{"field": "UPDATED_AT", "direction": "DESC"}, total, want, false)
	})

	t.Run("units and legal documents", func(t *testing.T) {
		var units, docs []string
		for _, backward := range []bool{false, true} {
			var seen []string
			var cursor *string
			for n := 0; n < 100; n++ {
				var r struct {
					LegalDocuments struct {
						PageInfo struct {
							HasNextPage, HasPreviousPage bool
							StartCursor, EndCursor       *string
						}
						Nodes []struct{ Number string }
					}
				}
				vars := map[string]any{"first": 100, "after": cursor}
				if backward {
					vars = map[string]any{"last": 100, "before": cursor}
				}
				a.query(t, `query($first: Int, $after: String, $last: Int, $before: String) { legalDocuments(first: $first, after: $after, last: $last, before: $before) {
					pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { number } } }`, vars, &r)
				var page []string
				for _, d := range r.LegalDocuments.Nodes {
					page = append(page, d.Number)
				}
				info := r.LegalDocuments.PageInfo
				if backward {
					seen = append(page, seen...)
					if !info.HasPreviousPage {
						break
					}
					cursor = info.StartCursor
				} else {
					seen = append(seen, page...)
					if !info.HasNextPage {
						break
					}
					cursor = info.EndCursor
				}
			}
			if backward && !slices.Equal(seen, docs) {
				t.Errorf("legal documents backwards: %d, forwards %d", len(seen), len(docs))
			}
			docs = seen
		}
		distinct := map[string]bool{}
		for _, d := range docs {
			distinct[d] = true
		}
		if want := a.count(t, `SELECT count(DISTINCT number) FROM legal_documents`); len(docs) != a.count(t, `SELECT count(*) FROM legal_documents`) || len(distinct) != want {
			t.Errorf("paged through %d legal documents, SQL counts %d", len(docs), want)
		}
		var r struct {
			AdministrativeUnits struct {
				Edges []struct {
					Cursor string
					Node   struct{ Code string }
				}
			}
		}
		var cursor *string
		for n := 0; n < 30; n++ {
			r.AdministrativeUnits.Edges = nil
			a.query(t, `query($after: String) { administrativeUnits(first: 2, after: $after) { edges { cursor node { code } } } }`, map[string]any{"after": cursor}, &r)
			if len(r.AdministrativeUnits.Edges) == 0 {
				break
			}
			for _, e := range r.AdministrativeUnits.Edges {
				units = append(units, e.Node.Code)
			}
			cursor = &r.AdministrativeUnits.Edges[len(r.AdministrativeUnits.Edges)-1].Cursor
		}
		if want := a.strings(t, `SELECT code FROM administrative_units ORDER BY name_key, id`); !slices.Equal(units, want) {
			t.Errorf("units in pages of 2: %v, want %v", units, want)
		}
	})
}

// TestDataloaders checks that a page of procedures with their details costs
// a fixed number of SQL statements, whatever its size.
func TestDataloaders(t *testing.T) {
	a := newCatalogAPI(t)
	const q = `query($first: Int, $f: ProcedureFilter) { procedures(first: $first, filter: $f) { nodes {
		id code name
		levels { code name }
		sector { name }
		agencies { role agency { name } }
		competent: agencies(role: COMPETENT) { agency { id } }
		channels { kind processingTime { value unit } fee { text amount currency } }
		documents { name }
		legalDocuments { number title }
	} } }`
	// The page (which brings the levels and the sector of each procedure),
	// and one statement each for the agencies, channels, documents and
	// legal documents of the procedures on it: 5. A first request warms
	// the authority levels, which the server reads once.
	a.query(t, q, map[string]any{"first": 1}, nil)
	want := a.query(t, q, map[string]any{"first": 1}, nil).Statements
	if want != 5 {
		t.Errorf("a page of 1 ran %d SQL statements, want 5", want)
	}
	for _, n := range []int{1, 2, 20, 100} {
		for run := range 3 {
			res := a.query(t, q, map[string]any{"first": n}, nil)
			if res.Statements != want {
				t.Errorf("a page of %d (run %d) ran %d SQL statements, a page of 1 %d", n, run, res.Statements, want)
			}
		}
	}
	// A search and a filter add nothing but themselves.
	res := a.query(t, q, map[string]any{"first": 100, "f": map[string]any{"search": "cap", "levels": []string{"PROVINCE"}}}, nil)
	if res.Statements != want {
		t.Errorf("a page of 100 found by search ran %d SQL statements, want %d", res.Statements, want)
	}
	// A bare page is one statement, and so is a search page with the
	// levels, the sector and the total (the bench's S1); its total costs at
	// most one more.
	res = a.query(t, `{ procedures(first: 100) { nodes { code } } }`, nil, nil)
	if res.Statements != 1 {
		t.Errorf("a bare page ran %d SQL statements, want 1", res.Statements)
	}
	res = a.query(t, `{ procedures(first: 20, filter: {search: "dang ky", levels: ["COMMUNE"]}) {
		totalCount nodes { id code name sector { id name } levels { code name } } } }`, nil, nil)
	if res.Statements != 1 {
		t.Errorf("a search page with levels, sectors and total ran %d SQL statements, want 1", res.Statements)
	}
	var one struct {
		Procedures struct{ Nodes []struct{ ID string } }
	}
	a.query(t, `{ procedures(first: 1) { nodes { id } } }`, nil, &one)
	res = a.query(t, `query($id: ID!) { node(id: $id) { ... on Procedure { code sector { name } levels { code name } } } }`,
		map[string]any{"id": one.Procedures.Nodes[0].ID}, nil)
	if res.Statements != 1 {
		t.Errorf("a procedure by node(id) with levels and sector ran %d SQL statements, want 1", res.Statements)
	}
	// node(id) leaves the long texts out only when none is selected.
	var full struct {
		Node  struct{ Code, RawText, Requirements string }
		Short struct{ Code string }
	}
	a.query(t, `query($id: ID!) { node(id: $id) { ... on Procedure { code rawText requirements } } short: node(id: $id) { ... on Procedure { code } } }`,
		map[string]any{"id": one.Procedures.Nodes[0].ID}, &full)
	if want := a.strings(t, `SELECT raw_text FROM procedures WHERE code = $1`, full.Node.Code)[0]; full.Node.RawText != want || want == "" {
		t.Errorf("node(id) { rawText } of %s: %d bytes, want %d", full.Node.Code, len(full.Node.RawText), len(want))
	}
	res = a.query(t, `{ procedures(first: 100) { totalCount nodes { code } } }`, nil, nil)
	if res.Statements > 2 {
		t.Errorf("a page with its total ran %d SQL statements, want at most 2", res.Statements)
	}
	// Two connections in one query: each page batches its own details.
	res = a.query(t, `{ a: procedures(first: 100) { nodes { channels { kind } } } b: procedures(last: 100) { nodes { channels { kind } } } }`, nil, nil)
	if res.Statements > 4 {
		t.Errorf("two pages with channels ran %d SQL statements, want at most 4", res.Statements)
	}
	// Sectors with their procedure counts.
	res = a.query(t, `{ sectors { name procedureCount } }`, nil, nil)
	if res.Statements != 2 {
		t.Errorf("sectors with their counts ran %d SQL statements, want 2", res.Statements)
	}
	// Units with the units they point to: the page, the parents and
	// successors, the children.
	for run := range 3 {
		res = a.query(t, `{ administrativeUnits(first: 100) { nodes { code level { code } parent { code } successor { code } children { code } } } }`, nil, nil)
		if res.Statements != 3 {
			t.Errorf("a page of units (run %d) ran %d SQL statements, want 3", run, res.Statements)
		}
	}
}
