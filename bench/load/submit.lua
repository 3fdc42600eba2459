-- POST submissions round-robin over every benchmark team (one token per team), so that the
-- per-team throttle is not what is measured. Answers alternate wrong and right-looking values:
-- every one is stored, then judged by the real validator in the sandbox.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local teams = {}
local next_team = 0
local answers = { "41", "42", "1337", "7" }

function init(args)
  for line in io.lines(os.getenv("BENCH_TEAMS")) do
    local id, token = line:match("^(%S+)%s+(%S+)$")
    if id then
      table.insert(teams, { id = id, token = token })
    end
  end
  -- Each thread starts at a different team.
  next_team = (id or 1) * 7919 % #teams
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
