-- POST the right answer round-robin over the benchmark teams ("TEAM_ID TOKEN ANSWER" lines):
-- every submission is judged a pass; each team's first one is its solve of the challenge.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local teams = {}
local next_team = 0

function init(args)
  for line in io.lines(os.getenv("BENCH_TEAMS")) do
    local id, token, answer = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
    if id then
      table.insert(teams, { id = id, token = token, answer = answer })
    end
  end
  next_team = (id or 1) * 7919 % #teams
end

function request()
  next_team = next_team % #teams + 1
  local team = teams[next_team]
  local body = string.format('{"challenge":"first-contact","answer":"%s"}', team.answer)
  return wrk.format("POST", "/api/v1/teams/" .. team.id .. "/submissions", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. team.token,
  }, body)
end
