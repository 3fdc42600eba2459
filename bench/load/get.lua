-- GET one path (BENCH_PATH), optionally as a browser asks for assets (BENCH_GZIP=1).
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PATH") or "/"
local headers = { ["Accept"] = "text/html,application/json;q=0.9,*/*;q=0.8" }
if os.getenv("BENCH_GZIP") == "1" then
  headers["Accept-Encoding"] = "gzip"
end

function request()
  return wrk.format("GET", path, headers)
end
