-- GET /v1/badges/{jti}/status, cycling through the jtis in BENCH_TOKENS ("<jti> <token>" lines).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local paths = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
   local jti = line:match("^(%S+) ")
   if jti then paths[#paths + 1] = "/v1/badges/" .. jti .. "/status" end
end
local i = 0

function request()
   i = i % #paths + 1
   return wrk.format("GET", paths[i])
end
