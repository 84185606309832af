-- load_submissions.sql: :rows worker reports spread over every QR code's workplace, one every 20 s up to now,
-- a third each new, in review and resolved: the bulk load of tests/bench/run.sh and
-- tests/production/bench_migrations.py (psql -v rows=N -f ...).
WITH ep AS (
    SELECT row_number() OVER (ORDER BY e.id) - 1 AS k, e.id, e.workplace_id, w.unit_id
    FROM entry_point e JOIN workplace w ON w.id = e.workplace_id),
n AS (SELECT count(*) AS c FROM ep)
INSERT INTO submission (form_id, form_version, workplace_id, unit_id, entry_point_id, channel,
    received_at, answers, lang, idempotency_key, receipt_hash, status)
SELECT 'concern', 1, ep.workplace_id, ep.unit_id, ep.id, 'qr',
    now() - make_interval(secs => (:rows - i) * 20.0),
    jsonb_build_object('text', 'Phản ánh số ' || i || ': công ty nợ lương tháng 10 của tổ may số 3, '
        'tăng ca đến 10 giờ đêm nhưng không được trả tiền làm thêm giờ.',
        'category', (ARRAY['wages', 'hours', 'safety', 'meals', 'contract', 'other'])[1 + i % 6]),
    'vi', md5(i::text), decode(md5(i::text) || md5((i + 1)::text), 'hex'),
    (ARRAY['new', 'in_review', 'resolved'])[1 + i % 3]
FROM generate_series(1, :rows) AS i JOIN ep ON ep.k = abs(hashint4(i)) % (SELECT c FROM n);   -- workplace independent of status
