-- Grant then revoke through the Admin API with a service account's bearer
-- token. Each wrk thread works on its own half of the project's 100
-- clusters, request k granting or revoking cluster k/2 of its half in turn.
-- With 64 connections a revoke may overtake its grant; run.sh therefore
-- counts cycles from the revocations the server recorded, not from
-- requests.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local threads = 0
function setup(thread)
  thread:set("half", threads)
  threads = threads + 1
end

local group = os.getenv("BENCH_GROUP")
local n = 0
local expires
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/vnd.atlas.2024-08-05+json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_OAUTH_TOKEN")

function init(args)
  -- One hour ahead: inside the API's 24-hour limit for the whole run.
  expires = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() + 3600)
end

function request()
  local pair = math.floor(n / 2)
  local cluster = string.format("cluster-%03d", (half or 0) * 50 + (pair % 50) + 1)
  local path = "/api/atlas/v2/groups/" .. group .. "/clusters/" .. cluster
  local grant = n % 2 == 0
  n = n + 1
  if grant then
    return wrk.format(nil, path .. ":grantMongoDBEmployeeAccess", nil,
      '{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"' .. expires .. '"}')
  end
  return wrk.format(nil, path .. ":revokeMongoDBEmployeeAccess", nil, "")
end
