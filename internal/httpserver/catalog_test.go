package httpserver_test

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestFilters checks that every filter narrows the list to what an
// independent SQL query counts.
func TestFilters(t *testing.T) {
	a := newCatalogAPI(t)
	// Some procedures are abolished, so the status filter has something
	// to tell apart.
	a.exec(t, `UPDATE procedures SET status = 'ABOLISHED' WHERE code IN ('1.000080', '1.001022', '2.000779')`)

	var refs struct {
		Sectors   []struct{ ID, Name string }
		Procedure struct {
			Agencies       []struct{ Agency struct{ ID, Name string } }
			LegalDocuments []struct{ ID, Number string }
		}
		AdministrativeUnits struct {
			Nodes []struct{ ID, Code string }
		}
	}
	a.query(t, `{
		sectors { id name }
		procedure(code: "1.001022") { agencies { agency { id name } } legalDocuments { id number } }
		administrativeUnits(first: 100) { nodes { id code } }
	}`, nil, &refs)
	idOf := func(what string, list map[string]string, key string) string {
		t.Helper()
		id, ok := list[key]
		if !ok {
			t.Fatalf("no %s %q in %v", what, key, list)
		}
		return id
	}
	sectors, units := map[string]string{}, map[string]string{}
	for _, s := range refs.Sectors {
		sectors[s.Name] = s.ID
	}
	for _, u := range refs.AdministrativeUnits.Nodes {
		units[u.Code] = u.ID
	}
	if len(refs.Procedure.Agencies) == 0 || len(refs.Procedure.LegalDocuments) == 0 {
		t.Fatalf("procedure 1.001022 has no agency or no legal document: %+v", refs.Procedure)
	}
	agency := refs.Procedure.Agencies[0].Agency
	legal := refs.Procedure.LegalDocuments[0]
	hoTich := idOf("sector", sectors, "Hộ tịch")
	haiQuan := idOf("sector", sectors, "Hải quan")

	const levelIs = `EXISTS (SELECT 1 FROM procedure_levels pl WHERE pl.procedure_id = p.id AND pl.level_code = ANY(%s))`
	cases := []struct {
		name   string
		filter map[string]any
		where  string // conditions on procedures p
	}{
		{"one level", map[string]any{"levels": []string{"COMMUNE"}}, fmt.Sprintf(levelIs, `'{COMMUNE}'`)},
		{"any of two levels", map[string]any{"levels": []string{"MINISTRY", "PROVINCE"}}, fmt.Sprintf(levelIs, `'{MINISTRY,PROVINCE}'`)},
		{"a level nothing has", map[string]any{"levels": []string{"DISTRICT"}}, fmt.Sprintf(levelIs, `'{DISTRICT}'`)},
		{"one sector", map[string]any{"sectorIds": []string{hoTich}}, `p.sector_id = (SELECT id FROM sectors WHERE name = 'Hộ tịch')`},
		{"two sectors", map[string]any{"sectorIds": []string{hoTich, haiQuan}}, `p.sector_id IN (SELECT id FROM sectors WHERE name IN ('Hộ tịch', 'Hải quan'))`},
		{"agency", map[string]any{"agencyIds": []string{agency.ID}}, `EXISTS (SELECT 1 FROM procedure_agencies pa JOIN agencies a ON a.id = pa.agency_id WHERE pa.procedure_id = p.id AND a.name = '` + agency.Name + `')`},
		{"district unit", map[string]any{"unitId": idOf("unit", units, "40-DL")}, `EXISTS (SELECT 1 FROM unit_procedures up JOIN administrative_units u ON u.id = up.unit_id WHERE up.procedure_id = p.id AND u.code = '40-DL')`},
		{"commune unit", map[string]any{"unitId": idOf("unit", units, "40-DL-02")}, `EXISTS (SELECT 1 FROM unit_procedures up JOIN administrative_units u ON u.id = up.unit_id WHERE up.procedure_id = p.id AND u.code = '40-DL-02')`},
		{"online", map[string]any{"channel": "ONLINE"}, `EXISTS (SELECT 1 FROM procedure_channels pc WHERE pc.procedure_id = p.id AND pc.kind = 'ONLINE')`},
		{"by post", map[string]any{"channel": "POST"}, `EXISTS (SELECT 1 FROM procedure_channels pc WHERE pc.procedure_id = p.id AND pc.kind = 'POST')`},
		{"in person", map[string]any{"channel": "IN_PERSON"}, `EXISTS (SELECT 1 FROM procedure_channels pc WHERE pc.procedure_id = p.id AND pc.kind = 'IN_PERSON')`},
		{"in force", map[string]any{"status": "IN_FORCE"}, `p.status = 'IN_FORCE'`},
		{"abolished", map[string]any{"status": "ABOLISHED"}, `p.status = 'ABOLISHED'`},
		{"legal document", map[string]any{"legalDocumentId": legal.ID}, `EXISTS (SELECT 1 FROM procedure_legal_documents pld JOIN legal_documents l ON l.id = pld.legal_document_id WHERE pld.procedure_id = p.id AND l.number = '` + legal.Number + `')`},
		{"all together", map[string]any{"levels": []string{"COMMUNE"}, "sectorIds": []string{hoTich}, "channel": "ONLINE", "status": "IN_FORCE", "search": "dang ky"},
			fmt.Sprintf(levelIs, `'{COMMUNE}'`) + ` AND p.sector_id = (SELECT id FROM sectors WHERE name = 'Hộ tịch') AND p.status = 'IN_FORCE'
			AND EXISTS (SELECT 1 FROM procedure_channels pc WHERE pc.procedure_id = p.id AND pc.kind = 'ONLINE') AND ` + wordsMatch("dang", "ky")},
	}
	total := a.count(t, `SELECT count(*) FROM procedures`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := a.strings(t, `SELECT p.code FROM procedures p WHERE `+c.where)
			var r struct {
				Procedures struct {
					TotalCount int
					Nodes      []struct{ Code string }
				}
			}
			a.query(t, `query($f: ProcedureFilter) { procedures(filter: $f, first: 100) { totalCount nodes { code } } }`,
				map[string]any{"f": c.filter}, &r)
			if r.Procedures.TotalCount != len(want) {
				t.Errorf("totalCount %d, SQL counts %d", r.Procedures.TotalCount, len(want))
			}
			if c.name != "a level nothing has" && (len(want) == 0 || len(want) == total) {
				t.Errorf("the SQL count %d of %d does not test narrowing", len(want), total)
			}
			if len(r.Procedures.Nodes) != min(len(want), 100) {
				t.Errorf("%d nodes on the first page, want %d", len(r.Procedures.Nodes), min(len(want), 100))
			}
			for _, n := range r.Procedures.Nodes {
				if !slices.Contains(want, n.Code) {
					t.Errorf("%s does not match the filter", n.Code)
				}
			}
		})
	}

	t.Run("bad ids", func(t *testing.T) {
		for _, f := range []map[string]any{
			{"sectorIds": []string{"nonsense"}},
			{"sectorIds": []string{agency.ID}}, // an agency's ID is not a sector's
			{"unitId": hoTich},
			{"legalDocumentId": "TGVnYWxEb2N1bWVudDp4"}, // LegalDocument:x
		} {
			res := a.post(t, `query($f: ProcedureFilter) { procedures(filter: $f) { totalCount } }`, map[string]any{"f": f})
			if res.code() != "BAD_USER_INPUT" || res.Status != 200 {
				t.Errorf("filter %v: status %d, %s", f, res.Status, res.Body)
			}
		}
	})

	t.Run("sector procedure counts", func(t *testing.T) {
		var r struct {
			Sectors []struct {
				Name           string
				ProcedureCount int
			}
		}
		a.query(t, `{ sectors { name procedureCount } }`, nil, &r)
		if len(r.Sectors) != a.count(t, `SELECT count(*) FROM sectors`) {
			t.Errorf("%d sectors", len(r.Sectors))
		}
		for _, s := range r.Sectors {
			if want := a.count(t, `SELECT count(*) FROM procedures p JOIN sectors s ON s.id = p.sector_id WHERE s.name = $1`, s.Name); s.ProcedureCount != want {
				t.Errorf("sector %s: procedureCount %d, SQL counts %d", s.Name, s.ProcedureCount, want)
			}
		}
	})
}

