-- post.lua: wrk script: valid submissions of the "concern" form, each with a fresh idempotency key.
-- Env: BENCH_PATH   /q/TOKEN/concern
--      BENCH_TOKEN  an anti-forgery token (_token) taken from the form page:
--                   stateless, valid for days and not single-use, so one serves all
--      BENCH_RUN    a hex prefix unique to this wrk run; keys are RUN + thread + counter
--      BENCH_TEXTS  a file of "CATEGORY<TAB>TEXT" lines, the reports' texts (made by run.sh)
-- Counts requests sent and 2xx/other responses per thread; report.lua sums them,
-- so the database's row count can be checked against the 2xx count.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "report.lua")

local path = assert(os.getenv("BENCH_PATH"), "BENCH_PATH not set")
local token = assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN not set")
local run = assert(os.getenv("BENCH_RUN"), "BENCH_RUN not set")
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
-- The texts: BENCH_TEXTS, lines "CATEGORY<TAB>TEXT" that run.sh draws from the bulk loader's templates
-- and vocabularies (tests/bench/load_submissions.sql), url-encoded once here; each request takes the next
-- one by a stride through the list, so the newest reports are as varied as the million before them.
local function urlencode(s)
   return (s:gsub("[^%w%-%._~ ]", function(c) return string.format("%%%02X", c:byte()) end):gsub(" ", "+"))
end
local texts = assert(os.getenv("BENCH_TEXTS"), "BENCH_TEXTS not set")
local tails = {}
for line in io.lines(texts) do
   local cat, text = line:match("^([^\t]+)\t(.+)$")
   if cat then
      tails[#tails + 1] = "&category=" .. urlencode(cat) .. "&text=" .. urlencode(text)
   end
end
assert(#tails > 0, "no texts in BENCH_TEXTS")

sent, ok2xx, other = 0, 0, 0

function request()
   sent = sent + 1
   -- id comes from setup(); 16 + 2 + 10 = 28 characters of [0-9a-f]
   local idem = string.format("%s%02x%010x", run, id, sent)
   local tail = tails[1 + (sent * 7919 + (id or 0) * 104729) % #tails]
   return wrk.format("POST", path, headers, "_token=" .. token .. "&_idem=" .. idem .. tail)
end

function response(status, hdrs, body)
   if status >= 200 and status < 300 then
      ok2xx = ok2xx + 1
   else
      other = other + 1
   end
end
