"""Integration lag of the transparency log under load (issue #13), for scripts/bench.

Polls GET /metrics every 50 ms for SECONDS (while the issuance run loads the server), then up to
10 s more: each sample gives the entries sequenced by then (tree size + integration lag). The lag
of a sample is the time until a checkpoint first covered that many entries. Prints
"<samples> <p50_s> <p99_s> <max_s>"; a sample never covered counts as the whole wait.
Usage: tlog-lag.py BASE_URL SECONDS
"""
import sys, time, urllib.request

base, seconds = sys.argv[1], float(sys.argv[2])


def scrape():
    text = urllib.request.urlopen(base + "/metrics", timeout=5).read().decode()
    values = {}
    for line in text.splitlines():
        for name in ("insignia_tlog_tree_size", "insignia_tlog_integration_lag_entries"):
            if line.startswith(name + " "):
                values[name] = float(line.split()[1])
    return int(values.get("insignia_tlog_tree_size", 0)), int(values.get("insignia_tlog_integration_lag_entries", 0))


samples = []  # (time, sequenced, tree size)
start = time.monotonic()
end = start + seconds
while True:
    now = time.monotonic()
    size, lag = scrape()
    samples.append((now, size + lag, size))
    if now > end and (lag == 0 or now > end + 10):
        break
    time.sleep(0.05)
lags = []
for t, sequenced, _ in samples:
    if t > end:
        break
    covered = next((u for u, _, size in samples if u >= t and size >= sequenced), samples[-1][0])
    lags.append(covered - t)
lags.sort()
pick = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))] if lags else 0.0
print(len(lags), "%.3f" % pick(0.5), "%.3f" % pick(0.99), "%.3f" % (lags[-1] if lags else 0.0))
