-- Requests for wrk from a file: one per line, "METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY<TAB>ETAG"
-- (ETAG, optional: sent as If-None-Match; a 304 is counted apart from other statuses).
-- Arguments after "--": the file; "cycle" (round robin) or "once" (each line at most once: a
-- thread whose share is used up sends GET /health/ and stops); the number of threads.
-- Prints one JSON line with the summary, latency percentiles (microseconds) and statuses.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local lines = {}
local index = 0
local once = false
local done_lines = false

function init(args)
  local file = assert(io.open(args[1], "r"))
  once = args[2] == "once"
  local all = {}
  for line in file:lines() do
    table.insert(all, line)
  end
  file:close()
  -- Each thread takes every n-th line, so no two threads send the same one.
  local n = tonumber(args[3] or "1")
  local me = id or 0
  for i = me + 1, #all, n do
    local method, path, token, body, etag =
      all[i]:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?([^\t]*)\t?(.*)$")
    local headers = { ["X-Session-Token"] = token }
    if etag ~= nil and etag ~= "" then
      headers["If-None-Match"] = etag
    end
    if body ~= nil and body ~= "" then
      headers["Content-Type"] = "application/json"
    else
      body = nil
    end
    table.insert(lines, wrk.format(method, path, headers, body))
  end
  -- wrk calls request() once on thread 0 to check the script before anything is sent, which
  -- took (and never sent) that thread's first line: one employee short in every burst. That
  -- call gets a health check instead.
  if me == 0 then
    table.insert(lines, 1, wrk.format("GET", "/health/"))
  end
  created = 0
  ok = 0
  not_modified = 0
  other = 0
end

function request()
  index = index + 1
  if index > #lines then
    if once then
      wrk.thread:stop()
      return wrk.format("GET", "/health/")
    end
    index = 1
  end
  return lines[index]
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 200 then
    ok = ok + 1
  elseif status == 304 then
    not_modified = not_modified + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local created, ok, not_modified, other = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    created = created + (thread:get("created") or 0)
    ok = ok + (thread:get("ok") or 0)
    not_modified = not_modified + (thread:get("not_modified") or 0)
    other = other + (thread:get("other") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"mean":%f,"max":%d,' ..
    '"created":%d,"ok":%d,"not_modified":%d,"other":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max, created, ok, not_modified, other))
end
