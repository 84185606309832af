-- 043_legal_sources.sql: clause-exact sources for two legal deadlines, checked against transcriptions of the texts (Điều 196 of the Labour Code; Decree 145/2020 Điều 39).
-- Source text of the mediation deadline: interest disputes reach Điều 188
-- khoản 2 through Điều 196 khoản 1 ("trình tự, thủ tục hòa giải ... theo
-- quy định tại các khoản 2, 3, 4 và 5 Điều 188"), not Điều 197 khoản 1
-- (which only names the end of that period as the arbitration trigger).
UPDATE legal_deadline
   SET source = 'Bộ luật Lao động 2019, Điều 188 khoản 2 (tranh chấp tập thể về lợi ích: Điều 196 khoản 1 dẫn chiếu)'
 WHERE code = 'mediation_ends'
   AND source = 'Bộ luật Lao động 2019, Điều 188 khoản 2 (tranh chấp tập thể về lợi ích: Điều 197 khoản 1 dẫn chiếu)';

-- The periodic dialogue is organised under Nghị định 145/2020/NĐ-CP
-- Điều 39 (its participants: Điều 38 khoản 3), not the whole range
-- Điều 38-41 (which also covers dialogue on request and on the events of
-- Điều 63 khoản 2 điểm c).
UPDATE legal_deadline
   SET source = 'Bộ luật Lao động 2019, Điều 63 khoản 2 điểm a; Nghị định 145/2020/NĐ-CP, Điều 39 (đối thoại định kỳ tại nơi làm việc)'
 WHERE code = 'dialogue_periodic' AND source LIKE '%Nghị định 145/2020/NĐ-CP, Điều 38-41%';
