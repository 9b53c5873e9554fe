-- GET one fixed path (TEND_PATH, e.g. /api/v1/conversations?status=open&limit=50)
-- with a bearer token (TEND_TOKEN); every answer must be 200.
package.path = "bench/lua/?.lua;" .. package.path
local report = require("report")

local path = os.getenv("TEND_PATH") or "/api/v1/conversations?status=open&limit=50"
local headers = { ["Authorization"] = "Bearer " .. (os.getenv("TEND_TOKEN") or "") }
-- With TEND_COOKIE (a signed-in web session), the request is a browser's.
if os.getenv("TEND_COOKIE") then headers = { ["Cookie"] = os.getenv("TEND_COOKIE") } end

function setup(thread) report.setup(thread) end
function init(args) report.init() end
function request() return wrk.format("GET", path, headers) end
function response(status, headers, body) report.check(status, 200) end
function done(summary, latency, requests) report.done(summary, latency, requests, 200) end
