-- report.lua: shared by get.lua and post.lua: per-thread counters and one machine-readable summary line.
-- wrk runs setup() and done() in its main Lua state and request()/response()
-- in one state per thread, so counters live in the threads and are summed here.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function done(summary, latency, requests)
   local sent, ok, other = 0, 0, 0
   for _, t in ipairs(threads) do
      sent = sent + (t:get("sent") or 0)
      ok = ok + (t:get("ok2xx") or 0)
      other = other + (t:get("other") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d mean_us=%.0f max_us=%d " ..
      "sent=%d ok2xx=%d other=%d err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99), latency.mean, latency.max,
      sent, ok, other, e.connect, e.read, e.write, e.status, e.timeout))
end
