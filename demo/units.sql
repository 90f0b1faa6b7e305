-- Demo administrative units: Nghệ An province with the districts of
-- Đô Lương and Tân Kỳ (the seed article's), valid until the district level
-- ended on 2025-06-30, some of their communes before the 2025 merger, and
-- the communes they merged into, directly under the province since
-- 2025-07-01. Codes other than the province's are demo codes. The merger
-- mapping is simplified for the demo.
-- Idempotent: every insert skips rows that exist.

INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from, valid_to) VALUES
    ('40', 'Tỉnh Nghệ An', 'PROVINCE', NULL, '1991-08-12', NULL)
ON CONFLICT (code) DO NOTHING;

INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from, valid_to)
SELECT v.code, v.name, 'DISTRICT', p.id, '1963-04-19'::date, '2025-06-30'::date
FROM (VALUES ('40-DL', 'Huyện Đô Lương'), ('40-TK', 'Huyện Tân Kỳ')) AS v(code, name)
JOIN administrative_units p ON p.code = '40'
ON CONFLICT (code) DO NOTHING;

-- The communes since 2025-07-01, under the province.
INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from, valid_to)
SELECT v.code, v.name, 'COMMUNE', p.id, '2025-07-01'::date, NULL::date
FROM (VALUES
    ('40-X-DL', 'Xã Đô Lương'),
    ('40-X-BN', 'Xã Bạch Ngọc'),
    ('40-X-VH', 'Xã Văn Hiến'),
    ('40-X-TK', 'Xã Tân Kỳ'),
    ('40-X-TP', 'Xã Tân Phú'),
    ('40-X-ND', 'Xã Nghĩa Đồng')
) AS v(code, name)
JOIN administrative_units p ON p.code = '40'
ON CONFLICT (code) DO NOTHING;

-- The communes before the merger, under their districts, each pointing to
-- the commune it merged into.
INSERT INTO administrative_units (code, name, level_code, parent_id, valid_from, valid_to, successor_id)
SELECT v.code, v.name, 'COMMUNE', d.id, '1963-04-19'::date, '2025-06-30'::date, s.id
FROM (VALUES
    ('40-DL-01', 'Thị trấn Đô Lương', '40-DL', '40-X-DL'),
    ('40-DL-02', 'Xã Yên Sơn',        '40-DL', '40-X-DL'),
    ('40-DL-03', 'Xã Văn Sơn',        '40-DL', '40-X-DL'),
    ('40-DL-04', 'Xã Đà Sơn',         '40-DL', '40-X-DL'),
    ('40-DL-05', 'Xã Bồi Sơn',        '40-DL', '40-X-BN'),
    ('40-DL-06', 'Xã Bắc Sơn',        '40-DL', '40-X-BN'),
    ('40-DL-07', 'Xã Đặng Sơn',       '40-DL', '40-X-VH'),
    ('40-DL-08', 'Xã Tràng Sơn',      '40-DL', '40-X-VH'),
    ('40-TK-01', 'Thị trấn Tân Kỳ',   '40-TK', '40-X-TK'),
    ('40-TK-02', 'Xã Kỳ Sơn',         '40-TK', '40-X-TK'),
    ('40-TK-03', 'Xã Kỳ Tân',         '40-TK', '40-X-TK'),
    ('40-TK-04', 'Xã Tân Phú',        '40-TK', '40-X-TP'),
    ('40-TK-05', 'Xã Tân Xuân',       '40-TK', '40-X-TP'),
    ('40-TK-06', 'Xã Nghĩa Đồng',     '40-TK', '40-X-ND'),
    ('40-TK-07', 'Xã Nghĩa Bình',     '40-TK', '40-X-ND')
) AS v(code, name, district, successor)
JOIN administrative_units d ON d.code = v.district
JOIN administrative_units s ON s.code = v.successor
ON CONFLICT (code) DO NOTHING;

-- The local catalog. The portal crawl (mid-2026) has no district-level
-- records, since that level no longer exists, so Đô Lương district's 237
-- district procedures of the seed article are stood in for by the first
-- 237 province-level procedures; each of its communes handles the first
-- 110 commune-level ones. Today's units handle every procedure of their
-- level.
INSERT INTO unit_procedures (unit_id, procedure_id)
SELECT u.id, p.id
FROM administrative_units u
JOIN LATERAL (
    SELECT p.id FROM procedures p
    JOIN procedure_levels pl ON pl.procedure_id = p.id
    WHERE pl.level_code = CASE WHEN u.level_code = 'COMMUNE' THEN 'COMMUNE' ELSE 'PROVINCE' END
    ORDER BY p.code
    LIMIT CASE
        WHEN u.valid_to IS NULL THEN NULL
        WHEN u.level_code = 'DISTRICT' THEN 237
        ELSE 110 END
) p ON true
WHERE u.code LIKE '40%'
ON CONFLICT DO NOTHING;

-- Tân Kỳ's review of its own legal documents (the seed article, December
-- 2023): 21 expired, 14 kept in effect, 1 proposed to be amended or
-- replaced, 0 proposed to be repealed.
INSERT INTO legal_documents (number, title, doc_type, issuer, issued_on, validity, review_outcome, reviewed_by_unit_id)
SELECT format('%s/%s/QĐ-UBND', lpad(n::text, 2, '0'), 2010 + n % 12),
       CASE
           WHEN n <= 21 THEN format('Quyết định số %s của UBND huyện Tân Kỳ (hết hiệu lực)', n)
           WHEN n <= 35 THEN format('Quyết định số %s của UBND huyện Tân Kỳ (tiếp tục có hiệu lực)', n)
           ELSE format('Quyết định số %s của UBND huyện Tân Kỳ (đề nghị sửa đổi, thay thế)', n)
       END,
       'DECISION', 'UBND huyện Tân Kỳ',
       make_date(2010 + n % 12, 1 + n % 12, 1 + n % 27),
       CASE WHEN n <= 21 THEN 'EXPIRED' ELSE 'IN_FORCE' END,
       CASE WHEN n <= 21 THEN NULL WHEN n <= 35 THEN 'KEEP' ELSE 'AMEND' END,
       u.id
FROM generate_series(1, 36) AS n
JOIN administrative_units u ON u.code = '40-TK'
ON CONFLICT (number, issuer) DO NOTHING;
