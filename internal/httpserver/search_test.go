package httpserver_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const searchQuery = `query($search: String, $levels: [String!], $first: Int) {
	procedures(filter: {search: $search, levels: $levels}, first: $first) {
		totalCount
		nodes { code name levels { code } }
	}
}`

type searchResult struct {
	Procedures struct {
		TotalCount int
		Nodes      []struct {
			Code, Name string
			Levels     []struct{ Code string }
		}
	}
}

func (r searchResult) codes() []string {
	var out []string
	for _, n := range r.Procedures.Nodes {
		out = append(out, n.Code)
	}
	return out
}

// wordsMatch is SQL, independent of the API's, for "every word starts a
// word of the folded name": words must be lower case ASCII.
func wordsMatch(words ...string) string {
	conds := make([]string, len(words))
	for i, w := range words {
		conds[i] = fmt.Sprintf(`p.name_words ~ '(^| )%s'`, w)
	}
	return strings.Join(conds, " AND ")
}

func TestSearch(t *testing.T) {
	a := newCatalogAPI(t)
	search := func(t *testing.T, s string, levels ...string) searchResult {
		t.Helper()
		var r searchResult
		vars := map[string]any{"search": s, "first": 100}
		if len(levels) > 0 {
			vars["levels"] = levels
		}
		a.query(t, searchQuery, vars, &r)
		return r
	}

	base := search(t, "dang ky nhan cha me con")
	t.Run("words without diacritics", func(t *testing.T) {
		if len(base.Procedures.Nodes) == 0 {
			t.Fatal("nothing found")
		}
		first := base.Procedures.Nodes[0]
		if first.Code != "1.001022" || first.Name != "Thủ tục đăng ký nhận cha, mẹ, con" {
			t.Errorf("first result %s %q, want 1.001022 Thủ tục đăng ký nhận cha, mẹ, con", first.Code, first.Name)
		}
		want := a.count(t, `SELECT count(*) FROM procedures p WHERE `+wordsMatch("dang", "ky", "nhan", "cha", "me", "con"))
		if base.Procedures.TotalCount != want || len(base.Procedures.Nodes) != want {
			t.Errorf("totalCount %d, %d nodes; SQL counts %d", base.Procedures.TotalCount, len(base.Procedures.Nodes), want)
		}
	})

	t.Run("diacritics, case and Unicode form do not matter", func(t *testing.T) {
		for _, s := range []string{
			"Đăng ký nhận cha, mẹ, con",
			"ĐĂNG KÝ NHẬN CHA, MẸ, CON",
			"  dang   KY nhan cha-me-con ",
			// decomposed (NFD), as some keyboards send it
			"\u0110a\u0306ng ky\u0301 nha\u0323\u0302n cha, me\u0323, con",
		} {
			r := search(t, s)
			if !slices.Equal(r.codes(), base.codes()) || r.Procedures.TotalCount != base.Procedures.TotalCount {
				t.Errorf("search %q found %v (%d), want %v (%d)", s, r.codes(), r.Procedures.TotalCount, base.codes(), base.Procedures.TotalCount)
			}
		}
	})

	t.Run("the last word may be cut short", func(t *testing.T) {
		r := search(t, "dang ky nhan cha me co")
		if len(r.Procedures.Nodes) == 0 || r.Procedures.Nodes[0].Code != "1.001022" {
			t.Errorf("found %v, want 1.001022 first", r.codes())
		}
	})

	t.Run("names starting with the words come first", func(t *testing.T) {
		r := search(t, "cap giay phep moi truong")
		want := a.strings(t, `SELECT code FROM procedures WHERE name_core LIKE 'cap giay phep moi truong%' ORDER BY code`)
		if len(want) == 0 {
			t.Fatal("the catalog has no procedure named Cấp giấy phép môi trường...")
		}
		var got []string
		for i, n := range r.Procedures.Nodes {
			if !strings.HasPrefix(n.Name, "Cấp giấy phép môi trường") {
				// The names starting with the words come before any
				// other match.
				if i < len(want) {
					t.Errorf("result %d is %q, before all names starting with the words", i, n.Name)
				}
				continue
			}
			got = append(got, n.Code)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("found %v starting with Cấp giấy phép môi trường, want %v", got, want)
		}
	})

	t.Run("a word after punctuation is found", func(t *testing.T) {
		// "BHYT/Cấp giấy chứng nhận": the slash must not glue the words.
		r := search(t, "cap giay chung nhan khong cung chi tra")
		if !slices.Contains(r.codes(), "1.001656") {
			t.Errorf("found %v, want 1.001656 (…BHYT/Cấp giấy chứng nhận không cùng chi trả…)", r.codes())
		}
		want := a.count(t, `SELECT count(*) FROM procedures p WHERE `+wordsMatch("cap"))
		if got := search(t, "cap").Procedures.TotalCount; got != want {
			t.Errorf("search cap: totalCount %d, SQL counts %d names with a word starting with cap", got, want)
		}
	})

	t.Run("đ typed as d", func(t *testing.T) {
		for _, pair := range [][2]string{
			{"dang ky ket hon", "đăng ký kết hôn"},
			{"dat dai", "đất đai"},
			{"d", "đ"},
		} {
			plain, accented := search(t, pair[0]), search(t, pair[1])
			if plain.Procedures.TotalCount == 0 {
				t.Errorf("search %q found nothing", pair[0])
			}
			if !slices.Equal(plain.codes(), accented.codes()) || plain.Procedures.TotalCount != accented.Procedures.TotalCount {
				t.Errorf("search %q found %d, %q found %d", pair[0], plain.Procedures.TotalCount, pair[1], accented.Procedures.TotalCount)
			}
		}
		// d also finds the names whose word starts with đ
		r := search(t, "dang ky ket hon")
		if want := a.count(t, `SELECT count(*) FROM procedures p WHERE `+wordsMatch("dang", "ky", "ket", "hon")); r.Procedures.TotalCount != want {
			t.Errorf("totalCount %d, SQL counts %d", r.Procedures.TotalCount, want)
		}
	})

	t.Run("code prefix", func(t *testing.T) {
		r := search(t, "1.0000")
		want := a.count(t, `SELECT count(*) FROM procedures WHERE code LIKE '1.0000%'`)
		if want == 0 || r.Procedures.TotalCount != want || len(r.Procedures.Nodes) != want {
			t.Errorf("totalCount %d, %d nodes; SQL counts %d codes starting with 1.0000", r.Procedures.TotalCount, len(r.Procedures.Nodes), want)
		}
		for _, c := range r.codes() {
			if !strings.HasPrefix(c, "1.0000") {
				t.Errorf("code %s does not start with 1.0000", c)
			}
		}
		exact := search(t, "1.001022")
		if len(exact.Procedures.Nodes) == 0 || exact.Procedures.Nodes[0].Code != "1.001022" {
			t.Errorf("search by the code 1.001022 found %v", exact.codes())
		}
	})

	t.Run("search and level", func(t *testing.T) {
		r := search(t, "dang ky", "COMMUNE")
		want := a.count(t, `SELECT count(*) FROM procedures p WHERE `+wordsMatch("dang", "ky")+`
			AND EXISTS (SELECT 1 FROM procedure_levels pl WHERE pl.procedure_id = p.id AND pl.level_code = 'COMMUNE')`)
		all := search(t, "dang ky")
		if want == 0 || r.Procedures.TotalCount != want || r.Procedures.TotalCount >= all.Procedures.TotalCount {
			t.Errorf("totalCount %d (without the level %d), SQL counts %d", r.Procedures.TotalCount, all.Procedures.TotalCount, want)
		}
		for _, n := range r.Procedures.Nodes {
			if !slices.ContainsFunc(n.Levels, func(l struct{ Code string }) bool { return l.Code == "COMMUNE" }) {
				t.Errorf("%s is not at commune level: %v", n.Code, n.Levels)
			}
		}
	})

	t.Run("no match", func(t *testing.T) {
		r := search(t, "xyzxyz qqq")
		if r.Procedures.TotalCount != 0 || len(r.Procedures.Nodes) != 0 {
			t.Errorf("found %v", r.codes())
		}
	})
}
