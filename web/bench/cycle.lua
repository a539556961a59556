-- Grant then revoke through the Admin API with a service account's bearer
-- token. run.sh starts one wrk thread per connection; each thread cycles
-- its own cluster of the project, so a revoke is sent only after its
-- grant was answered and every cycle changes something.
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local threads = 0
function setup(thread)
  thread:set("slot", threads)
  threads = threads + 1
end

local group = os.getenv("BENCH_GROUP")
local n = 0
local expires
local path
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/vnd.atlas.2024-08-05+json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_OAUTH_TOKEN")

function init(args)
  -- One hour ahead: inside the API's 24-hour limit for the whole run.
  expires = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() + 3600)
  path = "/api/atlas/v2/groups/" .. group .. "/clusters/" .. string.format("cluster-%03d", (slot or 0) % 100 + 1)
end

function request()
  local grant = n % 2 == 0
  n = n + 1
  if grant then
    return wrk.format(nil, path .. ":grantMongoDBEmployeeAccess", nil,
      '{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"' .. expires .. '"}')
  end
  return wrk.format(nil, path .. ":revokeMongoDBEmployeeAccess", nil, "")
end
