-- POST /v1/validate, cycling through the tokens in BENCH_TOKENS ("<jti> <token>" lines), so every
-- request verifies a different badge until the list wraps.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local bodies = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
   local token = line:match("^%S+ (%S+)$")
   if token then bodies[#bodies + 1] = '{"token": "' .. token .. '"}' end
end
local headers = { ["Content-Type"] = "application/json" }
local i = 0

function request()
   i = i % #bodies + 1
   return wrk.format("POST", "/v1/validate", headers, bodies[i])
end
