-- The public help centre under load (bench/kb.sh), from many visitors
-- behind a trusted proxy (a random X-Forwarded-For per request, so the
-- per-address limit of a real visitor never trips).
--   TEND_KB_MODE=suggest  GET /help/api/suggest?q=&lang= with the queries of
--                         TEND_KB_FILE ("lang<TAB>words" lines);
--                         TEND_KB_INBOX=ID adds inbox_id and a visitor token
--                         (what the contact form and the widget send: the
--                         suggestions are recorded as shown);
--   TEND_KB_MODE=article  GET of the paths in TEND_KB_FILE (article pages).
-- Every answer must be 200.
package.path = "bench/lua/?.lua;" .. package.path
local report = require("report")

local mode = os.getenv("TEND_KB_MODE") or "suggest"
local file = os.getenv("TEND_KB_FILE")
local inbox = os.getenv("TEND_KB_INBOX")
local lines = {}

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread) report.setup(thread) end
function init(args)
  report.init()
  math.randomseed(tid * 7919)
  for line in io.lines(file) do
    if mode == "suggest" then
      local lang, q = line:match("^(%a+)\t(.*)$")
      if lang then
        local path = "/help/api/suggest?lang=" .. lang .. "&q=" .. encode(q)
        if inbox then path = path .. "&inbox_id=" .. inbox end
        table.insert(lines, path)
      end
    else
      table.insert(lines, line)
    end
  end
end

local function token()
  local t = {}
  for i = 1, 24 do t[i] = string.char(97 + math.random(0, 25)) end
  return table.concat(t)
end

function request()
  local path = lines[math.random(1, #lines)]
  if mode == "suggest" and inbox then path = path .. "&token=" .. token() end
  local ip = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format("GET", path, { ["X-Forwarded-For"] = ip })
end
function response(status, headers, body) report.check(status, 200) end
function done(summary, latency, requests) report.done(summary, latency, requests, 200) end
