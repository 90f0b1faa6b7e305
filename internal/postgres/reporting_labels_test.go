package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"tthc/internal/catalog"
	"tthc/internal/postgres"
	"tthc/internal/report"
)

// unitLabels returns the labels of the dossierStats buckets by UNIT, by
// unit code.
func unitLabels(t *testing.T, db *postgres.DB, codes map[int64]string) map[string]string {
	t.Helper()
	buckets, err := db.DossierStats(context.Background(), report.DossierFilter{}, []report.Dimension{report.ByUnit}, report.DossierOrder{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	seen := map[string]bool{}
	for _, b := range buckets {
		k := b.Group[0]
		if seen[k.Label] {
			t.Errorf("two buckets labelled %q", k.Label)
		}
		seen[k.Label] = true
		out[codes[*k.ID]] = k.Label
	}
	return out
}

// TestUnitLabelsTellNamesakesApart checks that two units sharing a name
// never share a label: the demo's Xã Tân Phú of Huyện Tân Kỳ merged into
// a new Xã Tân Phú under the province, and the labels follow the units
// through inserts, renames, moves and deletes.
func TestUnitLabelsTellNamesakesApart(t *testing.T) {
	db, raw := demoDB(t)
	ctx := context.Background()
	check := func(when string, want map[string]string) {
		t.Helper()
		codes := map[int64]string{}
		rows, err := raw.Query(`SELECT id, code FROM administrative_units`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				t.Fatal(err)
			}
			codes[id] = code
		}
		rows.Close()
		got := unitLabels(t, db, codes)
		for code, label := range want {
			if got[code] != label {
				t.Errorf("%s: %s is labelled %q, want %q", when, code, got[code], label)
			}
		}
	}
	check("demo units", map[string]string{
		"40-TK-04": "Xã Tân Phú (Huyện Tân Kỳ)",
		"40-X-TP":  "Xã Tân Phú (Tỉnh Nghệ An)",
		"40-TK-06": "Xã Nghĩa Đồng (Huyện Tân Kỳ)",
		"40-X-ND":  "Xã Nghĩa Đồng (Tỉnh Nghệ An)",
		"40-DL-01": "Thị trấn Đô Lương",
		"40-X-TK":  "Xã Tân Kỳ",
	})

	exec := func(query string) {
		t.Helper()
		if err := db.Exec(ctx, query); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	// A Huyện Tân Kỳ of another province, with its own Xã Tân Phú: the
	// district above no longer tells the communes apart, the province
	// does; the districts are told apart too.
	exec(`INSERT INTO administrative_units (code, name, level_code, valid_from) VALUES ('42', 'Tỉnh Hà Tĩnh', 'PROVINCE', '1991-08-12')`)
	exec(`INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from)
		SELECT '42-TK', 'Huyện Tân Kỳ', 'DISTRICT', id, '1991-08-12' FROM administrative_units WHERE code = '42'`)
	exec(`INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from)
		SELECT '42-TK-04', 'Xã Tân Phú', 'COMMUNE', id, '1991-08-12' FROM administrative_units WHERE code = '42-TK'`)
	exec(`INSERT INTO dossier_stats (unit_id, procedure_id, period, received, received_online, resolved_on_time, resolved_late, pending)
		SELECT u.id, (SELECT min(procedure_id) FROM dossier_stats), '2025-01-01', 1, 0, 1, 0, 0
		FROM administrative_units u WHERE u.code IN ('42-TK', '42-TK-04')`)
	check("a namesake in another province", map[string]string{
		"40-TK-04": "Xã Tân Phú (Huyện Tân Kỳ, Tỉnh Nghệ An)",
		"42-TK-04": "Xã Tân Phú (Huyện Tân Kỳ, Tỉnh Hà Tĩnh)",
		"40-X-TP":  "Xã Tân Phú (Tỉnh Nghệ An)",
		"42-TK":    "Huyện Tân Kỳ (Tỉnh Hà Tĩnh)",
		"40-TK-06": "Xã Nghĩa Đồng (Huyện Tân Kỳ)",
	})
	// Alike to the top: the code tells them apart.
	exec(`INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from)
		SELECT '42-TK-09', 'Xã Tân Phú', 'COMMUNE', id, '1991-08-12' FROM administrative_units WHERE code = '42-TK'`)
	exec(`INSERT INTO dossier_stats (unit_id, procedure_id, period, received, received_online, resolved_on_time, resolved_late, pending)
		SELECT u.id, (SELECT min(procedure_id) FROM dossier_stats), '2025-01-01', 1, 0, 1, 0, 0
		FROM administrative_units u WHERE u.code = '42-TK-09'`)
	check("two namesakes under one district", map[string]string{
		"42-TK-04": "Xã Tân Phú (Huyện Tân Kỳ, Tỉnh Hà Tĩnh, 42-TK-04)",
		"42-TK-09": "Xã Tân Phú (Huyện Tân Kỳ, Tỉnh Hà Tĩnh, 42-TK-09)",
		"40-TK-04": "Xã Tân Phú (Huyện Tân Kỳ, Tỉnh Nghệ An)",
	})
	// A rename, then a move, then a rename above.
	exec(`UPDATE administrative_units SET name = 'Xã Tân Phú Hạ' WHERE code = '42-TK-09'`)
	exec(`UPDATE administrative_units SET parent_id = (SELECT id FROM administrative_units WHERE code = '42') WHERE code = '42-TK-04'`)
	exec(`UPDATE administrative_units SET name = 'Huyện Tân Kỳ cũ' WHERE code = '40-TK'`)
	check("after a rename and a move", map[string]string{
		"42-TK-09": "Xã Tân Phú Hạ",
		"42-TK-04": "Xã Tân Phú (Tỉnh Hà Tĩnh)",
		"40-X-TP":  "Xã Tân Phú (Tỉnh Nghệ An)",
		"40-TK-04": "Xã Tân Phú (Huyện Tân Kỳ cũ)",
		"42-TK":    "Huyện Tân Kỳ",
	})
	exec(`DELETE FROM dossier_stats WHERE unit_id IN (SELECT id FROM administrative_units WHERE code LIKE '42%')`)
	exec(`DELETE FROM administrative_units WHERE code IN ('42-TK-04', '42-TK-09')`)
	exec(`UPDATE administrative_units SET name = 'Xã Tân Phú Mới' WHERE code = '40-X-TP'`)
	check("after a delete and a rename", map[string]string{
		"40-TK-04": "Xã Tân Phú",
		"40-X-TP":  "Xã Tân Phú Mới",
	})
	// A label written by hand (no trigger watches it) is rebuilt by
	// refresh-rollups.
	exec(`UPDATE administrative_units SET label = 'sai' WHERE code = '40-TK-04'`)
	if err := db.RefreshRollups(ctx); err != nil {
		t.Fatal(err)
	}
	check("after refresh-rollups", map[string]string{"40-TK-04": "Xã Tân Phú"})
}

// TestEveryBucketIsLabelled checks, for every report and dimension on
// the demo data, that each bucket has a label and that the buckets
// without a value come last with the label of internal/report; in
// legalDocumentStats they have a key of their own too.
func TestEveryBucketIsLabelled(t *testing.T) {
	db, raw := demoDB(t)
	ctx := context.Background()
	check := func(what string, groups [][]report.GroupKey) {
		t.Helper()
		if len(groups) == 0 {
			t.Errorf("%s: no buckets", what)
		}
		for i, g := range groups {
			for _, k := range g {
				if k.Label == "" {
					t.Errorf("%s: bucket %d has no label for %s (key %v, id %v)", what, i, k.Dimension, k.Key, k.ID)
				}
			}
		}
	}
	for _, dim := range []report.Dimension{report.ByUnit, report.ByProcedure, report.BySector, report.ByLevel,
		report.ByMonth, report.ByQuarter, report.ByYear} {
		buckets, err := db.DossierStats(ctx, report.DossierFilter{}, []report.Dimension{dim}, report.DossierOrder{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var groups [][]report.GroupKey
		for _, b := range buckets {
			groups = append(groups, b.Group)
		}
		check(fmt.Sprintf("dossierStats by %s", dim), groups)
	}
	for _, dim := range []catalog.Dimension{catalog.DimensionLevel, catalog.DimensionSector, catalog.DimensionAgency, catalog.DimensionUnit} {
		buckets, err := db.CatalogStats(ctx, catalog.ProcedureFilter{}, dim)
		if err != nil {
			t.Fatal(err)
		}
		var groups [][]report.GroupKey
		for _, b := range buckets {
			groups = append(groups, []report.GroupKey{{Dimension: report.Dimension(dim), Key: b.Key, ID: b.ID, Label: b.Label}})
		}
		check(fmt.Sprintf("catalogStats by %s", dim), groups)
	}

	// Proposals: drafts are neither submitted nor decided, and have no
	// reviewer yet.
	none := map[report.Dimension]report.None{
		report.ByReviewingUnit: report.NotSubmitted, report.BySubmittedMonth: report.NotSubmitted,
		report.BySubmittedYear: report.NotSubmitted, report.ByDecidedQuarter: report.NotDecided,
	}
	for _, dim := range []report.Dimension{report.ByStatus, report.ByKind, report.ByLevel, report.BySector, report.ByUnit,
		report.ByReviewingUnit, report.BySubmittedMonth, report.BySubmittedYear, report.ByDecidedQuarter} {
		for _, level := range []string{"", "DISTRICT"} {
			if level != "" && dim != report.ByUnit {
				continue
			}
			stats, err := db.ProposalStats(ctx, analyst, report.ProposalStatsQuery{By: []report.Dimension{dim}, UnitLevel: level, First: 100})
			if err != nil {
				t.Fatal(err)
			}
			var groups [][]report.GroupKey
			for _, b := range stats.Buckets {
				groups = append(groups, b.Group)
			}
			what := fmt.Sprintf("proposalStats by %s at %q", dim, level)
			check(what, groups)
			want, ok := none[dim]
			if level != "" {
				want, ok = report.NoUnitAtLevel, true // the province's own proposals
			}
			if !ok {
				continue
			}
			last := groups[len(groups)-1][0]
			if last.Key != nil || last.ID != nil || last.Label != want.Label {
				t.Errorf("%s: the last bucket is %v %v %q, want the bucket without a value, %q", what, last.Key, last.ID, last.Label, want.Label)
			}
		}
	}

	// Legal documents: the whole catalog, most of it never reviewed, of
	// unknown validity, some of unknown type. The importer reads every
	// issuer of the demo data, so one document whose issuer nobody could
	// read (of no known type either) stands for those of other sources.
	if _, err := raw.ExecContext(ctx, `INSERT INTO legal_documents (number, title) VALUES ('1/XX', 'Văn bản chưa rõ cơ quan ban hành')`); err != nil {
		t.Fatal(err)
	}
	total := scalar[int](t, raw, `SELECT count(*) FROM legal_documents`)
	for _, c := range []struct {
		dim  report.Dimension
		none report.None
		n    string // how many documents have no value
	}{
		{report.ByStatus, report.UnknownValidity, `SELECT count(*) FROM legal_documents WHERE validity IS NULL`},
		{report.ByReviewOutcome, report.NotReviewed, `SELECT count(*) FROM legal_documents WHERE review_outcome IS NULL AND reviewed_by_unit_id IS NULL`},
		{report.ByType, report.UnknownType, `SELECT count(*) FROM legal_documents WHERE doc_type IS NULL`},
		{report.ByIssuer, report.UnknownIssuer, `SELECT count(*) FROM legal_documents WHERE issuer = ''`},
		{report.ByUnit, report.NotReviewed, `SELECT count(*) FROM legal_documents WHERE reviewed_by_unit_id IS NULL`},
	} {
		buckets, err := db.LegalDocumentStats(ctx, catalog.LegalDocumentFilter{}, []report.Dimension{c.dim})
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("legalDocumentStats by %s", c.dim)
		var groups [][]report.GroupKey
		sum := 0
		for _, b := range buckets {
			groups = append(groups, b.Group)
			sum += b.Count
			if k := b.Group[0]; k.Key == nil && k.ID == nil {
				t.Errorf("%s: a bucket of %d documents has neither key nor id (label %q)", what, b.Count, k.Label)
			}
		}
		check(what, groups)
		if sum != total {
			t.Errorf("%s: %d documents in the buckets, want %d", what, sum, total)
		}
		want := scalar[int](t, raw, c.n)
		if want == 0 {
			t.Errorf("%s: no document without a value in the demo data: the test shows nothing", what)
			continue
		}
		last := buckets[len(buckets)-1]
		if k := last.Group[0]; k.Key == nil || *k.Key != c.none.Key || k.Label != c.none.Label || last.Count != want {
			t.Errorf("%s: the last bucket is %v %q with %d documents, want %s %q with %d", what, k.Key, k.Label, last.Count,
				c.none.Key, c.none.Label, want)
		}
	}
}
