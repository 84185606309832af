-- 015_holidays_2027.sql: 2027 public holidays, so working-day deadlines of cases opened in late 2026 count right.
-- Lunar dates are approximate: check them against the Ministry of Home Affairs' notice each year and correct these rows.
INSERT INTO holiday (day, name, source) VALUES
('2027-01-01', 'Tết Dương lịch', 'Bộ luật Lao động 2019, Điều 112'),
('2027-02-05', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2027 gần đúng (Tết 06/02/2027), kiểm tra thông báo của Bộ Nội vụ'),
('2027-02-08', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2027 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2027-02-09', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2027 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2027-02-10', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2027 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2027-02-11', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2027 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2027-04-16', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Bộ luật Lao động 2019, Điều 112; ngày gần đúng'),
('2027-04-30', 'Ngày Chiến thắng', 'Bộ luật Lao động 2019, Điều 112'),
('2027-05-03', 'Quốc tế Lao động (01/05 là thứ Bảy; nghỉ bù)', 'Bộ luật Lao động 2019, Điều 112'),
('2027-09-02', 'Quốc khánh', 'Bộ luật Lao động 2019, Điều 112'),
('2027-09-03', 'Quốc khánh (ngày liền kề)', 'Bộ luật Lao động 2019, Điều 112; ngày liền kề gần đúng')
ON CONFLICT (day) DO NOTHING;
