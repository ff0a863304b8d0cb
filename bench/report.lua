-- wrk script for bench/load.sh: counts non-2xx responses and prints one machine-readable result line.
--
-- wrk's own "Non-2xx or 3xx responses" counter ignores redirects, and a 302 to /Auth/Login is exactly how a
-- lost cookie shows up, so every status outside 200-299 is counted here. Each wrk thread has its own Lua
-- state: the counter lives in the thread and done() sums it over the threads collected in setup().
--
-- Output (stdout, one line, times in microseconds):
--   RESULT rps=<req/s> p50=<us> p95=<us> p99=<us> max=<us> requests=<n> non2xx=<n> socket_errors=<n> duration_us=<us>

-- Loopback only: refuse to load anything else, whatever URL wrk was given.
if wrk.host ~= "127.0.0.1" then
   io.stderr:write("bench/report.lua: refusing to load " .. tostring(wrk.host) .. "; only 127.0.0.1 is allowed\n")
   os.exit(2)
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   non2xx = 0
   first_bad_status = 0
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if first_bad_status == 0 then
         first_bad_status = status
      end
   end
end

function done(summary, latency, requests)
   local bad, first = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non2xx") or 0)
      local status = thread:get("first_bad_status") or 0
      if first == 0 then
         first = status
      end
   end
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write + e.timeout
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "RESULT rps=%.1f p50=%d p95=%d p99=%d max=%d requests=%d non2xx=%d socket_errors=%d first_bad_status=%d duration_us=%d\n",
      summary.requests / seconds,
      latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
      summary.requests, bad, socket_errors, first, summary.duration))
end
