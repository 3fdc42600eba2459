-- POST submissions at a fixed total rate (BENCH_RATE per second, spread over wrk's threads and
-- connections), round-robin over the benchmark teams as submit.lua does: the load under which
-- the mixed benchmark reads the board. Each connection waits for its next slot, so the rate
-- holds as long as the server answers within the slot; the achieved rate is in the output row.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local teams = {}
local next_team = 0
local answers = { "41", "42", "1337", "7" }
local interval_ms = 1
local next_slot = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_TEAMS")) do
    local id, token = line:match("^(%S+)%s+(%S+)$")
    if id then
      table.insert(teams, { id = id, token = token })
    end
  end
  next_team = (id or 1) * 7919 % #teams
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  -- This thread's share of the rate: one request every interval_ms, over all its connections.
  interval_ms = 1000 * threads / tonumber(os.getenv("BENCH_RATE") or "1000")
  next_slot = now_ms()
end

function delay()
  next_slot = next_slot + interval_ms
  local wait = next_slot - now_ms()
  if wait < -100 then
    -- Far behind (the server is slower than the rate): start again from now rather than
    -- sending the missed slots in a burst.
    next_slot = now_ms()
    return 0
  end
  if wait < 0 then
    return 0
  end
  return wait
end

function request()
  next_team = next_team % #teams + 1
  local team = teams[next_team]
  local body = string.format('{"challenge":"first-contact","answer":"%s"}', answers[next_team % #answers + 1])
  return wrk.format("POST", "/api/v1/teams/" .. team.id .. "/submissions", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. team.token,
  }, body)
end
