-- Demo simplification proposals, with the central units that review them.
-- Idempotent: units and proposals that exist are skipped, and a sector's
-- ministry is only set where none is.
--
-- Demo users (mint their tokens with `tthc token`, see the README):
--   officer.doluong   OFFICER   40-DL    Huyện Đô Lương (and its communes)
--   officer.nghean    OFFICER   40       Tỉnh Nghệ An (and every unit under it)
--   reviewer.nghean   REVIEWER  40       reviews Nghệ An's communes and districts
--   reviewer.botuphap REVIEWER  BO-TP    Bộ Tư pháp
--   officer.botuphap  OFFICER   BO-TP    Bộ Tư pháp
--   reviewer.vpcp     REVIEWER  VPCP     Văn phòng Chính phủ, the central reviewer
--   analyst           ANALYST   -
--   admin             ADMIN     -

-- Ministries and the Prime Minister's office are units too, so routing and
-- "the units under a unit" work on one tree. Merged ministries start on
-- 2025-03-01, when the Government was reorganised.
INSERT INTO administrative_units (code, name, level_code, valid_from, is_central_reviewer) VALUES
    ('VPCP',    'Văn phòng Chính phủ',                 'OTHER',    '1945-08-28', true),
    ('BO-TP',   'Bộ Tư pháp',                          'MINISTRY', '1945-08-28', false),
    ('BO-TC',   'Bộ Tài chính',                        'MINISTRY', '1945-08-28', false),
    ('BO-CA',   'Bộ Công an',                          'MINISTRY', '1945-08-28', false),
    ('BO-NV',   'Bộ Nội vụ',                           'MINISTRY', '2025-03-01', false),
    ('BO-XD',   'Bộ Xây dựng',                         'MINISTRY', '2025-03-01', false),
    ('BO-NNMT', 'Bộ Nông nghiệp và Môi trường',        'MINISTRY', '2025-03-01', false),
    ('BO-KHCN', 'Bộ Khoa học và Công nghệ',            'MINISTRY', '2025-03-01', false),
    ('BO-YT',   'Bộ Y tế',                             'MINISTRY', '1945-08-28', false),
    ('NHNN',    'Ngân hàng Nhà nước Việt Nam',         'MINISTRY', '1951-05-06', false),
    ('TTCP',    'Thanh tra Chính phủ',                 'MINISTRY', '1945-11-23', false)
ON CONFLICT (code) DO NOTHING;

-- The ministry that owns each sector of the demo catalog (the larger ones).
UPDATE sectors s SET ministry_unit_id = u.id
FROM (VALUES
    ('BO-TP', ARRAY['Hộ tịch', 'Luật sư', 'Công chứng', 'Đăng ký biện pháp bảo đảm', 'Thừa phát lại', 'Chứng thực',
        'Nuôi con nuôi', 'Hòa giải thương mại', 'Trọng tài thương mại', 'Giám định tư pháp', 'Trợ giúp pháp lý',
        'Đấu giá tài sản', 'Quốc tịch', 'Quản tài viên', 'Bồi thường nhà nước', 'Tư vấn pháp luật',
        'Thi hành án dân sự', 'Hòa giải ở cơ sở', 'Lý lịch tư pháp', 'Hỗ trợ pháp lý cho doanh nghiệp nhỏ và vừa']),
    ('BO-TC', ARRAY['Hải quan', 'Thuế', 'Chứng khoán', 'Bảo hiểm', 'Quản lý nợ', 'Kế toán, kiểm toán', 'Kho bạc Nhà nước',
        'Quản lý công sản', 'Tài chính doanh nghiệp', 'Quản lý giá', 'Dự trữ', 'Thành lập và hoạt động của doanh nghiệp',
        'Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)', 'Đầu tư tại Việt nam', 'Đầu tư từ Việt nam ra nước ngoài',
        'Hỗ trợ doanh nghiệp nhỏ và vừa', 'Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã',
        'Quản lý thuế, phí, lệ phí và thu khác của ngân sách nhà nước', 'Đấu thầu', 'Thực hiện chính sách BHXH',
        'Thu BHXH, BHYT, BHTN, BH tai nạn lao động, BNN', 'Cấp sổ BHXH, thẻ BHYT', 'Thực hiện chính sách BHYT',
        'Chi trả các chế độ BHXH']),
    ('BO-CA', ARRAY['Quản lý xuất nhập cảnh', 'Quản lý vũ khí, vật liệu nổ, công cụ hỗ trợ và pháo', 'Cấp, quản lý căn cước',
        'Đăng ký, quản lý cư trú', 'Sát hạch, cấp giấy phép lái xe', 'Phòng cháy, chữa cháy', 'Đăng ký, quản lý con dấu',
        'Định danh và xác thực điện tử', 'Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng',
        'Bảo vệ dữ liệu cá nhân', 'Tổ chức cai nghiên ma túy và quản lý sau cai nghiện',
        'Bảo đảm trật tự, an toàn giao thông đường bộ', 'Dữ liệu']),
    ('BO-NV', ARRAY['Tổ chức, cán bộ', 'Người có công', 'Chính sách']),
    ('BO-XD', ARRAY['Bảo đảm an ninh hàng không']),
    ('BO-NNMT', ARRAY['Nông nghiệp', 'Tài chính đất đai', 'Đầu tư vào nông nghiệp, nông thôn']),
    ('BO-KHCN', ARRAY['Khoa học công nghệ', 'Quản lý chất lượng sản phẩm, hàng hoá', 'Đảm bảo an toàn thông tin, an ninh mạng']),
    ('NHNN', ARRAY['Tài chính ngân hàng', 'Định chế tài chính']),
    ('TTCP', ARRAY['Khiếu nại, tố cáo'])
) AS m(code, sectors)
JOIN administrative_units u ON u.code = m.code
WHERE s.name = ANY(m.sectors) AND s.ministry_unit_id IS NULL;

