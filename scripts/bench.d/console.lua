-- GET of the URL given to wrk in a signed-in console session (BENCH_COOKIE: the session cookie).
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
wrk.headers["Cookie"] = "insignia_console=" .. os.getenv("BENCH_COOKIE")
