-- POST /v1/agents/{id}/badge (IAL-0, level 1); the URL given to wrk names the agent.
-- BENCH_KEY: the API key.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.method = "POST"
wrk.headers["X-Capiscio-Registry-Key"] = os.getenv("BENCH_KEY")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"trustLevel": "1"}'
