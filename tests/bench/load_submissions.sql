-- load_submissions.sql: :rows worker reports spread over every QR code's workplace, one every 20 s up to now,
-- a third each new, in review and resolved: the bulk load of tests/bench/run.sh and
-- tests/production/bench_migrations.py (psql -v rows=N -f ...).
-- The texts are varied Vietnamese, as workers write them (with and without accents, short and long):
-- one of 16 sentence templates filled from vocabularies (grievances, departments, people, amounts,
-- months, hours, places) picked by independent hashes of the row number, plus a number, so
-- searches in the bench meet realistic word frequencies, not a million copies of one sentence.
WITH ep AS (
    SELECT row_number() OVER (ORDER BY e.id) - 1 AS k, e.id, e.workplace_id, w.unit_id
    FROM entry_point e JOIN workplace w ON w.id = e.workplace_id),
n AS (SELECT count(*) AS c FROM ep),
v AS (SELECT
    ARRAY['công ty nợ lương', 'chậm trả lương', 'không trả tiền làm thêm giờ', 'cắt tiền chuyên cần',
          'không đóng bảo hiểm xã hội', 'nợ tiền bảo hiểm', 'bắt tăng ca quá giờ', 'phạt tiền khi đi muộn',
          'không cho nghỉ phép năm', 'bữa ăn ca quá ít thịt', 'nước uống không sạch', 'nhà vệ sinh bẩn',
          'máy không có che chắn', 'thiếu khẩu trang và găng tay', 'nóng quá không có quạt', 'quản đốc chửi mắng công nhân',
          'ép ký hợp đồng ngắn hạn', 'không trả sổ bảo hiểm', 'trù dập người phản ánh', 'cho nghỉ việc không báo trước',
          'không tăng lương tối thiểu vùng', 'trừ lương khi ốm', 'không cho nghỉ thai sản', 'khóa cửa xưởng khi làm việc'] AS issue,
    ARRAY['tổ may', 'tổ cắt', 'tổ đóng gói', 'xưởng hoàn thiện', 'chuyền lắp ráp', 'kho thành phẩm', 'bộ phận in',
          'ca đêm', 'tổ bốc xếp', 'phân xưởng sấy', 'tổ kiểm hàng', 'nhà ăn', 'đội bảo vệ', 'tổ hàn', 'xưởng sơn'] AS dept,
    ARRAY['anh chị em', 'công nhân', 'chúng tôi', 'người lao động', 'chị em công nhân nữ', 'tổ chúng em',
          'người làm thời vụ', 'lao động mới vào'] AS who,
    ARRAY['mong công đoàn hỏi giúp', 'đề nghị công đoàn can thiệp', 'xin giữ bí mật tên', 'mong được trả lời sớm',
          'đã báo quản lý nhưng không ai giải quyết', 'nhiều người muốn nghỉ việc', 'sợ bị đuổi việc nên không dám nói',
          'xin cảm ơn'] AS ask,
    ARRAY['Giám đốc', 'quản đốc', 'tổ trưởng', 'phòng nhân sự', 'chủ doanh nghiệp', 'bên cung ứng lao động'] AS boss,
    ARRAY['Bình Dương', 'Đồng Nai', 'Bắc Ninh', 'Hải Phòng', 'Long An', 'Lai Châu', 'Thái Nguyên', 'Hà Nam'] AS place
),
t AS (SELECT i, abs(hashint4(i * 7 + 1)) AS h1, abs(hashint4(i * 7 + 2)) AS h2, abs(hashint4(i * 7 + 3)) AS h3,
        abs(hashint4(i * 7 + 4)) AS h4, abs(hashint4(i * 7 + 5)) AS h5 FROM generate_series(1, :rows) AS i)
INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel,
    received_at, answers, lang, idempotency_key, receipt_hash, status)
SELECT 'concern', 1, ep.workplace_id, ep.unit_id, ep.id, 'qr',
    now() - make_interval(secs => (:rows - t.i) * 20.0),
    jsonb_build_object('text', CASE WHEN t.h5 % 10 = 0 THEN unaccent(x.s) ELSE x.s END,
        'category', (ARRAY['wages', 'hours', 'safety', 'meals', 'contract', 'other'])[1 + t.i % 6]),
    'vi', md5(t.i::text), decode(md5(t.i::text) || md5((t.i + 1)::text), 'hex'),
    (ARRAY['new', 'in_review', 'resolved'])[1 + t.i % 3]
