package postgres_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"tthc/internal/catalog"
	"tthc/internal/testdb"
)

// TestAdminWritesEveryColumn writes each column the administrators'
// mutations set, reads it back, and checks that an empty patch changes
// nothing: the writes bind their parameters by name, and a misnamed one
// would write nothing or the wrong column.
func TestAdminWritesEveryColumn(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, testdb.New(t))
	day := func(s string) *time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	str := func(s string) *string { return &s }

	province, err := db.CreateUnit(ctx, catalog.Unit{Code: "T1", Name: "Tỉnh Một", Level: catalog.LevelProvince, ValidFrom: *day("2025-07-01")})
	if err != nil {
		t.Fatal(err)
	}
	district, err := db.CreateUnit(ctx, catalog.Unit{Code: "H1", Name: "Huyện Một", Level: catalog.LevelDistrict, ValidFrom: *day("1991-08-12")})
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.Unit{Code: "X1", Name: "Xã Một", Level: catalog.LevelCommune, ParentID: &district.ID,
		ValidFrom: *day("2001-01-01"), ValidTo: day("2025-06-30"), SuccessorID: &province.ID, IsCentralReviewer: true}
	u, err := db.CreateUnit(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	want.ID = u.ID
	checkEqual(t, "created unit", u, want)

	level, central := catalog.LevelOther, false
	want = catalog.Unit{ID: u.ID, Code: "X1", Name: "Xã Hai", Level: level, ParentID: &province.ID,
		ValidFrom: *day("2002-02-02"), ValidTo: day("2026-01-01"), SuccessorID: &district.ID}
	u, err = db.UpdateUnit(ctx, u.ID, catalog.UnitPatch{Name: &want.Name, Level: &level, ParentID: &province.ID,
		ValidFrom: &want.ValidFrom, ValidTo: want.ValidTo, SuccessorID: &district.ID, IsCentralReviewer: &central})
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "updated unit", u, want)
	if u, err = db.UpdateUnit(ctx, u.ID, catalog.UnitPatch{}); err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "unit after an empty patch", u, want)

	doc := catalog.LegalDocument{Number: "1/2020/QH14", Title: "Luật Một", Type: str("LAW"), Issuer: "Quốc hội",
		IssuedOn: day("2020-01-01"), EffectiveOn: day("2020-07-01"), ExpiresOn: day("2030-01-01"),
		Validity: str("IN_FORCE"), ReviewOutcome: str("KEEP")}
	l, err := db.CreateLegalDocument(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	doc.ID = l.ID
	checkEqual(t, "created legal document", l, doc)
	doc = catalog.LegalDocument{ID: l.ID, Number: "2/2021/NĐ-CP", Title: "Nghị định Hai", Type: str("DECREE"), Issuer: "Chính phủ",
		IssuedOn: day("2021-02-02"), EffectiveOn: day("2021-03-03"), ExpiresOn: day("2031-04-04"),
		Validity: str("EXPIRED"), ReviewOutcome: str("REPEAL")}
	l, err = db.UpdateLegalDocument(ctx, l.ID, catalog.LegalDocumentPatch{Number: &doc.Number, Title: &doc.Title, Type: doc.Type,
		Issuer: &doc.Issuer, IssuedOn: doc.IssuedOn, EffectiveOn: doc.EffectiveOn, ExpiresOn: doc.ExpiresOn,
		Validity: doc.Validity, ReviewOutcome: doc.ReviewOutcome})
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "updated legal document", l, doc)
	if l, err = db.UpdateLegalDocument(ctx, l.ID, catalog.LegalDocumentPatch{}); err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "legal document after an empty patch", l, doc)

	p, err := db.CreateProcedure(ctx, catalog.ProcedureDraft{Sector: "Hộ tịch", Levels: []catalog.LevelCode{catalog.LevelCommune},
		Procedure: catalog.Procedure{Code: "9.000001", Name: "Đăng ký khai sinh", Type: "TTHC", DecisionNumber: "1/QĐ",
			Audiences: []string{"Công dân"}, Steps: "Nộp hồ sơ", Requirements: "Không", Result: "Giấy khai sinh", ReceptionAddr: "UBND xã"}})
	if err != nil {
		t.Fatal(err)
	}
	status := catalog.StatusAbolished
	patch := catalog.ProcedurePatch{Name: str("Đăng ký khai tử"), Sector: str("Chứng thực"), Type: str("TTHC nội bộ"),
		DecisionNumber: str("2/QĐ"), Audiences: &[]string{"Tổ chức", "Công dân"}, Steps: str("Nộp trực tuyến"),
		Requirements: str("Có"), Result: str("Trích lục"), ReceptionAddr: str("UBND tỉnh"), Status: &status,
		Channels: &[]catalog.Channel{{Kind: catalog.ChannelOnline}}, Levels: &[]catalog.LevelCode{catalog.LevelProvince},
		Documents: &[]catalog.Document{{Name: "Tờ khai"}}, LegalBasis: &[]catalog.LegalRef{{Number: doc.Number}}}
	got, err := db.UpdateProcedure(ctx, p.ID, patch)
	if err != nil {
		t.Fatal(err)
	}
	updated := []any{got.Name, got.Sector.Name, got.Type, got.DecisionNumber, got.Audiences, got.Steps, got.Requirements,
		got.Result, got.ReceptionAddr, got.Status, got.OnlineAvailable}
	checkEqual(t, "updated procedure", updated, []any{*patch.Name, *patch.Sector, *patch.Type, *patch.DecisionNumber,
		*patch.Audiences, *patch.Steps, *patch.Requirements, *patch.Result, *patch.ReceptionAddr, status, true})
	if got, err = db.UpdateProcedure(ctx, p.ID, catalog.ProcedurePatch{}); err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "procedure after an empty patch", []any{got.Name, got.Sector.Name, got.Type, got.DecisionNumber,
		got.Audiences, got.Steps, got.Requirements, got.Result, got.ReceptionAddr, got.Status, got.OnlineAvailable}, updated)
	parts := func() []any {
		t.Helper()
		ids := []int64{p.ID}
		channels, err := db.ChannelsByProcedure(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		documents, err := db.DocumentsByProcedure(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		basis, err := db.LegalDocumentsByProcedure(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(channels[p.ID]) != 1 || len(documents[p.ID]) != 1 || len(basis[p.ID]) != 1 {
			t.Fatalf("parts: %v, %v, %v; want one of each", channels, documents, basis)
		}
		return []any{got.Levels, channels[p.ID][0].Kind, documents[p.ID][0].Name, basis[p.ID][0].Number}
	}
	checkEqual(t, "the lists of the procedure", parts(), []any{[]catalog.LevelCode{catalog.LevelProvince}, catalog.ChannelOnline, "Tờ khai", doc.Number})
	if got, err = db.UpdateProcedure(ctx, p.ID, catalog.ProcedurePatch{Sector: str("")}); err != nil {
		t.Fatal(err)
	}
	if got.Sector != nil {
		t.Errorf("an empty sector left the procedure in %v", got.Sector)
	}
}

// checkEqual compares values of the domain; times compare as instants.
func checkEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	norm := func(v any) any {
		switch x := v.(type) {
		case catalog.Unit:
			x.ValidFrom = x.ValidFrom.UTC()
			if x.ValidTo != nil {
				to := x.ValidTo.UTC()
				x.ValidTo = &to
			}
			return x
		case catalog.LegalDocument:
			for _, d := range []**time.Time{&x.IssuedOn, &x.EffectiveOn, &x.ExpiresOn} {
				if *d != nil {
					u := (**d).UTC()
					*d = &u
				}
			}
			return x
		}
		return v
	}
	if got, want := norm(got), norm(want); !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
