-- POST /api/v1/channels/{inbox}/inbound with messages signed beforehand
-- by bench/channel.py (one "<signature>\t<body>" per line), so wrk spends
-- nothing on HMACs while Tend verifies every signature. Thread k of n
-- posts lines k, k+n, k+2n… once each; past the end it starts again, and
-- those answers are duplicates (counted apart: keep the file long enough).
-- Environment: CHANNEL_FILE, CHANNEL_INBOX, CHANNEL_THREADS.
package.path = "bench/lua/?.lua;" .. package.path
local report = require("report")

local lines = {}
local n = 0
local path

local all = {}

function setup(thread)
  report.setup(thread)
  table.insert(all, thread)
end

function init(args)
  report.init()
  duplicates = 0
  local threads = tonumber(os.getenv("CHANNEL_THREADS") or "1")
  path = "/api/v1/channels/" .. (os.getenv("CHANNEL_INBOX") or "1") .. "/inbound"
  local i = 0
  for line in io.lines(os.getenv("CHANNEL_FILE")) do
    if i % threads == tid - 1 then
      local tab = line:find("\t", 1, true)
      table.insert(lines, { line:sub(1, tab - 1), line:sub(tab + 1) })
    end
    i = i + 1
  end
end

function request()
  n = n + 1
  local m = lines[((n - 1) % #lines) + 1]
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Tend-Signature"] = m[1],
  }, m[2])
end

function response(status, headers, body)
  report.check(status, 202)
  if status == 202 and body:find('"duplicate"', 1, true) then
    duplicates = duplicates + 1
  end
end

function done(summary, latency, requests)
  report.done(summary, latency, requests, 202)
  local d = 0
  for _, t in ipairs(all) do d = d + (t:get("duplicates") or 0) end
  io.write(string.format("RESULT duplicates=%d (answered as already received: the file was too short)\n", d))
end
