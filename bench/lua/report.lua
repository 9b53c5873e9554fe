-- Shared by the wrk scripts: counts responses whose status is not the
-- expected one (per thread), and prints req/s, p50/p95/p99 and error counts
-- in one format that BENCHMARKS.md quotes.
local M = {}
local threads = {}

function M.setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function M.init()
  unexpected = 0
  last_unexpected = 0
end

function M.check(status, expected)
  if status ~= expected then
    unexpected = unexpected + 1
    last_unexpected = status
  end
end

function M.done(summary, latency, requests, expected)
  local bad, last = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("unexpected") or 0)
    local l = t:get("last_unexpected") or 0
    if l ~= 0 then last = l end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.1f\n",
    summary.requests, secs, summary.requests / secs))
  io.write(string.format("RESULT latency_ms p50=%.2f p95=%.2f p99=%.2f max=%.2f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("RESULT unexpected_status=%d (expected %d; last other status %d)\n",
    bad, expected, last))
  io.write(string.format("RESULT socket_errors connect=%d read=%d write=%d timeout=%d\n",
    e.connect, e.read, e.write, e.timeout))
end

return M
