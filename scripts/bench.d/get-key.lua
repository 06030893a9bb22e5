-- GET of the URL given to wrk with the API key (BENCH_KEY) in X-Capiscio-Registry-Key.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.headers["X-Capiscio-Registry-Key"] = os.getenv("BENCH_KEY")
