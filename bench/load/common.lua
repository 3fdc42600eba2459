-- Shared by the wrk scripts: counts every response status per thread and prints, at the end,
-- throughput, latency percentiles and the status mix as one Markdown table row.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local mix = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      mix[status] = (mix[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(mix) do
    table.insert(parts, string.format("%d×%d", n, status))
  end
  table.sort(parts)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "| %s | %.0f | %.2f | %.2f | %.2f | %s | %d |\n",
    os.getenv("BENCH_LABEL") or "run",
    summary.requests / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    latency.max / 1000,
    table.concat(parts, ", "),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
