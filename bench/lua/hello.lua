-- GET / on the ceiling server; every answer must be 200.
package.path = "bench/lua/?.lua;" .. package.path
local report = require("report")
function setup(thread) report.setup(thread) end
function init(args) report.init() end
function response(status, headers, body) report.check(status, 200) end
function done(summary, latency, requests) report.done(summary, latency, requests, 200) end
