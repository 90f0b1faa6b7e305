// Package generate fills an empty database with a synthetic national data
// set (`tthc generate`, the benchmark and the tests at national scale). It
// is a tool, not the server's storage: it writes through its own
// connection, with statements built for bulk loading.
package generate

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	_ "github.com/lib/pq" // registers the "postgres" driver
)

// Scale sizes a generated data set.
type Scale struct {
	Name                string
	HistoricalProvinces int // the 63 provinces before the 2025 merger
	Provinces           int // the 34 of today
	Districts           int // historical, under the 63
	Communes            int // today's, under the 34
	Procedures          int
	CommuneProcedures   int // local catalog size of each commune
	Proposals           int
	DossierProcedures   int // procedures per commune with monthly dossier figures
	DossierMonths       int
}

// Scales are the sizes `tthc generate --scale` knows. "national" is
// today's Vietnam: 34 provinces and 3,321 communes, the historical 63
// provinces and ~700 districts, ~6,400 procedures, a million unit-procedure
// rows, 200,000 proposals with their events and five years of monthly
// dossier figures. "small" has the same shape for quick runs.
var Scales = map[string]Scale{
	"national": {Name: "national", HistoricalProvinces: 63, Provinces: 34, Districts: 705, Communes: 3321,
		Procedures: 6400, CommuneProcedures: 300, Proposals: 200000, DossierProcedures: 20, DossierMonths: 60},
	"small": {Name: "small", HistoricalProvinces: 63, Provinces: 34, Districts: 120, Communes: 400,
		Procedures: 1200, CommuneProcedures: 100, Proposals: 20000, DossierProcedures: 5, DossierMonths: 24},
}

