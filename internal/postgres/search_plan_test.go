package postgres_test

import (
	"context"
	"strings"
	"testing"

	"tthc/internal/catalog"
	"tthc/internal/page"
	"tthc/internal/testdb"
)

// TestSearchUsesIndexesAtAMillionRows checks that a catalog search plans
// index scans, not a sequential scan of procedures, on a million rows.
func TestSearchUsesIndexesAtAMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a million procedures")
	}
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t, testdb.New(t))
	// Building indexes after the load is several times faster than
	// updating them row by row; the definitions are the migrations' own.
	err := db.Exec(ctx, `
		CREATE TEMP TABLE saved_indexes AS
			SELECT indexname, indexdef FROM pg_indexes
			WHERE tablename = 'procedures' AND indexname NOT LIKE '%pkey' AND indexname NOT LIKE '%key';
		DO $$ DECLARE r record; BEGIN
			FOR r IN SELECT indexname FROM saved_indexes LOOP EXECUTE 'DROP INDEX ' || r.indexname; END LOOP;
		END $$`)
	if err != nil {
		t.Fatal(err)
	}
	// Computing the search columns of a million names takes about a
	// minute on two cores, longer than the default statement timeout.
	err = db.Exec(ctx, `
		SET statement_timeout = 0;
		INSERT INTO procedures (code, name)
		SELECT format('8.%s', lpad(i::text, 7, '0')),
			format('%s %s số %s',
				(ARRAY['Cấp', 'Cấp lại', 'Đăng ký', 'Gia hạn', 'Điều chỉnh', 'Thu hồi', 'Xác nhận', 'Công nhận'])[1 + i % 8],
				(ARRAY['giấy phép xây dựng', 'khai sinh', 'kết hôn', 'quyền sử dụng đất', 'giấy phép lái xe',
					'chứng chỉ hành nghề', 'giấy phép môi trường', 'thường trú', 'hộ kinh doanh', 'nhận cha, mẹ, con',
					'giấy phép hoạt động', 'tạm trú', 'lý lịch tư pháp'])[1 + i / 8 % 13],
				i)
		FROM generate_series(1, 1000000) i`)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Exec(ctx, `SET statement_timeout = 0; DO $$ DECLARE r record; BEGIN
			FOR r IN SELECT indexdef FROM saved_indexes LOOP EXECUTE r.indexdef; END LOOP;
		END $$`)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(ctx, `ANALYZE procedures`); err != nil {
		t.Fatal(err)
	}
	first := 20
	for _, search := range []string{"dang ky nhan cha me con", "Cấp giấy phép xây dựng", "cap giay ph", "8.00001", "khai sinh 4242"} {
		for _, order := range []catalog.ProcedureOrderField{catalog.OrderRelevance, catalog.OrderName} {
			plan, err := db.ExplainListProcedures(ctx, catalog.ProcedureFilter{Search: search},
				catalog.ProcedureOrder{Field: order}, page.Args{First: &first})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(plan, `"Seq Scan"`) {
				t.Errorf("search %q ordered by %s plans a sequential scan:\n%s", search, order, plan)
			}
		}
	}
}
