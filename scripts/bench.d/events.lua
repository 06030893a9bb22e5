-- POST /v1/events: batches of 10 capiscio-sdk style events (issue #12 B), each with a fresh id
-- (the server is idempotent per organisation by id), credited to the agent in BENCH_AGENT.
-- BENCH_KEY: the API key. Events per second = requests per second × 10.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
local agent = os.getenv("BENCH_AGENT")
local run = tostring(os.time()) .. "-" .. tostring(math.random(1, 1e9))
local sent = 0

function request()
   local events = {}
   for n = 1, 10 do
      sent = sent + 1
      events[n] = string.format(
         '{"id":"%s-%d","type":"tool_call","agentId":"%s","timestamp":"2026-12-06T00:00:00Z","data":{"tool":"search","n":%d}}',
         run, sent, agent, n)
   end
   local headers = {["X-Capiscio-Registry-Key"] = os.getenv("BENCH_KEY"), ["Content-Type"] = "application/json"}
   return wrk.format("POST", nil, headers, '{"events":[' .. table.concat(events, ",") .. ']}')
end
