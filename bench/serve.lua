-- bench/serve.lua: wrk asks fdnix-search --serve real-style queries.
-- The queries are read from the file named by FDNIX_WRK_QUERIES (one a
-- line); each request picks one at random: GET /v1/search?q=...&limit=10.
-- At the end, the latency percentiles and the error counts are printed as
-- one JSON line (prefixed "wrk-json: ") for the scripts that run wrk.

local queries = {}

local function encode (text)
  return (text:gsub("[^%w%-%._~]", function (c) return string.format("%%%02X", string.byte(c)) end))
end

local function load_queries ()
  local path = os.getenv("FDNIX_WRK_QUERIES")
  if path == nil then error("FDNIX_WRK_QUERIES is not set") end
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    if line ~= "" then queries[#queries + 1] = "/v1/search?limit=10&q=" .. encode(line) end
  end
  file:close()
  if #queries == 0 then error("no queries in " .. path) end
end

function init (args)
  load_queries()
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request ()
  return wrk.format("GET", queries[math.random(#queries)])
end

function done (summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'wrk-json: {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
