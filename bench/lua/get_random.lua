-- GET /api/v1/conversations/{id} for random ids in 1..TEND_MAX_ID with a
-- bearer token (TEND_TOKEN); every answer must be 200. Set TEND_SUFFIX to
-- "/messages" or "/events" to read those instead; TEND_PREFIX="/c/" reads the
-- agent UI's conversation page.
package.path = "bench/lua/?.lua;" .. package.path
local report = require("report")

local max_id = tonumber(os.getenv("TEND_MAX_ID") or "1000")
local suffix = os.getenv("TEND_SUFFIX") or ""
local prefix = os.getenv("TEND_PREFIX") or "/api/v1/conversations/"
local headers = { ["Authorization"] = "Bearer " .. (os.getenv("TEND_TOKEN") or "") }
-- With TEND_COOKIE (a signed-in web session), the request is a browser's.
if os.getenv("TEND_COOKIE") then headers = { ["Cookie"] = os.getenv("TEND_COOKIE") } end

function setup(thread) report.setup(thread) end
function init(args)
  report.init()
  math.randomseed(tid * 7919)
end
function request()
  return wrk.format("GET", prefix .. math.random(1, max_id) .. suffix, headers)
end
function response(status, headers, body) report.check(status, 200) end
function done(summary, latency, requests) report.done(summary, latency, requests, 200) end
