-- Source text of the mediation deadline: interest disputes reach Điều 188
-- khoản 2 through Điều 196 khoản 1 ("trình tự, thủ tục hòa giải ... theo
-- quy định tại các khoản 2, 3, 4 và 5 Điều 188"), not Điều 197 khoản 1
-- (which only names the end of that period as the arbitration trigger).
UPDATE legal_deadline
   SET source = 'Bộ luật Lao động 2019, Điều 188 khoản 2 (tranh chấp tập thể về lợi ích: Điều 196 khoản 1 dẫn chiếu)'
 WHERE code = 'mediation_ends'
   AND source = 'Bộ luật Lao động 2019, Điều 188 khoản 2 (tranh chấp tập thể về lợi ích: Điều 197 khoản 1 dẫn chiếu)';