FROM t CROSS JOIN v
CROSS JOIN LATERAL (SELECT
    v.issue[1 + t.h1 % 24] AS iss, v.issue[1 + t.h2 % 24] AS iss2, v.dept[1 + t.h2 % 15] AS dep,
    v.who[1 + t.h3 % 8] AS wh, v.ask[1 + t.h4 % 8] AS ak, v.boss[1 + t.h3 % 6] AS bs, v.place[1 + t.h4 % 8] AS pl,
    1 + t.h5 % 12 AS mon, 1 + t.h1 % 40 AS num, (1 + t.h2 % 90) * 100000 AS amt, 8 + t.h3 % 7 AS hrs) p
CROSS JOIN LATERAL (SELECT CASE t.h1 % 16
    WHEN 0 THEN (upper(left(p.wh, 1)) || substr(p.wh, 2)) || ' ' || p.dep || ' phản ánh: ' || p.iss || ' tháng ' || p.mon || '. ' || (upper(left(p.ak, 1)) || substr(p.ak, 2)) || '.'
    WHEN 1 THEN 'Công ty ' || p.iss || ' từ tháng ' || p.mon || ', ' || p.wh || ' ' || p.dep || ' số ' || p.num || ' rất khó khăn.'
    WHEN 2 THEN 'Tháng ' || p.mon || ' ' || p.bs || ' nói sẽ trả ' || to_char(p.amt, 'FM999G999G999') || ' đồng nhưng vẫn ' || p.iss || '.'
    WHEN 3 THEN p.iss || ', ' || p.iss2 || '. ' || p.ak
    WHEN 4 THEN 'Ở ' || p.dep || ' ' || p.wh || ' phải làm ' || p.hrs || ' tiếng mỗi ngày, ' || p.iss || '. ' || (upper(left(p.ak, 1)) || substr(p.ak, 2)) || '.'
    WHEN 5 THEN 'Em làm ở ' || p.dep || ' được ' || p.num || ' tháng. ' || (upper(left(p.iss, 1)) || substr(p.iss, 2)) || ', ' || p.bs || ' không nghe.'
    WHEN 6 THEN 'Phản ánh số ' || t.i || ': ' || p.iss || ' ở ' || p.dep || '.'
    WHEN 7 THEN (upper(left(p.bs, 1)) || substr(p.bs, 2)) || ' ' || p.iss || ' với ' || p.num || ' người ' || p.dep || ', ' || p.ak || '.'
    WHEN 8 THEN 'Chi nhánh ' || p.pl || ': ' || p.iss || '; ' || p.iss2 || '.'
    WHEN 9 THEN 'Tôi muốn hỏi: ' || p.iss || ' thì có đúng luật không? ' || (upper(left(p.ak, 1)) || substr(p.ak, 2)) || '.'
    WHEN 10 THEN (upper(left(p.wh, 1)) || substr(p.wh, 2)) || ' bị ' || p.iss || ' đã ' || p.num || ' ngày, ' || p.ak || '.'
    WHEN 11 THEN 'Ca ' || p.hrs || ' giờ tối ' || p.dep || ' ' || p.iss || ', ' || p.iss2 || '.'
    WHEN 12 THEN (upper(left(p.iss, 1)) || substr(p.iss, 2)) || '.'
    WHEN 13 THEN 'Từ tháng ' || p.mon || ' đến nay ' || p.bs || ' ' || p.iss || ' tổng cộng ' || to_char(p.amt, 'FM999G999G999') || ' đ.'
    WHEN 14 THEN (upper(left(p.wh, 1)) || substr(p.wh, 2)) || ' ở ' || p.pl || ' xin phản ánh ' || p.iss || ' và ' || p.iss2 || '. ' || (upper(left(p.ak, 1)) || substr(p.ak, 2)) || '.'
    ELSE (upper(left(p.dep, 1)) || substr(p.dep, 2)) || ' số ' || p.num || ': ' || p.iss || ' tháng ' || p.mon || ' năm 2026.'
    END AS s) x
JOIN ep ON ep.k = abs(hashint4(t.i)) % (SELECT c FROM n);   -- workplace independent of status