-- The proposals. Đô Lương's 12 are those of the seed article (December
-- 2023: "the district has reviewed and proposed to simplify 12
-- procedures"), on procedures its local catalog holds; the others show the
-- other routes: a province deciding alone, a province sending a proposal
-- that needs a central legal change to the owning ministry, a ministry
-- sending one to the Prime Minister's office, and a post-2025 commune.
-- Money is VND; the hourly income rate is a demo average.
WITH spec (n, proposer, about, code, status, kinds, title, changes, reasons, amend_number, amend_articles,
           central, implemented_by, created, reviewer,
           b_days, b_fee, b_docs, b_hours, b_rate, b_times, b_applicants,
           a_days, a_fee, a_docs, a_hours, a_rate, a_times, a_applicants,
           officer, officer_name, reviewer_subject, reviewer_name, verdict) AS (VALUES
    (1, '40-DL', '40-DL-01', '1.004772', 'IMPLEMENTED', ARRAY['REUSE_DATA', 'REDUCE_DOCUMENTS'],
        'Khai sinh: khai thác Cơ sở dữ liệu quốc gia về dân cư thay cho giấy tờ của cha mẹ',
        'Bỏ yêu cầu nộp bản sao giấy tờ tùy thân và giấy chứng nhận kết hôn của cha mẹ; cán bộ hộ tịch tra cứu Cơ sở dữ liệu quốc gia về dân cư và cơ sở dữ liệu hộ tịch điện tử.',
        'Thông tin đã có trong cơ sở dữ liệu; người dân không phải chuẩn bị và sao chứng thực giấy tờ.',
        '123/2015/NĐ-CP', 'Điều 9', false, '120/2025/NĐ-CP', '2023-12-12', '40',
        5, 0, 4, 6, 37500, 1, 2600,   3, 0, 2, 2, 37500, 1, 2600,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', 'Đồng ý; triển khai theo Nghị định mới.'),
    (2, '40-DL', '40-DL-01', '1.000656', 'IMPLEMENTED', ARRAY['CUT_TIME', 'FULL_ONLINE'],
        'Khai tử: giải quyết trong ngày, nhận hồ sơ trực tuyến toàn trình',
        'Rút thời hạn giải quyết từ 3 ngày làm việc xuống trong ngày; tiếp nhận và trả kết quả trực tuyến toàn trình qua Cổng dịch vụ công.',
        'Thủ tục đơn giản, thông tin đối chiếu được với cơ sở dữ liệu; gia đình người mất không phải đi lại nhiều lần.',
        '123/2015/NĐ-CP', 'Điều 4', false, '120/2025/NĐ-CP', '2023-12-12', '40',
        3, 0, 2, 5, 37500, 1, 1100,   1, 0, 2, 1.5, 37500, 1, 1100,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', 'Đồng ý.'),
    (3, '40-DL', '40-DL-01', '1.004884', 'APPROVED', ARRAY['REDUCE_DOCUMENTS', 'REUSE_DATA'],
        'Đăng ký lại khai sinh: bỏ văn bản cam đoan khi đã có dữ liệu hộ tịch điện tử',
        'Không yêu cầu văn bản cam đoan về việc đã đăng ký khai sinh khi cơ sở dữ liệu hộ tịch điện tử có thông tin.',
        'Giảm giấy tờ không cần thiết; dữ liệu đã được số hóa.',
        '123/2015/NĐ-CP', 'Điều 26', false, NULL, '2023-12-13', '40',
        5, 0, 5, 8, 37500, 1, 300,   5, 0, 3, 4, 37500, 1, 300,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', 'Đồng ý, chờ văn bản thực thi.'),
    (4, '40-DL', '40-DL', '1.005136', 'APPROVED', ARRAY['CUT_TIME'],
        'Xác nhận có quốc tịch Việt Nam: rút thời hạn giải quyết',
        'Rút thời hạn giải quyết từ 20 ngày xuống 10 ngày nhờ tra cứu dữ liệu điện tử thay cho xác minh bằng văn bản.',
        'Phần lớn thời gian là chờ xác minh bằng công văn, có thể thay bằng tra cứu.',
        NULL, NULL, false, NULL, '2023-12-13', '40',
        20, 100000, 3, 10, 37500, 1, 40,   10, 100000, 3, 6, 37500, 1, 40,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', 'Đồng ý.'),
    (5, '40-DL', '40-DL-01', '1.004222', 'UNDER_REVIEW', ARRAY['REUSE_DATA'],
        'Đăng ký thường trú: không yêu cầu giấy tờ chứng minh chỗ ở hợp pháp đã có trong cơ sở dữ liệu đất đai',
        'Cơ quan đăng ký cư trú khai thác cơ sở dữ liệu đất đai, nhà ở thay cho bản sao giấy chứng nhận.',
        'Người dân không phải nộp lại giấy tờ Nhà nước đã cấp.',
        '62/2021/NĐ-CP', 'Điều 5', false, NULL, '2023-12-14', '40',
        7, 15000, 4, 6, 37500, 1, 1800,   5, 15000, 2, 3, 37500, 1, 1800,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', NULL),
    (6, '40-DL', '40-DL-01', '1.001612', 'UNDER_REVIEW', ARRAY['CUT_TIME', 'FULL_ONLINE'],
        'Đăng ký hộ kinh doanh: cấp giấy chứng nhận trong 1 ngày, trực tuyến toàn trình',
        'Rút thời hạn từ 3 ngày làm việc xuống 1 ngày; cho phép nộp và nhận kết quả điện tử.',
        'Hộ kinh doanh nhỏ cần khởi sự nhanh; hồ sơ đơn giản.',
        NULL, NULL, false, NULL, '2023-12-14', '40',
        3, 100000, 3, 8, 37500, 1, 650,   1, 100000, 3, 3, 37500, 1, 650,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', NULL),
    (7, '40-DL', '40-DL-01', '1.004837', 'SUBMITTED', ARRAY['REDUCE_DOCUMENTS'],
        'Đăng ký giám hộ: bỏ yêu cầu giấy tờ chứng minh điều kiện của người giám hộ đã có trong cơ sở dữ liệu',
        'Chỉ yêu cầu tờ khai và văn bản cử giám hộ; các thông tin nhân thân tra cứu trong cơ sở dữ liệu.',
        'Giảm thành phần hồ sơ.',
        '123/2015/NĐ-CP', 'Điều 19, Điều 20', false, NULL, '2023-12-15', '40',
        3, 0, 4, 6, 37500, 1, 60,   3, 0, 2, 3, 37500, 1, 60,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', NULL),
    (8, '40-DL', '40-DL-01', '1.004859', 'RETURNED', ARRAY['CHANGE_LEVEL', 'CUT_TIME'],
        'Thay đổi, cải chính hộ tịch: phân cấp cho cấp xã với mọi trường hợp',
        'Giao cấp xã giải quyết cả các trường hợp hiện thuộc cấp huyện; rút thời hạn từ 3 xuống 1 ngày làm việc.',
        'Người dân được giải quyết gần nơi cư trú.',
        '60/2014/QH13', 'Điều 7, Điều 46', true, NULL, '2023-12-15', '40',
        3, 15000, 3, 8, 37500, 1, 700,   1, 15000, 3, 3, 37500, 1, 700,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An',
        'Việc phân cấp cần sửa Luật Hộ tịch; đề nghị tách phần thời hạn giải quyết để tỉnh quyết định, phần phân cấp đề xuất riêng lên Bộ Tư pháp.'),
    (9, '40-DL', '40-DL', '1.008591', 'REJECTED', ARRAY['FULL_ONLINE', 'REUSE_DATA'],
        'Xác nhận thực hiện nghĩa vụ thuế: bãi bỏ xác nhận bằng giấy',
        'Thay giấy xác nhận bằng tra cứu trực tuyến của cơ quan, tổ chức cần thông tin.',
        'Người nộp thuế không phải đi xin xác nhận.',
        NULL, NULL, false, NULL, '2023-12-18', '40',
        5, 0, 1, 4, 37500, 1, 900,   0, 0, 0, 0.5, 37500, 1, 900,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An',
        'Không thuộc thẩm quyền của huyện: thủ tục do cơ quan thuế giải quyết; chuyển kiến nghị cho Cục Thuế.'),
    (10, '40-DL', '40-DL', '1.000426', 'WITHDRAWN', ARRAY['REDUCE_DOCUMENTS'],
        'Cấp thẻ tư vấn viên pháp luật: bỏ bản sao bằng cử nhân luật',
        'Tra cứu văn bằng trên cơ sở dữ liệu văn bằng thay cho bản sao chứng thực.',
        'Giảm giấy tờ.',
        NULL, NULL, false, NULL, '2023-12-18', '40',
        10, 0, 3, 5, 37500, 1, 5,   10, 0, 2, 4, 37500, 1, 5,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', NULL),
    (11, '40-DL', '40-DL-01', '1.003677', 'DRAFT', ARRAY['FULL_ONLINE'],
        'Khai báo tạm vắng: tiếp nhận qua ứng dụng định danh điện tử',
        'Cho phép khai báo tạm vắng trực tuyến qua ứng dụng định danh điện tử, không phải đến trụ sở công an xã.',
        'Khai báo đơn giản; đa số người dân đã có tài khoản định danh điện tử.',
        NULL, NULL, false, NULL, '2023-12-19', NULL,
        1, 0, 1, 3, 37500, 1, 1500,   0.5, 0, 1, 0.5, 37500, 1, 1500,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', NULL, NULL, NULL),
    (12, '40-DL', '40-DL', '1.002438', 'DRAFT', ARRAY['MERGE', 'REUSE_DATA'],
        'Cấp đổi thẻ bảo hiểm y tế: dùng căn cước thay thẻ giấy',
        'Bỏ việc cấp đổi thẻ giấy; cơ sở khám chữa bệnh tra cứu thông tin bảo hiểm y tế bằng căn cước.',
        'Thẻ căn cước đã tích hợp thông tin bảo hiểm y tế.',
        NULL, NULL, false, NULL, '2023-12-19', NULL,
        7, 0, 2, 4, 37500, 1, 1200,   0, 0, 0, 0, 37500, 1, 1200,
        'officer.doluong', 'Cán bộ Huyện Đô Lương', NULL, NULL, NULL),
    -- A province's own proposal within its authority: it decides.
    (13, '40', '40', '1.002010', 'APPROVED', ARRAY['CUT_TIME'],
        'Đăng ký hoạt động tổ chức hành nghề luật sư: rút thời hạn tại Sở Tư pháp Nghệ An',
        'Sở Tư pháp giải quyết trong 7 ngày làm việc thay vì 10.',
        'Quy trình nội bộ của Sở cho phép rút ngắn.',
        NULL, NULL, false, NULL, '2025-08-05', '40',
        10, 100000, 4, 6, 37500, 1, 35,   7, 100000, 4, 5, 37500, 1, 35,
        'officer.nghean', 'Cán bộ Sở Tư pháp Nghệ An', 'reviewer.nghean', 'Chuyên viên Sở Tư pháp Nghệ An', 'Đồng ý.'),
    -- A province's proposal that needs a central legal change: the ministry.
    (14, '40', '40', '1.001122', 'UNDER_REVIEW', ARRAY['REDUCE_DOCUMENTS', 'AMEND_LEGAL_BASIS'],
        'Bổ nhiệm giám định viên tư pháp cấp tỉnh: bỏ giấy chứng nhận sức khỏe',
        'Bỏ thành phần giấy chứng nhận sức khỏe khỏi hồ sơ đề nghị bổ nhiệm.',
        'Người đề nghị là công chức, viên chức đã được khám sức khỏe định kỳ.',
        '13/2012/QH13', 'Điều 9', true, NULL, '2025-08-20', 'BO-TP',
        20, 0, 6, 12, 37500, 1, 25,   20, 0, 5, 8, 37500, 1, 25,
        'officer.nghean', 'Cán bộ Sở Tư pháp Nghệ An', 'reviewer.botuphap', 'Chuyên viên Bộ Tư pháp', NULL),
    -- A ministry's proposal: the Prime Minister's office.
    (15, 'BO-TP', NULL, '1.002911', 'SUBMITTED', ARRAY['CUT_TIME', 'FULL_ONLINE'],
        'Cấp giấy phép hành nghề cho luật sư nước ngoài: trực tuyến toàn trình',
        'Nhận hồ sơ và trả giấy phép điện tử; rút thời hạn từ 14 xuống 10 ngày.',
        'Thu hút luật sư nước ngoài, giảm chi phí đi lại.',
        '65/2006/QH11', 'Điều 74', true, NULL, '2025-09-10', 'VPCP',
        14, 2000000, 5, 16, 150000, 1, 120,   10, 2000000, 5, 6, 150000, 1, 120,
        'officer.botuphap', 'Cán bộ Bộ Tư pháp', NULL, NULL, NULL),
    -- A commune of the two-tier government since 2025-07-01.
    (16, '40-X-DL', '40-X-DL', '1.004772', 'SUBMITTED', ARRAY['FULL_ONLINE'],
        'Khai sinh tại Xã Đô Lương: liên thông khai sinh, thường trú, bảo hiểm y tế trực tuyến',
        'Thực hiện nhóm thủ tục liên thông khai sinh, đăng ký thường trú và cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi trực tuyến toàn trình.',
        'Giảm số lần đi lại cho gia đình có trẻ mới sinh.',
        NULL, NULL, false, NULL, '2025-09-15', '40',
        5, 0, 6, 8, 37500, 1, 3100,   2, 0, 2, 1, 37500, 1, 3100,
        'officer.xadoluong', 'Cán bộ Xã Đô Lương', NULL, NULL, NULL)
),
rows AS (
    SELECT s.*, pu.id AS proposer_id, au.id AS about_id, ru.id AS reviewer_id, p.id AS procedure_id,
        (s.created::timestamp + time '09:00') AT TIME ZONE 'Asia/Ho_Chi_Minh' AS created_at
    FROM spec s
    JOIN administrative_units pu ON pu.code = s.proposer
    JOIN procedures p ON p.code = s.code
    LEFT JOIN administrative_units au ON au.code = s.about
    LEFT JOIN administrative_units ru ON ru.code = s.reviewer
    -- the proposal is about the procedure as this unit handles it
    WHERE (s.about IS NULL OR EXISTS (SELECT 1 FROM unit_procedures up WHERE up.unit_id = au.id AND up.procedure_id = p.id))
      AND NOT EXISTS (SELECT 1 FROM proposals x WHERE x.proposing_unit_id = pu.id AND x.title = s.title)
),
-- The path each status went through: (day after creation, from, to, by the reviewer).
path (day, from_status, to_status, by_reviewer, statuses) AS (VALUES
    (0, NULL, 'DRAFT', false, ARRAY['DRAFT', 'SUBMITTED', 'UNDER_REVIEW', 'APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED', 'WITHDRAWN']),
    (3, 'DRAFT', 'SUBMITTED', false, ARRAY['SUBMITTED', 'UNDER_REVIEW', 'APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED', 'WITHDRAWN']),
    (10, 'SUBMITTED', 'UNDER_REVIEW', true, ARRAY['UNDER_REVIEW', 'APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED']),
    (40, 'UNDER_REVIEW', 'APPROVED', true, ARRAY['APPROVED', 'IMPLEMENTED']),
    (40, 'UNDER_REVIEW', 'REJECTED', true, ARRAY['REJECTED']),
    (40, 'UNDER_REVIEW', 'RETURNED', true, ARRAY['RETURNED']),
    (120, 'APPROVED', 'IMPLEMENTED', false, ARRAY['IMPLEMENTED']),
    (5, 'SUBMITTED', 'WITHDRAWN', false, ARRAY['WITHDRAWN'])
),
inserted AS (
    INSERT INTO proposals (procedure_id, unit_id, proposing_unit_id, reviewing_unit_id, status, version, kinds,
        title, changes, reasons, needs_central_legal_change, implemented_by_number,
        before_processing_days, before_fee, before_documents, before_hours, before_hourly_rate, before_times_per_year, before_applicants_per_year,
        after_processing_days, after_fee, after_documents, after_hours, after_hourly_rate, after_times_per_year, after_applicants_per_year,
        created_by_subject, created_by_name, created_at, updated_at, submitted_at, decided_at)
    SELECT r.procedure_id, r.about_id, r.proposer_id, r.reviewer_id, r.status,
        (SELECT count(*) FROM path WHERE r.status = ANY(path.statuses))::int, r.kinds,
        r.title, r.changes, r.reasons, r.central, r.implemented_by,
        r.b_days, r.b_fee, r.b_docs, r.b_hours, r.b_rate, r.b_times, r.b_applicants,
        r.a_days, r.a_fee, r.a_docs, r.a_hours, r.a_rate, r.a_times, r.a_applicants,
        r.officer, r.officer_name, r.created_at,
        r.created_at + (SELECT max(day) FROM path WHERE r.status = ANY(path.statuses)) * interval '1 day',
        CASE WHEN r.status <> 'DRAFT' THEN r.created_at + interval '3 days' END,
        CASE WHEN r.status IN ('APPROVED', 'REJECTED', 'RETURNED', 'IMPLEMENTED') THEN r.created_at + interval '40 days' END
    FROM rows r
    RETURNING id, proposing_unit_id, reviewing_unit_id, created_by_subject, title
),
amendments AS (
    INSERT INTO proposal_amendments (proposal_id, position, document_number, legal_document_id, articles)
    SELECT i.id, 1, r.amend_number, (SELECT l.id FROM legal_documents l WHERE l.number = r.amend_number ORDER BY l.id LIMIT 1), r.amend_articles
    FROM inserted i JOIN rows r ON r.proposer_id = i.proposing_unit_id AND r.title = i.title
    WHERE r.amend_number IS NOT NULL
)
INSERT INTO proposal_events (proposal_id, actor_subject, actor_name, actor_unit_id, at, from_status, to_status, comment, implemented_by_number)
SELECT i.id,
    CASE WHEN path.by_reviewer THEN r.reviewer_subject ELSE r.officer END,
    CASE WHEN path.by_reviewer THEN r.reviewer_name ELSE r.officer_name END,
    CASE WHEN path.by_reviewer THEN i.reviewing_unit_id ELSE i.proposing_unit_id END,
    r.created_at + path.day * interval '1 day', path.from_status, path.to_status,
    CASE WHEN path.to_status IN ('APPROVED', 'REJECTED', 'RETURNED') THEN coalesce(r.verdict, '')
         WHEN path.to_status = 'WITHDRAWN' THEN 'Rút để gộp vào đề xuất chung của tỉnh.'
         ELSE '' END,
    CASE WHEN path.to_status = 'IMPLEMENTED' THEN r.implemented_by END
FROM inserted i
JOIN rows r ON r.proposer_id = i.proposing_unit_id AND r.title = i.title
JOIN path ON r.status = ANY(path.statuses)
ORDER BY i.id, path.day;
