-- 018_holidays_2028_2030.sql: 2028–2030 public holidays (Labour Code 2019 Art. 112), so working-day deadlines of the next years count right.
-- Lunar dates computed for Vietnam's time zone (UTC+7) with Hồ Ngọc Đức's algorithm; the five Tết days
-- follow the pattern of 2026/2027 (the last day of the lunar year and the next four working days).
-- All approximate: the Ministry of Home Affairs announces each year's days; correct these rows
-- (console /admin/calendar or `tiengnoi-admin holiday`) when it does.
-- Tết 2030 falls on 2 February in Vietnam (the new moon is at 23:07 on 2 February, UTC+7),
-- one day before China's 3 February.
INSERT INTO holiday (day, name, source) VALUES
('2028-01-03', 'Tết Dương lịch (01/01 là thứ Bảy; nghỉ bù)', 'Bộ luật Lao động 2019, Điều 112; ngày nghỉ bù gần đúng'),
('2028-01-25', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2028 gần đúng (Tết 26/01/2028), kiểm tra thông báo của Bộ Nội vụ'),
('2028-01-26', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2028 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2028-01-27', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2028 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2028-01-28', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2028 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2028-01-31', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2028 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2028-04-04', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Bộ luật Lao động 2019, Điều 112; ngày gần đúng'),
('2028-05-01', 'Quốc tế Lao động', 'Bộ luật Lao động 2019, Điều 112'),
('2028-05-02', 'Ngày Chiến thắng (30/04 là Chủ nhật; nghỉ bù)', 'Bộ luật Lao động 2019, Điều 112; ngày nghỉ bù gần đúng'),
('2028-09-01', 'Quốc khánh (ngày liền kề)', 'Bộ luật Lao động 2019, Điều 112; ngày liền kề gần đúng'),
('2028-09-04', 'Quốc khánh (02/09 là thứ Bảy; nghỉ bù)', 'Bộ luật Lao động 2019, Điều 112; ngày nghỉ bù gần đúng'),
('2029-01-01', 'Tết Dương lịch', 'Bộ luật Lao động 2019, Điều 112'),
('2029-02-12', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2029 gần đúng (Tết 13/02/2029), kiểm tra thông báo của Bộ Nội vụ'),
('2029-02-13', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2029 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2029-02-14', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2029 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2029-02-15', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2029 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2029-02-16', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2029 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2029-04-23', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Bộ luật Lao động 2019, Điều 112; ngày gần đúng'),
('2029-04-30', 'Ngày Chiến thắng', 'Bộ luật Lao động 2019, Điều 112'),
('2029-05-01', 'Quốc tế Lao động', 'Bộ luật Lao động 2019, Điều 112'),
('2029-09-03', 'Quốc khánh (ngày liền kề; 01/09 là thứ Bảy)', 'Bộ luật Lao động 2019, Điều 112; ngày liền kề gần đúng'),
('2029-09-04', 'Quốc khánh (02/09 là Chủ nhật; nghỉ bù)', 'Bộ luật Lao động 2019, Điều 112; ngày nghỉ bù gần đúng'),
('2030-01-01', 'Tết Dương lịch', 'Bộ luật Lao động 2019, Điều 112'),
('2030-02-01', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2030 gần đúng (Tết 02/02/2030 theo giờ Việt Nam), kiểm tra thông báo của Bộ Nội vụ'),
('2030-02-04', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2030 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2030-02-05', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2030 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2030-02-06', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2030 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2030-02-07', 'Tết Nguyên Đán', 'Bộ luật Lao động 2019, Điều 112; lịch nghỉ 2030 gần đúng, kiểm tra thông báo của Bộ Nội vụ'),
('2030-04-12', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', 'Bộ luật Lao động 2019, Điều 112; ngày gần đúng'),
('2030-04-30', 'Ngày Chiến thắng', 'Bộ luật Lao động 2019, Điều 112'),
('2030-05-01', 'Quốc tế Lao động', 'Bộ luật Lao động 2019, Điều 112'),
('2030-09-02', 'Quốc khánh', 'Bộ luật Lao động 2019, Điều 112'),
('2030-09-03', 'Quốc khánh (ngày liền kề)', 'Bộ luật Lao động 2019, Điều 112; ngày liền kề gần đúng')
ON CONFLICT (day) DO NOTHING;
