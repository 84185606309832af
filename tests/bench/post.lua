-- post.lua: wrk script: valid submissions of the "concern" form, each with a fresh idempotency key.
-- Env: BENCH_PATH   /q/TOKEN/concern
--      BENCH_TOKEN  an anti-forgery token (_token) taken from the form page:
--                   stateless, valid for days and not single-use, so one serves all
--      BENCH_RUN    a hex prefix unique to this wrk run; keys are RUN + thread + counter
-- Counts requests sent and 2xx/other responses per thread; report.lua sums them,
-- so the database's row count can be checked against the 2xx count.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local path = assert(os.getenv("BENCH_PATH"), "BENCH_PATH not set")
local token = assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN not set")
local run = assert(os.getenv("BENCH_RUN"), "BENCH_RUN not set")
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
-- "Công ty nợ lương tháng 10 của tổ may số 3, tăng ca đến 10 giờ đêm nhưng không
-- được trả tiền làm thêm giờ. Anh chị em muốn công đoàn hỏi giúp."
local tail = "&category=wages&text=" ..
   "C%C3%B4ng+ty+n%E1%BB%A3+l%C6%B0%C6%A1ng+th%C3%A1ng+10+c%E1%BB%A7a+t%E1%BB%95+may+s%E1%BB%91+3%2C+" ..
   "t%C4%83ng+ca+%C4%91%E1%BA%BFn+10+gi%E1%BB%9D+%C4%91%C3%AAm+nh%C6%B0ng+kh%C3%B4ng+" ..
   "%C4%91%C6%B0%E1%BB%A3c+tr%E1%BA%A3+ti%E1%BB%81n+l%C3%A0m+th%C3%AAm+gi%E1%BB%9D.+" ..
   "Anh+ch%E1%BB%8B+em+mu%E1%BB%91n+c%C3%B4ng+%C4%91o%C3%A0n+h%E1%BB%8Fi+gi%C3%BAp."

sent, ok2xx, other = 0, 0, 0

function request()
   sent = sent + 1
   -- id comes from setup(); 16 + 2 + 10 = 28 characters of [0-9a-f]
   local idem = string.format("%s%02x%010x", run, id, sent)
   return wrk.format("POST", path, headers, "_token=" .. token .. "&_idem=" .. idem .. tail)
end

function response(status, hdrs, body)
   if status >= 200 and status < 300 then
      ok2xx = ok2xx + 1
   else
      other = other + 1
   end
end
