-- wrk script for bench/run.py: counts every response status and prints one JSON line at the end
-- with requests, duration, latency percentiles and socket errors. Headers come from wrk's -H.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
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
