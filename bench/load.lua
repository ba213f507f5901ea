-- wrk script of the load benchmark (bench/run.py starts wrk with it against 127.0.0.1).
--
--   wrk ... -s bench/load.lua http://127.0.0.1:PORT -- mix bench/data/load-requests.tsv
--   wrk ... -s bench/load.lua http://127.0.0.1:PORT -- bare
--
-- "mix": 60% workspace pages (session cookie), 30% export pages (token), 10% claim
-- creates (token, JSON body), each picked at random from the file bench/load_prep.py
-- writes. "bare": GET /bench/ping/, a JsonResponse with the same middleware.
-- done() prints one line "WRK-RESULT {json}" for bench/run.py to read.

local MIX = { workspace = 0.6, export = 0.3 } -- the rest are creates

local thread_count = 0
local threads = {}

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

local mode = "mix"
local cookie, tokens = nil, {}
local reads, exports, creates = {}, {}, {}
statuses = {}

local function split(line)
  local fields = {}
  for field in string.gmatch(line, "[^\t]+") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  mode = args[1] or "mix"
  math.randomseed(os.time() * 100 + (thread_id or 0))
  if mode == "bare" then
    return
  end
  for line in io.lines(args[2]) do
    local f = split(line)
    if f[1] == "cookie" then
      cookie = f[2]
    elseif f[1] == "token" then
      tokens[f[2]] = f[3]
    elseif f[1] == "W" then
      table.insert(reads, f[2])
    elseif f[1] == "E" then
      table.insert(exports, f[2])
    elseif f[1] == "C" then
      table.insert(creates, { f[2], f[3] })
    end
  end
  assert(#reads > 0 and #exports > 0 and #creates > 0, "no requests in " .. args[2])
end

function request()
  if mode == "bare" then
    return wrk.format("GET", "/bench/ping/")
  end
  local r = math.random()
  if r < MIX.workspace then
    return wrk.format("GET", reads[math.random(#reads)], { Cookie = cookie })
  elseif r < MIX.workspace + MIX.export then
    return wrk.format("GET", exports[math.random(#exports)], { Authorization = tokens["E"] })
  end
  local create = creates[math.random(#creates)]
  return wrk.format("POST", create[1], {
    Authorization = tokens["C"],
    ["Content-Type"] = "application/json",
  }, create[2])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, n in pairs(seen) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%s":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean, e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ",")
  ))
end
