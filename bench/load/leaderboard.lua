-- GET the public leaderboard of the benchmark event.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local path = "/api/v1/events/" .. (os.getenv("BENCH_EVENT") or "bench") .. "/leaderboard"

function request()
  return wrk.format("GET", path)
end
