-- Support tooling asking for access decisions: a support bearer token,
-- questions about the 100 clusters of one project in turn (one of them has
-- a grant in force, the organization blocks support access).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local group = os.getenv("BENCH_GROUP")
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_SUPPORT_TOKEN")

function request()
  n = n + 1
  local body = string.format(
    '{"groupId":"%s","clusterName":"cluster-%03d","scope":"INFRASTRUCTURE","caseNumber":"CASE-%d","justification":"load test"}',
    group, (n % 100) + 1, n)
  return wrk.format(nil, "/api/support/v1/access-decisions", nil, body)
end

-- BENCH_DELAY_MS, when set, paces each connection: it waits that long
-- before each question, for a run at a fixed, lower rate.
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pause then
  function delay() return pause end
end
