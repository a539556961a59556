-- A GET with the headers the driver passes: BENCH_COOKIE (a logged-in
-- session) and BENCH_HX ("true" for an htmx partial).
dofile(os.getenv("BENCH_LUA") .. "/report.lua")

local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
if os.getenv("BENCH_HX") == "true" then wrk.headers["HX-Request"] = "true" end