// Fill fills the empty, migrated database at url (a postgres:// URL) with
// a synthetic but realistic national picture, writing the time of each
// step to progress when it is not nil. The same seed gives the same data:
// every random choice is a hash of the seed and the row number, never
// random().
func Fill(ctx context.Context, url string, s Scale, seed int64, progress io.Writer) error {
	db, err := sql.Open("postgres", url)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	defer db.Close()
	var units int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM administrative_units`).Scan(&units); err != nil {
		return fmt.Errorf("generate: count administrative units: %w", err)
	}
	if units > 0 {
		return fmt.Errorf("generate needs an empty database; this one has %d administrative units", units)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("generate: begin: %w", err)
	}
	defer tx.Rollback()
	// The planner costs are the server's (internal/postgres): with the
	// default random_page_cost of 4 the proposals step takes twice as long.
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0; SET LOCAL synchronous_commit = off;
		SET LOCAL random_page_cost = 1.1`); err != nil {
		return fmt.Errorf("generate: settings: %w", err)
	}
	// rnd(i, salt) is a uniform number in [0, 1) fixed by seed, i and salt.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE FUNCTION pg_temp.rnd(i bigint, salt int) RETURNS float8
		LANGUAGE sql IMMUTABLE AS $$ SELECT (hashint8extended(i, %d::bigint * 1000 + salt) & 2147483647)::float8 / 2147483648.0 $$`, seed)); err != nil {
		return fmt.Errorf("generate: create rnd: %w", err)
	}
	var all []step
	for _, st := range steps(s) {
		if table, ok := bulkTables[st.name]; ok {
			all = append(all, bulk(table, st)...)
		} else {
			all = append(all, st)
		}
	}
	for _, step := range all {
		start := time.Now()
		if _, err := tx.ExecContext(ctx, step.sql); err != nil {
			return fmt.Errorf("generate: %s: %w", step.name, err)
		}
		if progress != nil {
			fmt.Fprintf(progress, "generate: %-34s %s\n", step.name, time.Since(start).Round(time.Millisecond))
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("generate: commit: %w", err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("generate: analyze: %w", err)
	}
	return nil
}

type step struct{ name, sql string }

// bulkTables names the table that a step fills with millions of rows.
// proposal_events is not one: the reform progress trigger reads it by
// proposal while proposals are inserted.
var bulkTables = map[string]string{
	"local catalog":   "unit_procedures",
	"proposals":       "proposals",
	"dossier figures": "dossier_stats",
}

// bulk wraps the step that fills table with millions of rows: the table
// loses its secondary indexes for the load and gets them back, as the
// migrations define them, right after it, since building an index once
// is several times faster than updating it row by row. Indexes behind
// constraints stay: the rollup triggers' upserts need them.
func bulk(table string, st step) []step {
	drop := fmt.Sprintf(`
		SET LOCAL maintenance_work_mem = '256MB';
		CREATE TEMP TABLE bulk_indexes ON COMMIT DROP AS
			SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
			WHERE i.indrelid = '%s'::regclass
				AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
		DO $$ DECLARE r record; BEGIN
			FOR r IN SELECT name FROM bulk_indexes LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
		END $$`, table)
	rebuild := `
		DO $$ DECLARE r record; BEGIN
			FOR r IN SELECT def FROM bulk_indexes LOOP EXECUTE r.def; END LOOP;
		END $$;
		DROP TABLE bulk_indexes`
	return []step{{st.name + ": drop indexes", drop}, st, {st.name + ": build indexes", rebuild}}
}

// steps returns the statements that build a data set of scale s. Sizes
// are numbers from Scale, formatted in; nothing comes from users.
func steps(s Scale) []step {
	f := func(format string, args ...any) string { return fmt.Sprintf(format, args...) }
	return []step{
		{"central units", `
			INSERT INTO administrative_units (code, name, level_code, valid_from, is_central_reviewer)
			VALUES ('VPCP', 'Văn phòng Chính phủ', 'OTHER', '1945-09-02', true);
			INSERT INTO administrative_units (code, name, level_code, valid_from)
			SELECT format('BO-%s', lpad(i::text, 2, '0')), 'Bộ ' || m, 'MINISTRY', '1945-09-02'
			FROM unnest(ARRAY['Công an', 'Tư pháp', 'Tài chính', 'Xây dựng', 'Nông nghiệp và Môi trường',
				'Công Thương', 'Y tế', 'Giáo dục và Đào tạo', 'Nội vụ', 'Khoa học và Công nghệ',
				'Văn hóa, Thể thao và Du lịch', 'Ngoại giao', 'Quốc phòng', 'Dân tộc và Tôn giáo']) WITH ORDINALITY AS x(m, i)`},
		{"provinces", f(`
			INSERT INTO administrative_units (code, name, level_code, valid_from)
			SELECT format('T34-%%s', lpad(i::text, 2, '0')), format('Tỉnh %%s %%s', w1, i), 'PROVINCE', '2025-07-01'
			FROM generate_series(1, %d) i,
				LATERAL (SELECT (ARRAY['An', 'Bình', 'Hòa', 'Phú', 'Tân', 'Long', 'Hưng', 'Đông', 'Tây', 'Nam',
					'Bắc', 'Sơn', 'Thủy', 'Lộc', 'Phước', 'Mỹ', 'Thuận', 'Hải', 'Đức', 'Quảng'])[1 + (i %% 20)] AS w1) w;
			INSERT INTO administrative_units (code, name, level_code, valid_from, valid_to, successor_id)
			SELECT format('T63-%%s', lpad(i::text, 2, '0')), format('Tỉnh cũ %%s', i), 'PROVINCE', '1991-08-12', '2025-06-30',
				(SELECT id FROM administrative_units WHERE code = format('T34-%%s', lpad((1 + (i - 1) %% %d)::text, 2, '0')))
			FROM generate_series(1, %d) i`, s.Provinces, s.Provinces, s.HistoricalProvinces)},
		{"districts", f(`
			INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from, valid_to)
			SELECT format('H-%%s', lpad(i::text, 3, '0')), format('Huyện %%s', i), 'DISTRICT',
				(SELECT id FROM administrative_units WHERE code = format('T63-%%s', lpad((1 + (i - 1) %% %d)::text, 2, '0'))),
				'1991-08-12', '2025-06-30'
			FROM generate_series(1, %d) i`, s.HistoricalProvinces, s.Districts)},
		{"communes", f(`
			INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from)
			SELECT format('X-%%s', lpad(i::text, 5, '0')),
				format('Xã %%s %%s', (ARRAY['An', 'Bình', 'Hòa', 'Phú', 'Tân', 'Long', 'Hưng', 'Đông', 'Tây', 'Nam',
					'Bắc', 'Sơn', 'Thủy', 'Lộc', 'Phước', 'Mỹ', 'Thuận', 'Hải', 'Đức', 'Quảng'])[1 + (i * 7 %% 20)],
					(ARRAY['Thành', 'Lợi', 'Thịnh', 'Khánh', 'Xuân', 'Yên', 'Hội', 'Trung', 'Lạc', 'Ninh'])[1 + (i %% 10)] || ' ' || i),
				'COMMUNE',
				(SELECT id FROM administrative_units WHERE code = format('T34-%%s', lpad((1 + (i - 1) %% %d)::text, 2, '0'))),
				'2025-07-01'
			FROM generate_series(1, %d) i`, s.Provinces, s.Communes)},
		{"sectors", `
			INSERT INTO sectors (name, ministry_unit_id)
			SELECT format('%s %s', w, i), (SELECT id FROM administrative_units WHERE code = format('BO-%s', lpad((1 + i % 14)::text, 2, '0')))
			FROM generate_series(1, 90) i,
				LATERAL (SELECT (ARRAY['Hộ tịch', 'Đất đai', 'Xây dựng', 'Đầu tư', 'Doanh nghiệp', 'Giao thông', 'Y tế',
					'Giáo dục', 'Thuế', 'Hải quan', 'Môi trường', 'Lao động', 'Bảo trợ xã hội', 'Văn hóa', 'Nông nghiệp'])[1 + i % 15] AS w) x`},
		{"procedures", f(`
			INSERT INTO procedures (code, name, sector_id, procedure_type, decision_number, audiences, online_available, source_hash)
			SELECT format('9.%%s', lpad(i::text, 6, '0')),
				format('%%s %%s %%s', (ARRAY['Cấp', 'Cấp lại', 'Đăng ký', 'Gia hạn', 'Điều chỉnh', 'Thu hồi', 'Xác nhận',
					'Công nhận', 'Thẩm định', 'Phê duyệt'])[1 + (i %% 10)],
					(ARRAY['giấy phép xây dựng', 'giấy chứng nhận đăng ký kinh doanh', 'khai sinh', 'kết hôn',
					'quyền sử dụng đất', 'giấy phép lái xe', 'chứng chỉ hành nghề', 'giấy phép môi trường',
					'thường trú', 'hộ kinh doanh', 'nhận cha, mẹ, con', 'giấy phép hoạt động'])[1 + (i / 10 %% 12)],
					format('(mẫu %%s)', i)),
				(SELECT min(id) FROM sectors) + (i %% 90),
				'TTHC được giao luật quy định chi tiết', format('%%s/QĐ-BO', 100 + i %% 900),
				ARRAY['Công dân Việt Nam'], pg_temp.rnd(i, 1) < 0.6, 'generated'
			FROM generate_series(1, %d) i`, s.Procedures)},
		{"procedure levels", `
			INSERT INTO procedure_levels (procedure_id, level_code)
			SELECT p.id, CASE WHEN r < 0.3 THEN 'MINISTRY' WHEN r < 0.65 THEN 'PROVINCE' ELSE 'COMMUNE' END
			FROM procedures p, LATERAL (SELECT pg_temp.rnd(p.id, 2) AS r) x
			UNION
			SELECT p.id, 'PROVINCE' FROM procedures p WHERE pg_temp.rnd(p.id, 3) < 0.2`},
		{"procedure channels", `
			INSERT INTO procedure_channels (procedure_id, position, kind, time_value, time_unit, fee_text, fee_amount, fee_currency)
			SELECT p.id, c.pos, c.kind, 1 + floor(pg_temp.rnd(p.id, 4) * 30), 'WORKING_DAY',
				CASE WHEN pg_temp.rnd(p.id, 5) < 0.5 THEN 'Miễn phí' ELSE '50.000 đồng' END,
				CASE WHEN pg_temp.rnd(p.id, 5) < 0.5 THEN 0 ELSE 50000 END, 'VND'
			FROM procedures p
			JOIN (VALUES (1, 'IN_PERSON'), (2, 'ONLINE'), (3, 'POST')) AS c(pos, kind)
				ON c.kind = 'IN_PERSON' OR (c.kind = 'ONLINE' AND p.online_available) OR (c.kind = 'POST' AND pg_temp.rnd(p.id, 6) < 0.4)`},
		{"local catalog", f(`
			WITH cp AS (SELECT array_agg(procedure_id ORDER BY procedure_id) AS ids FROM procedure_levels WHERE level_code = 'COMMUNE'),
			     communes AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM administrative_units WHERE level_code = 'COMMUNE')
			INSERT INTO unit_procedures (unit_id, procedure_id)
			SELECT DISTINCT c.id, cp.ids[1 + ((c.n * 37 + k) %% cardinality(cp.ids))]
			FROM communes c, cp, generate_series(0, %d - 1) k`, s.CommuneProcedures)},
		{"proposals", f(`
			WITH communes AS (SELECT array_agg(id ORDER BY id) AS ids FROM administrative_units WHERE level_code = 'COMMUNE'),
			     provinces AS (SELECT array_agg(id ORDER BY id) AS ids FROM administrative_units WHERE level_code = 'PROVINCE' AND valid_to IS NULL),
			     ministries AS (SELECT array_agg(id ORDER BY id) AS ids FROM administrative_units WHERE level_code = 'MINISTRY'),
			     procs AS (SELECT array_agg(id ORDER BY id) AS ids FROM procedures),
			     central AS (SELECT id FROM administrative_units WHERE is_central_reviewer),
			     draw AS (
				SELECT i,
					CASE WHEN pg_temp.rnd(i, 10) < 0.7 THEN 'COMMUNE' WHEN pg_temp.rnd(i, 10) < 0.95 THEN 'PROVINCE' ELSE 'MINISTRY' END AS who,
					pg_temp.rnd(i, 11) AS r_unit, pg_temp.rnd(i, 12) AS r_status, pg_temp.rnd(i, 13) < 0.4 AS central_change,
					timestamptz '2021-11-01' + (pg_temp.rnd(i, 14) * 1800) * interval '1 day' AS created
				FROM generate_series(1, %d) i)
			INSERT INTO proposals (procedure_id, proposing_unit_id, reviewing_unit_id, status, kinds, title, changes, reasons,
				needs_central_legal_change, implemented_by_number,
				before_processing_days, before_fee, before_documents, before_hours, before_hourly_rate, before_times_per_year, before_applicants_per_year,
				after_processing_days, after_fee, after_documents, after_hours, after_hourly_rate, after_times_per_year, after_applicants_per_year,
				created_by_subject, created_at, updated_at, submitted_at, decided_at)
			SELECT proc_id, unit_id,
				CASE WHEN status = 'DRAFT' THEN NULL
					WHEN who = 'COMMUNE' THEN (SELECT parent_id FROM administrative_units WHERE id = unit_id)
					WHEN who = 'PROVINCE' AND NOT central_change THEN unit_id
					WHEN who = 'PROVINCE' THEN coalesce((SELECT s.ministry_unit_id FROM procedures p JOIN sectors s ON s.id = p.sector_id WHERE p.id = proc_id), (SELECT id FROM central))
					ELSE (SELECT id FROM central) END,
				status,
				CASE WHEN pg_temp.rnd(i, 15) < 0.5 THEN ARRAY[k1] ELSE ARRAY[k1, k2] END,
				format('Đơn giản hóa thủ tục số %%s', i), 'Cắt giảm thành phần hồ sơ và thời gian giải quyết', 'Giảm chi phí tuân thủ',
				central_change AND who = 'PROVINCE', CASE WHEN status = 'IMPLEMENTED' THEN format('%%s/2025/NĐ-CP', 1 + i %% 300) END,
				days_before, fee_before, docs_before, hours_before, rate, 1, applicants,
				round((days_before * (0.4 + 0.6 * pg_temp.rnd(i, 20)))::numeric), round(fee_before * pg_temp.rnd(i, 21)::numeric, -3), greatest(docs_before - floor(pg_temp.rnd(i, 22) * 3)::int, 0),
				round(hours_before * (0.3 + 0.7 * pg_temp.rnd(i, 23))::numeric, 1), rate, 1, applicants,
				'generator', created, created,
				CASE WHEN status <> 'DRAFT' THEN created + interval '3 days' END,
				CASE WHEN status IN ('APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED') THEN created + interval '40 days' END
			FROM draw, communes, provinces, ministries, procs,
				LATERAL (SELECT
					CASE who WHEN 'COMMUNE' THEN communes.ids[1 + floor(r_unit * cardinality(communes.ids))::int]
						WHEN 'PROVINCE' THEN provinces.ids[1 + floor(r_unit * cardinality(provinces.ids))::int]
						ELSE ministries.ids[1 + floor(r_unit * cardinality(ministries.ids))::int] END AS unit_id,
					procs.ids[1 + floor(pg_temp.rnd(i, 16) * cardinality(procs.ids))::int] AS proc_id,
					CASE WHEN r_status < 0.10 THEN 'DRAFT' WHEN r_status < 0.20 THEN 'SUBMITTED' WHEN r_status < 0.35 THEN 'UNDER_REVIEW'
						WHEN r_status < 0.55 THEN 'APPROVED' WHEN r_status < 0.63 THEN 'REJECTED' WHEN r_status < 0.70 THEN 'RETURNED'
						WHEN r_status < 0.95 THEN 'IMPLEMENTED' ELSE 'WITHDRAWN' END AS status,
					(ARRAY['ABOLISH', 'MERGE', 'REDUCE_DOCUMENTS', 'REUSE_DATA', 'CUT_TIME', 'CUT_FEE', 'FULL_ONLINE', 'CHANGE_LEVEL', 'AMEND_LEGAL_BASIS', 'OTHER'])[1 + floor(pg_temp.rnd(i, 17) * 10)::int] AS k1,
					(ARRAY['REDUCE_DOCUMENTS', 'REUSE_DATA', 'CUT_TIME', 'FULL_ONLINE'])[1 + floor(pg_temp.rnd(i, 18) * 4)::int] AS k2,
					5 + floor(pg_temp.rnd(i, 19) * 25) AS days_before,
					(floor(pg_temp.rnd(i, 24) * 5) * 50000)::numeric AS fee_before,
					3 + floor(pg_temp.rnd(i, 25) * 8)::int AS docs_before,
					round((2 + pg_temp.rnd(i, 26) * 18)::numeric, 1) AS hours_before,
					(25000 + floor(pg_temp.rnd(i, 27) * 16) * 1000)::numeric AS rate,
					(100 + floor(pg_temp.rnd(i, 28) * pg_temp.rnd(i, 29) * 50000))::bigint AS applicants
				) x`, s.Proposals)},
		{"proposal events", `
			INSERT INTO proposal_events (proposal_id, actor_subject, actor_unit_id, at, from_status, to_status, comment, implemented_by_number)
			SELECT p.id, 'generator',
				CASE WHEN e.by_reviewer THEN p.reviewing_unit_id ELSE p.proposing_unit_id END,
				p.created_at + e.day * interval '1 day', e.from_status, e.to_status, '',
				CASE WHEN e.to_status = 'IMPLEMENTED' THEN p.implemented_by_number END
			FROM proposals p
			JOIN (VALUES
				(0, NULL, 'DRAFT', false, ARRAY['DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED', 'WITHDRAWN']),
				(3, 'DRAFT', 'SUBMITTED', false, ARRAY['SUBMITTED', 'UNDER_REVIEW', 'APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED', 'WITHDRAWN']),
				(10, 'SUBMITTED', 'UNDER_REVIEW', true, ARRAY['UNDER_REVIEW', 'APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED']),
				(40, 'UNDER_REVIEW', 'APPROVED', true, ARRAY['APPROVED', 'IMPLEMENTED']),
				(40, 'UNDER_REVIEW', 'REJECTED', true, ARRAY['REJECTED']),
				(40, 'UNDER_REVIEW', 'RETURNED', true, ARRAY['RETURNED']),
				(120, 'APPROVED', 'IMPLEMENTED', false, ARRAY['IMPLEMENTED']),
				(5, 'SUBMITTED', 'WITHDRAWN', false, ARRAY['WITHDRAWN'])
			) AS e(day, from_status, to_status, by_reviewer, statuses) ON p.status = ANY(e.statuses)
			ORDER BY p.id, e.day`},
		{"dossier figures", f(`
			WITH months AS (SELECT (date '2026-10-01' - (m * interval '1 month'))::date AS period, m FROM generate_series(0, %d - 1) m),
			     desks AS (
				SELECT up.unit_id, up.procedure_id, row_number() OVER (PARTITION BY up.unit_id ORDER BY up.procedure_id) AS k
				FROM unit_procedures up)
			INSERT INTO dossier_stats (unit_id, procedure_id, period, received, received_online, resolved_on_time, resolved_late, pending)
			SELECT unit_id, procedure_id, period, received, floor(received * online)::int,
				resolved - late, late, received - resolved
			FROM desks, months,
				LATERAL (SELECT floor(pg_temp.rnd(unit_id * 100000 + procedure_id * 100 + m, 30) * 60)::int AS received,
					0.1 + 0.5 * pg_temp.rnd(unit_id + m, 31) AS online) a,
				LATERAL (SELECT greatest(received - floor(pg_temp.rnd(unit_id * 7 + procedure_id + m, 32) * 4)::int, 0) AS resolved) b,
				LATERAL (SELECT floor(resolved * 0.15 * pg_temp.rnd(unit_id * 13 + procedure_id + m, 33))::int AS late) c
			WHERE desks.k <= %d`, s.DossierMonths, s.DossierProcedures)},
	}
}