// TestProcedureByCode checks the documented fields of one procedure against
// the database.
func TestProcedureByCode(t *testing.T) {
	a := newCatalogAPI(t)
	const q = `query($code: String!) { procedure(code: $code) {
		id code name
		levels { code name }
		sector { name }
		channels { kind processingTime { value unit } processingTimeText fee { text amount currency } description }
		legalDocuments { number title }
		documents { name form originals copies quantityText }
		requirements result sourceUrl status onlineAvailable
	} }`
	type procedure struct {
		ID, Code, Name string
		Levels         []struct{ Code, Name string }
		Sector         *struct{ Name string }
		Channels       []struct {
			Kind           string
			ProcessingTime *struct{ Value, Unit string }
			Fee            struct {
				Text     string
				Amount   *string
				Currency *string
			}
		}
		LegalDocuments       []struct{ Number, Title string }
		Documents            []struct{ Name string }
		Requirements, Result string
		SourceURL            string `json:"sourceUrl"`
		Status               string
		OnlineAvailable      bool
	}
	get := func(t *testing.T, code string) *procedure {
		t.Helper()
		var r struct{ Procedure *procedure }
		a.query(t, q, map[string]any{"code": code}, &r)
		return r.Procedure
	}

	// The server reads only the long texts a query selects: each one comes
	// back whole whichever others are asked for, also through a fragment.
	t.Run("long texts as selected", func(t *testing.T) {
		var steps, requirements, result, raw string
		if err := a.sql.QueryRow(`SELECT steps, requirements, result, raw_text FROM procedures WHERE code = '1.001022'`).
			Scan(&steps, &requirements, &result, &raw); err != nil {
			t.Fatal(err)
		}
		for _, sel := range []string{"steps", "rawText", "requirements result", "... on Procedure { steps rawText }", "...texts", ""} {
			var r struct {
				Procedure struct{ Steps, Requirements, Result, RawText *string }
			}
			q := `query { procedure(code: "1.001022") { code ` + sel + ` } }`
			if sel == "...texts" {
				q += ` fragment texts on Procedure { result rawText }`
			}
			a.query(t, q, nil, &r)
			for _, c := range []struct {
				name     string
				got      *string
				want     string
				selected bool
			}{
				{"steps", r.Procedure.Steps, steps, strings.Contains(sel, "steps")},
				{"requirements", r.Procedure.Requirements, requirements, strings.Contains(sel, "requirements")},
				{"result", r.Procedure.Result, result, strings.Contains(sel, "result") || sel == "...texts"},
				{"rawText", r.Procedure.RawText, raw, strings.Contains(sel, "rawText") || sel == "...texts"},
			} {
				if c.selected && (c.got == nil || *c.got != c.want) {
					t.Errorf("selecting %q: %s is %d bytes, want %d", sel, c.name, len(deref(c.got)), len(c.want))
				}
			}
		}
	})

	// 1.001022 as the issue names it, and procedures whose channels have a
	// parsed processing time and a fee amount.
	codes := append([]string{"1.001022"}, a.strings(t, `SELECT p.code FROM procedures p
		WHERE EXISTS (SELECT 1 FROM procedure_channels pc WHERE pc.procedure_id = p.id AND pc.time_value IS NOT NULL)
		  AND EXISTS (SELECT 1 FROM procedure_channels pc WHERE pc.procedure_id = p.id AND pc.fee_amount IS NOT NULL)
		ORDER BY p.code LIMIT 3`)...)
	for _, code := range codes {
		t.Run(code, func(t *testing.T) {
			p := get(t, code)
			if p == nil {
				t.Fatal("not found")
			}
			var name, requirements, result, sourceURL, status, sector string
			if err := a.sql.QueryRow(`SELECT p.name, p.requirements, p.result, p.source_url, p.status, coalesce(s.name, '')
				FROM procedures p LEFT JOIN sectors s ON s.id = p.sector_id WHERE p.code = $1`, code).
				Scan(&name, &requirements, &result, &sourceURL, &status, &sector); err != nil {
				t.Fatal(err)
			}
			if p.Code != code || p.Name != name || p.Requirements != requirements || p.Result != result || p.SourceURL != sourceURL || p.Status != status {
				t.Errorf("got %s %q requirements %q result %q url %q status %s", p.Code, p.Name, p.Requirements, p.Result, p.SourceURL, p.Status)
			}
			if p.SourceURL == "" || p.Requirements == "" && p.Result == "" {
				t.Errorf("the portal's text is missing: url %q, requirements %q, result %q", p.SourceURL, p.Requirements, p.Result)
			}
			if p.Sector == nil || p.Sector.Name != sector {
				t.Errorf("sector %v, want %q", p.Sector, sector)
			}
			var levels []string
			for _, l := range p.Levels {
				levels = append(levels, l.Code+" "+l.Name)
			}
			if want := a.strings(t, `SELECT al.code || ' ' || al.name FROM procedure_levels pl JOIN procedures p ON p.id = pl.procedure_id
				JOIN authority_levels al ON al.code = pl.level_code WHERE p.code = $1 ORDER BY al.rank`, code); !slices.Equal(levels, want) || len(want) == 0 {
				t.Errorf("levels %v, want %v", levels, want)
			}
			var channels []string
			online := false
			for _, c := range p.Channels {
				s := c.Kind + " " + c.Fee.Text
				if c.ProcessingTime != nil {
					s += fmt.Sprintf(" %s %s", num(t, c.ProcessingTime.Value), c.ProcessingTime.Unit)
				}
				if c.Fee.Amount != nil {
					s += fmt.Sprintf(" %s %s", num(t, *c.Fee.Amount), str(c.Fee.Currency))
				}
				channels = append(channels, s)
				online = online || c.Kind == "ONLINE"
			}
			want := a.strings(t, `SELECT pc.kind || ' ' || pc.fee_text
				|| coalesce(' ' || trim_scale(pc.time_value)::text || ' ' || pc.time_unit, '')
				|| coalesce(' ' || trim_scale(pc.fee_amount)::text || ' ' || pc.fee_currency, '')
				FROM procedure_channels pc JOIN procedures p ON p.id = pc.procedure_id WHERE p.code = $1 ORDER BY pc.position`, code)
			if !slices.Equal(channels, want) || len(want) == 0 {
				t.Errorf("channels\n%q\nwant\n%q", channels, want)
			}
			timed := false
			for _, c := range p.Channels {
				timed = timed || c.ProcessingTime != nil
			}
			if code != "1.001022" && !timed {
				t.Errorf("no channel with a processing time")
			}
			var legal []string
			for _, l := range p.LegalDocuments {
				legal = append(legal, l.Number+" "+l.Title)
			}
			if want := a.strings(t, `SELECT l.number || ' ' || l.title FROM procedure_legal_documents pld JOIN procedures p ON p.id = pld.procedure_id
				JOIN legal_documents l ON l.id = pld.legal_document_id WHERE p.code = $1 ORDER BY pld.position`, code); !slices.Equal(legal, want) {
				t.Errorf("legal documents %q, want %q", legal, want)
			}
			var docs []string
			for _, d := range p.Documents {
				docs = append(docs, d.Name)
			}
			if want := a.strings(t, `SELECT d.name FROM procedure_documents d JOIN procedures p ON p.id = d.procedure_id
				WHERE p.code = $1 ORDER BY d.position`, code); !slices.Equal(docs, want) {
				t.Errorf("documents %q, want %q", docs, want)
			}
			if online != p.OnlineAvailable && code == "1.001022" {
				t.Errorf("onlineAvailable %v with channels %v", p.OnlineAvailable, channels)
			}
		})
	}

	t.Run("1.001022 in detail", func(t *testing.T) {
		p := get(t, "1.001022")
		if p.Name != "Thủ tục đăng ký nhận cha, mẹ, con" || p.Sector == nil || p.Sector.Name != "Hộ tịch" ||
			len(p.Levels) != 1 || p.Levels[0].Code != "COMMUNE" || len(p.Channels) != 3 || len(p.LegalDocuments) == 0 || len(p.Documents) == 0 {
			t.Errorf("got %+v", p)
		}
	})

	t.Run("unknown code", func(t *testing.T) {
		for _, code := range []string{"9.999999", "1.001022.X99", "not a code", ""} {
			res := a.post(t, q, map[string]any{"code": code})
			if res.Status != 200 || len(res.Errors) > 0 || string(res.Data) != `{"procedure":null}` {
				t.Errorf("code %q: status %d, %s", code, res.Status, res.Body)
			}
		}
	})
}

