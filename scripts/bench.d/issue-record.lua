-- Like issue.lua, and writes "<jti> <token>" of each 200 answer to BENCH_OUT, at most BENCH_MAX
-- lines (wrk -t1: one Lua state, one file). Used to pre-issue badges for validate and status.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.method = "POST"
wrk.headers["X-Capiscio-Registry-Key"] = os.getenv("BENCH_KEY")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"trustLevel": "1"}'

local out = io.open(os.getenv("BENCH_OUT"), "w")
out:setvbuf("line")
local max = tonumber(os.getenv("BENCH_MAX") or "2000")
local written = 0

function response(status, headers, body)
   if status ~= 200 or written >= max then return end
   local token = body:match('"token"%s*:%s*"([^"]+)"')
   local jti = body:match('"jti"%s*:%s*"([^"]+)"')
   if token and jti then
      out:write(jti, " ", token, "\n")
      written = written + 1
   end
end
