-- wrk script for bench/run.py: counts every response status and prints one JSON line at the end
-- with requests, duration, latency percentiles and socket errors. Headers come from wrk's -H.
--
-- With BENCH_PATHS naming a file of paths (one a line), each request asks for the next path of
-- the file instead of the URL's: thread n of BENCH_THREADS starts at the n-th share of the file
-- and walks on from there (wrapping at the end), so with one connection per thread every
-- connection has its own offset and every request is a different address.

local threads = {}
local paths_file = os.getenv("BENCH_PATHS")

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  if paths_file then
    paths = {}
    for line in io.lines(paths_file) do
      if line ~= "" then
        table.insert(paths, line)
      end
    end
    local total = tonumber(os.getenv("BENCH_THREADS")) or 1
    position = math.floor(#paths * id / total)
  end
end

if paths_file then
  function request()
    position = position % #paths + 1
    return wrk.format(nil, paths[position])
  end
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, count in pairs(counted) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %.1f, "p95_us": %.1f, '
      .. '"p99_us": %.1f, "max_us": %.1f, "statuses": {%s}, "socket_errors": {"connect": %d, '
      .. '"read": %d, "write": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, table.concat(parts, ", "),
    errors.connect, errors.read, errors.write, errors.timeout))
end