func num(t *testing.T, s string) string {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Errorf("not a number: %q", s)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestNodes refetches each type of entity by the ID the API gave it.
func TestNodes(t *testing.T) {
	a := newCatalogAPI(t)
	var r struct {
		Procedure struct {
			ID             string
			Sector         struct{ ID string }
			Levels         []struct{ ID string }
			Agencies       []struct{ Agency struct{ ID string } }
			LegalDocuments []struct{ ID string }
		}
		AdministrativeUnits struct{ Nodes []struct{ ID string } }
		AuthorityLevels     []struct{ ID string }
	}
	a.query(t, `{
		procedure(code: "1.001022") { id sector { id } levels { id } agencies { agency { id } } legalDocuments { id } }
		administrativeUnits(first: 3) { nodes { id } }
		authorityLevels { id }
	}`, nil, &r)
	ids := map[string]string{ // id → __typename
		r.Procedure.ID:                                 "Procedure",
		r.Procedure.Sector.ID:                          "Sector",
		r.Procedure.Levels[0].ID:                       "AuthorityLevel",
		r.Procedure.Agencies[0].Agency.ID:              "Agency",
		r.Procedure.LegalDocuments[0].ID:               "LegalDocument",
		r.AdministrativeUnits.Nodes[0].ID:              "AdministrativeUnit",
		r.AuthorityLevels[len(r.AuthorityLevels)-1].ID: "AuthorityLevel",
	}
	if len(ids) != 7 {
		t.Fatalf("IDs are not distinct: %v", ids)
	}
	const nodeQuery = `query($id: ID!) { node(id: $id) { __typename id } }`
	for id, typ := range ids {
		var n struct {
			Node *struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
		a.query(t, nodeQuery, map[string]any{"id": id}, &n)
		if n.Node == nil || n.Node.Typename != typ || n.Node.ID != id {
			t.Errorf("node(%s) = %+v, want a %s", id, n.Node, typ)
		}
	}

	t.Run("nodes keeps the order asked and gives null for missing ones", func(t *testing.T) {
		list := slices.Collect(maps.Keys(ids))
		missing := globalID("Procedure:999999999")
		list = append(list, missing, list[0])
		var n struct {
			Nodes []*struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
		a.query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, map[string]any{"ids": list}, &n)
		if len(n.Nodes) != len(list) {
			t.Fatalf("%d nodes for %d ids", len(n.Nodes), len(list))
		}
		for i, id := range list {
			switch {
			case id == missing:
				if n.Nodes[i] != nil {
					t.Errorf("node %d: %+v, want null", i, n.Nodes[i])
				}
			case n.Nodes[i] == nil || n.Nodes[i].ID != id || n.Nodes[i].Typename != ids[id]:
				t.Errorf("node %d: %+v, want %s %s", i, n.Nodes[i], ids[id], id)
			}
		}
	})

	t.Run("nodes costs one statement per type", func(t *testing.T) {
		var r struct {
			Procedures struct{ Nodes []struct{ ID string } }
			Sectors    []struct{ ID string }
		}
		a.query(t, `{ procedures(first: 50) { nodes { id } } sectors { id } }`, nil, &r)
		var list []string
		for _, p := range r.Procedures.Nodes {
			list = append(list, p.ID)
		}
		for _, s := range r.Sectors[:20] {
			list = append(list, s.ID)
		}
		res := a.query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Procedure { code channels { kind } } } }`, map[string]any{"ids": list}, nil)
		// procedures, sectors, and the channels of the procedures
		if res.Statements != 3 {
			t.Errorf("nodes of 50 procedures and 20 sectors ran %d SQL statements, want 3", res.Statements)
		}
	})

	t.Run("unknown but well-formed ids give null", func(t *testing.T) {
		for _, key := range []string{"Procedure:999999999", "Sector:999999", "Agency:999999", "AdministrativeUnit:999999", "LegalDocument:999999", "AuthorityLevel:VILLAGE"} {
			res := a.post(t, nodeQuery, map[string]any{"id": globalID(key)})
			if res.Status != 200 || len(res.Errors) > 0 || string(res.Data) != `{"node":null}` {
				t.Errorf("%s: status %d, %s", key, res.Status, res.Body)
			}
		}
	})

	t.Run("malformed ids are refused", func(t *testing.T) {
		for _, id := range []string{"garbage!!", "", "UHJvY2VkdXJl", globalID("Procedure:abc"), globalID("Procedure:-1"), globalID("Procedure:0"),
			globalID("Procedure:99999999999999999999"), globalID("Nonsense:1"), globalID(":1"), globalID("Procedure:")} {
			res := a.post(t, nodeQuery, map[string]any{"id": id})
			if res.Status != 200 || res.code() != "BAD_USER_INPUT" {
				t.Errorf("node(%q): status %d, %s", id, res.Status, res.Body)
			}
			res = a.post(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{r.Procedure.ID, id}})
			if res.Status != 200 || res.code() != "BAD_USER_INPUT" {
				t.Errorf("nodes([valid, %q]): status %d, %s", id, res.Status, res.Body)
			}
		}
	})
}

func globalID(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

// TestUnitsAndLevels checks the dated authority levels and administrative
// units, through the 2025 merger of the communes of Đô Lương.
func TestUnitsAndLevels(t *testing.T) {
	a := newCatalogAPI(t)

	t.Run("authority levels", func(t *testing.T) {
		var r struct {
			AuthorityLevels []struct {
				Code, Name, ValidFrom string
				ValidTo               *string
			}
		}
		a.query(t, `{ authorityLevels { code name validFrom validTo } }`, nil, &r)
		var got []string
		for _, l := range r.AuthorityLevels {
			got = append(got, l.Code+" "+str(l.ValidTo))
		}
		want := []string{"MINISTRY <nil>", "PROVINCE <nil>", "DISTRICT 2025-06-30", "COMMUNE <nil>", "OTHER <nil>"}
		if !slices.Equal(got, want) {
			t.Errorf("levels %v, want %v", got, want)
		}
	})

	const unitsQuery = `query($f: AdministrativeUnitFilter) { administrativeUnits(filter: $f, first: 100) {
		totalCount
		nodes { id code name validFrom validTo level { code } parent { code } successor { code name } children { code } }
	} }`
	type unit struct {
		ID, Code, Name, ValidFrom string
		ValidTo                   *string
		Level                     struct{ Code string }
		Parent                    *struct{ Code string }
		Successor                 *struct{ Code, Name string }
		Children                  []struct{ Code string }
	}
	list := func(t *testing.T, f map[string]any) ([]unit, int) {
		t.Helper()
		var r struct {
			AdministrativeUnits struct {
				TotalCount int
				Nodes      []unit
			}
		}
		a.query(t, unitsQuery, map[string]any{"f": f}, &r)
		if len(r.AdministrativeUnits.Nodes) != r.AdministrativeUnits.TotalCount {
			t.Errorf("%d nodes, totalCount %d", len(r.AdministrativeUnits.Nodes), r.AdministrativeUnits.TotalCount)
		}
		return r.AdministrativeUnits.Nodes, r.AdministrativeUnits.TotalCount
	}
	codes := func(us []unit) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.Code)
		}
		slices.Sort(out)
		return out
	}
	all, _ := list(t, nil)
	byCode := map[string]unit{}
	for _, u := range all {
		byCode[u.Code] = u
	}
	if len(all) != a.count(t, `SELECT count(*) FROM administrative_units`) {
		t.Fatalf("%d units listed", len(all))
	}
	province, doLuong := byCode["40"].ID, byCode["40-DL"].ID

	t.Run("the merger of Đô Lương's communes", func(t *testing.T) {
		before, _ := list(t, map[string]any{"parentId": doLuong, "validOn": "2024-01-01"})
		want := a.strings(t, `SELECT u.code FROM administrative_units u JOIN administrative_units d ON d.id = u.parent_id
			WHERE d.code = '40-DL' AND u.valid_from <= '2024-01-01' AND (u.valid_to IS NULL OR u.valid_to >= '2024-01-01') ORDER BY u.code`)
		if got := codes(before); !slices.Equal(got, want) || len(want) != 8 {
			t.Errorf("Đô Lương's communes in 2024: %v, want the 8 of %v", got, want)
		}
		if after, n := list(t, map[string]any{"parentId": doLuong, "validOn": "2026-01-01"}); n != 0 {
			t.Errorf("Đô Lương still has communes in 2026: %v", codes(after))
		}
		merged, _ := list(t, map[string]any{"parentId": province, "levels": []string{"COMMUNE"}, "validOn": "2026-01-01"})
		want = a.strings(t, `SELECT u.code FROM administrative_units u JOIN administrative_units p ON p.id = u.parent_id
			WHERE p.code = '40' AND u.level_code = 'COMMUNE' AND u.valid_from <= '2026-01-01' AND u.valid_to IS NULL ORDER BY u.code`)
		if got := codes(merged); !slices.Equal(got, want) || len(want) != 6 {
			t.Errorf("the province's communes in 2026: %v, want the 6 of %v", got, want)
		}
		if old, _ := list(t, map[string]any{"parentId": province, "levels": []string{"COMMUNE"}, "validOn": "2024-01-01"}); len(old) != 0 {
			t.Errorf("merged communes listed in 2024: %v", codes(old))
		}
		// On the last day of the district level both are gone or not yet.
		if districts, _ := list(t, map[string]any{"levels": []string{"DISTRICT"}, "validOn": "2025-06-30"}); len(districts) != 2 {
			t.Errorf("districts on 2025-06-30: %v", codes(districts))
		}
		if districts, _ := list(t, map[string]any{"levels": []string{"DISTRICT"}, "validOn": "2025-07-01"}); len(districts) != 0 {
			t.Errorf("districts on 2025-07-01: %v", codes(districts))
		}
	})

	t.Run("successors, parents and children", func(t *testing.T) {
		for _, u := range all {
			var successor, parent string
			if err := a.sql.QueryRow(`SELECT coalesce(s.code, ''), coalesce(p.code, '') FROM administrative_units u
				LEFT JOIN administrative_units s ON s.id = u.successor_id LEFT JOIN administrative_units p ON p.id = u.parent_id
				WHERE u.code = $1`, u.Code).Scan(&successor, &parent); err != nil {
				t.Fatal(err)
			}
			if got := ""; u.Successor != nil {
				got = u.Successor.Code
				if got != successor {
					t.Errorf("%s: successor %s, want %s", u.Code, got, successor)
				}
			} else if successor != "" {
				t.Errorf("%s: no successor, want %s", u.Code, successor)
			}
			if u.Parent == nil && parent != "" || u.Parent != nil && u.Parent.Code != parent {
				t.Errorf("%s: parent %v, want %s", u.Code, u.Parent, parent)
			}
			var children []string
			for _, c := range u.Children {
				children = append(children, c.Code)
			}
			slices.Sort(children)
			if want := a.strings(t, `SELECT u.code FROM administrative_units u JOIN administrative_units p ON p.id = u.parent_id
				WHERE p.code = $1 ORDER BY u.code`, u.Code); !slices.Equal(children, want) {
				t.Errorf("%s: children %v, want %v", u.Code, children, want)
			}
		}
		yenSon := byCode["40-DL-02"]
		if yenSon.Successor == nil || yenSon.Successor.Name != "Xã Đô Lương" || yenSon.ValidTo == nil || *yenSon.ValidTo != "2025-06-30" ||
			yenSon.Parent == nil || yenSon.Parent.Code != "40-DL" {
			t.Errorf("Xã Yên Sơn: %+v", yenSon)
		}
		if merged := byCode["40-X-DL"]; merged.Successor != nil || merged.ValidTo != nil || merged.ValidFrom != "2025-07-01" || merged.Level.Code != "COMMUNE" {
			t.Errorf("Xã Đô Lương: %+v", merged)
		}
	})

	t.Run("search and level", func(t *testing.T) {
		got, _ := list(t, map[string]any{"search": "do luong"})
		want := a.strings(t, `SELECT code FROM administrative_units WHERE name_key LIKE '%do luong%' ORDER BY code`)
		if !slices.Equal(codes(got), want) || len(want) != 3 {
			t.Errorf("units named Đô Lương: %v, want %v", codes(got), want)
		}
		communes, _ := list(t, map[string]any{"levels": []string{"COMMUNE"}})
		if len(communes) != a.count(t, `SELECT count(*) FROM administrative_units WHERE level_code = 'COMMUNE'`) {
			t.Errorf("%d communes", len(communes))
		}
	})

	t.Run("a unit's local catalog", func(t *testing.T) {
		var r struct {
			Node struct {
				Procedures struct {
					TotalCount int
					Nodes      []struct{ Code string }
				}
			}
		}
		a.query(t, `query($id: ID!) { node(id: $id) { ... on AdministrativeUnit { procedures(first: 100) { totalCount nodes { code } } } } }`,
			map[string]any{"id": doLuong}, &r)
		// The seed article: Đô Lương district handles 237 district-level
		// procedures (stood in for by province-level ones in the demo).
		if n := r.Node.Procedures.TotalCount; n != 237 || len(r.Node.Procedures.Nodes) != 100 {
			t.Errorf("Đô Lương's local catalog: totalCount %d, %d nodes; want 237 and 100", n, len(r.Node.Procedures.Nodes))
		}
	})
}

// TestCatalogStats compares every grouping with SQL.
func TestCatalogStats(t *testing.T) {
	a := newCatalogAPI(t)
	// Map the global IDs of groups to names or codes.
	var refs struct {
		Sectors             []struct{ ID, Name string }
		AdministrativeUnits struct{ Nodes []struct{ ID, Code string } }
	}
	a.query(t, `{ sectors { id name } administrativeUnits(first: 100) { nodes { id code } } }`, nil, &refs)
	names := map[string]string{}
	for _, s := range refs.Sectors {
		names[s.ID] = s.Name
	}
	for _, u := range refs.AdministrativeUnits.Nodes {
		names[u.ID] = u.Code
	}

	cases := []struct {
		groupBy string
		filter  map[string]any
		sql     string // yields "key count" rows
		byLabel bool   // compare by label (agency names are unique)
	}{
		{"LEVEL", nil, `SELECT level_code || ' ' || count(DISTINCT procedure_id) FROM procedure_levels GROUP BY level_code`, false},
		{"SECTOR", nil, `SELECT coalesce(s.name, '') || ' ' || count(*) FROM procedures p LEFT JOIN sectors s ON s.id = p.sector_id GROUP BY s.name`, false},
		{"AGENCY", nil, `SELECT a.name || ' ' || count(DISTINCT pa.procedure_id) FROM procedure_agencies pa JOIN agencies a ON a.id = pa.agency_id GROUP BY a.name`, true},
		{"UNIT", nil, `SELECT u.code || ' ' || count(*) FROM unit_procedures up JOIN administrative_units u ON u.id = up.unit_id GROUP BY u.code`, false},
		{"SECTOR", map[string]any{"levels": []string{"COMMUNE"}}, `SELECT coalesce(s.name, '') || ' ' || count(*) FROM procedures p LEFT JOIN sectors s ON s.id = p.sector_id
			WHERE EXISTS (SELECT 1 FROM procedure_levels pl WHERE pl.procedure_id = p.id AND pl.level_code = 'COMMUNE') GROUP BY s.name`, false},
		{"LEVEL", map[string]any{"search": "dang ky"}, `SELECT pl.level_code || ' ' || count(*) FROM procedure_levels pl JOIN procedures p ON p.id = pl.procedure_id
			WHERE ` + wordsMatch("dang", "ky") + ` GROUP BY pl.level_code`, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %v", c.groupBy, c.filter), func(t *testing.T) {
			var r struct {
				CatalogStats []struct {
					Key   *string
					Label string
					Count int
				}
			}
			a.query(t, `query($f: ProcedureFilter, $by: CatalogDimension!) { catalogStats(filter: $f, groupBy: $by) { key label count } }`,
				map[string]any{"f": c.filter, "by": c.groupBy}, &r)
			var got []string
			for i, b := range r.CatalogStats {
				key := b.Label
				if !c.byLabel && b.Key != nil {
					key = *b.Key
					if n, ok := names[key]; ok {
						key = n
					}
				}
				got = append(got, key+" "+strconv.Itoa(b.Count))
				if i > 0 && b.Count > r.CatalogStats[i-1].Count {
					t.Errorf("bucket %d (%d) after a smaller one (%d)", i, b.Count, r.CatalogStats[i-1].Count)
				}
			}
			want := a.strings(t, c.sql)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || len(want) == 0 {
				t.Errorf("buckets\n%q\nwant\n%q", got, want)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
