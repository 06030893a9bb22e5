#!/usr/bin/env python3
"""Turns scripts/bench's raw results into the Markdown report (stdout). Called by scripts/bench."""
import datetime
import os
import platform
import statistics
import subprocess

root = os.environ["BENCH_ROOT"]
env = os.environ


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "?"


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def mem_total():
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            return "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    return "?"


rows = []
for line in open(os.path.join(root, "results.tsv")):
    section, backend, endpoint, requests, rps, p50, p99, non2xx, errors = line.rstrip("\n").split("\t")
    rows.append(dict(section=section, backend=backend, endpoint=endpoint, requests=int(requests), rps=float(rps),
                     p50=float(p50), p99=float(p99), non2xx=int(non2xx), errors=int(errors)))


def runs(section, backend, prefix):
    """The repeated runs of `section` whose endpoint starts with `prefix`, in the order measured."""
    return [r for r in rows if r["section"] == section and r["backend"] == backend and r["endpoint"].startswith(prefix)]


def log_ab(backend, enabled):
    """The issuance rates of the log A/B runs with LOG_ENABLED=`enabled`, by pair."""
    return [r["rps"] for r in runs("log-ab", backend, "LOG_ENABLED=%s #" % enabled)]


def log_reads(backend, path):
    """The rates of GET `path` in the log's read rounds, by round."""
    return [r["rps"] for r in runs("log-reads", backend, "GET %s #" % path)]


def scale_rounds(kind, backend, size):
    """The `kind` ("issuance" or "status") runs on the database seeded with `size` badges, by round."""
    return runs("scale-" + kind, backend, "%s #" % size)


def ratio_of_medians(values, reference):
    """The median of `values` against the median of `reference` (repeated runs), as the tables and
    the targets both show it."""
    return statistics.median(values) / statistics.median(reference)


def median_ratio(values, reference, minimum):
    """A target's cell: `ratio_of_medians` judged against `minimum`."""
    if not values or not reference:
        return "-"
    x = ratio_of_medians(values, reference)
    return verdict(x >= minimum, "%s (medians of %d runs each)" % (pct(x), len(values)))


def get(section, backend, endpoint):
    for r in rows:
        if r["section"] == section and r["backend"] == backend and r["endpoint"] == endpoint:
            return r
    return None


rss = {}
for backend in ("sqlite", "postgres"):
    path = os.path.join(root, "rss." + backend)
    if os.path.exists(path):
        _, issued, hwm, cur, logbytes = open(path).read().split()
        rss[backend] = dict(issued=int(issued), hwm=int(hwm) / 1024, rss=int(cur) / 1024, log=int(logbytes))
seeds = {}
if os.path.exists(os.path.join(root, "seed.tsv")):
    for line in open(os.path.join(root, "seed.tsv")):
        backend, size, seconds = line.split()
        seeds[(backend, size)] = float(seconds)

names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
backends = [b for b in ("sqlite", "postgres") if any(r["backend"] == b for r in rows)]
small, large = env["BENCH_SEED_SMALL"], env["BENCH_SEED_LARGE"]


def size_label(n):
    n = int(n)
    return "%d M" % (n // 1_000_000) if n % 1_000_000 == 0 else ("%d k" % (n // 1000) if n % 1000 == 0 else str(n))


def pct(x):
    return "%.0f %%" % (100 * x)


out = []
w = out.append
w("# Benchmarks")
w("")
w("The latest output of `scripts/bench`. Rerun the script rather than editing the figures; only the Notes block at the "
  "end is hand-written, and reruns keep it.")
w("")
w("## Machine and method")
w("")
w("| | |")
w("|---|---|")
w("| Date | %s |" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
w("| Git commit | %s |" % env["BENCH_COMMIT"])
w("| CPU | %s × `nproc` = %s |" % (cpu_model(), sh("nproc")))
w("| Memory | %s |" % mem_total())
w("| OS | %s |" % sh("uname -sr"))
w("| Swift | %s |" % (sh("swift --version 2>&1 | grep -m1 -i 'swift version'") or "?"))
w("| wrk | %s |" % (sh("wrk -v 2>&1 | head -n 1") or "?"))
w("| PostgreSQL | %s (%s) |" % (env["BENCH_PG_VERSION"], env["BENCH_PG_NOTE"]))
w("| Run time | %s s (after the release build) |" % env["BENCH_ELAPSED"])
w("| CPUs busy before the run | %s %% (over 1 s; above 10 %% the run warns and names the busiest processes) |" % env["BENCH_BUSY_BEFORE"])
w("")
w("Release build; `insignia serve` on 127.0.0.1 with `BADGE_RATE_LIMIT_PER_MINUTE=0 API_RATE_LIMIT_PER_MINUTE=0` and "
  "otherwise default settings (SQLite: WAL, `synchronous=FULL`; `LOG_LEVEL=info`, JSON lines to a file). "
  "Load: `wrk -t1 -c%s -d%ss` on loopback; wrk shares the cores with the server (and this machine is shared with "
  "other work, so absolute figures vary ±30 %% between runs: compare the ratios, which come from the same run). "
  "Validate and status cycle through %s distinct pre-issued badges. Issuance is level 1, IAL-0, for one agent with a "
  "`did:key`." % (env["BENCH_CONNECTIONS"], env["BENCH_DURATION_S"], env["BENCH_PREISSUE"]))
w("")

w("## Throughput and latency")
w("")
w("| Backend | Endpoint | req/s | p50 ms | p99 ms | req/s vs `/health` | p99 vs `/health` p99 | non-2xx |")
w("|---|---|---:|---:|---:|---:|---:|---:|")
for b in backends:
    health = get("main", b, "GET /health")
    for r in [r for r in rows if r["section"] == "main" and r["backend"] == b]:
        w("| %s | `%s` | %.0f | %.2f | %.2f | %s | %.1f× | %d |" % (
            names[b], r["endpoint"], r["rps"], r["p50"], r["p99"], pct(r["rps"] / health["rps"]),
            r["p99"] / health["p99"], r["non2xx"] + r["errors"]))
w("")

w("## Memory")
w("")
w("| Backend | Badges issued by the server process | Peak RSS (VmHWM) | RSS at the end | Log written |")
w("|---|---:|---:|---:|---:|")
for b in backends:
    if b in rss:
        m = rss[b]
        w("| %s | %d | %.0f MiB | %.0f MiB | %.0f MiB |" % (names[b], m["issued"], m["hwm"], m["rss"], m["log"] / 1024 / 1024))
w("")

w("## Stored badges: %s vs %s" % (size_label(small), size_label(large)))
w("")
w("A fresh database per size, seeded with `insignia dev seed --badges N` (seed time in brackets; PostgreSQL then gets "
  "`VACUUM ANALYZE` and a `CHECKPOINT` so that neither catches up on the new rows during a measurement). Status (cycling "
  "through %s jtis sampled at random from the seeded rows) and then issuance run on both databases in rounds that "
  "alternate which size runs first, each round on a restarted server after a warm-up of each (PostgreSQL settled again "
  "before each round); the rows give the medians, and the runs by round follow the table. Each issuance run adds its "
  "badges to its database." % env["BENCH_PREISSUE"])
w("")
w("| Backend | Endpoint | %s: req/s | p99 ms | %s: req/s | p99 ms | %s / %s |" % (size_label(small), size_label(large), size_label(large), size_label(small)))
w("|---|---|---:|---:|---:|---:|---:|")
rounds_text = []
for b in backends:
    seeded = "%s (seeded in %.1f s / %.1f s)" % (names[b], seeds.get((b, small), 0), seeds.get((b, large), 0))
    for kind, endpoint in (("issuance", "POST /v1/agents/{id}/badge"), ("status", "GET /v1/badges/{jti}/status")):
        s, l = scale_rounds(kind, b, small), scale_rounds(kind, b, large)
        if not s or not l:
            continue
        rs, rl = statistics.median(r["rps"] for r in s), statistics.median(r["rps"] for r in l)
        w("| %s | `%s` (medians of %d rounds) | %.0f | %.2f | %.0f | %.2f | %s |" % (
            seeded, endpoint, len(s), rs, statistics.median(r["p99"] for r in s), rl, statistics.median(r["p99"] for r in l), pct(rl / rs)))
        rounds_text.append("%s %s, req/s by round: %s %s; %s %s." % (
            names[b], kind, size_label(small), ", ".join("%.0f" % r["rps"] for r in s), size_label(large), ", ".join("%.0f" % r["rps"] for r in l)))
w("")
for text in rounds_text:
    w("- " + text)
if rounds_text:
    w("")

console_pages = ["GET /console/overview", "GET /console/agents", "GET /console/agents?q=seed-agent-99999", "GET /console/badges",
                 "GET /console/audit"]
w("## Admin console pages: %s vs %s" % (size_label(small), size_label(large)))
w("")
w("The same seeded databases (%s badges with %s agents, and %s badges with %s agents, one `badge.issued` audit event a "
  "badge), signed in to the console of the seeded organisation with a session cookie; `wrk -c%s` (a few operators, "
  "not saturation). The first page of each view with its default filters (audit: the last 24 h), and an agent search "
  "for a name part (a trigram index: `pg_trgm`, SQLite's FTS5)." % (
      size_label(small), size_label(int(small) // 10), size_label(large), size_label(int(large) // 10), env.get("BENCH_CONSOLE_CONNECTIONS", "4")))
w("")
w("| Backend | Page | %s: req/s | p50 ms | p99 ms | %s: req/s | p50 ms | p99 ms |" % (size_label(small), size_label(large)))
w("|---|---|---:|---:|---:|---:|---:|---:|")
for b in backends:
    for endpoint in console_pages:
        s, l = get("scale-" + small, b, endpoint), get("scale-" + large, b, endpoint)
        if not s or not l:
            continue
        w("| %s | `%s` | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f |" % (
            names[b], endpoint, s["rps"], s["p50"], s["p99"], l["rps"], l["p50"], l["p99"]))
w("")

if any(log_ab(b, "true") for b in backends):
    w("## Transparency log cost")
    w("")
    w("Issuance as in the throughput table, after it, on the same database: runs with `LOG_ENABLED=false` and with the log "
      "on, in pairs that alternate which runs first (off, on, on, off, …), each after a restart and a 1 s warm-up. "
      "The target compares the medians.")
    w("")
    w("| Backend | log off: req/s, by pair | log on: req/s, by pair | on / off (medians) |")
    w("|---|---|---|---:|")
    for b in backends:
        on, off = log_ab(b, "true"), log_ab(b, "false")
        if on and off:
            w("| %s | %s | %s | %s |" % (names[b], ", ".join("%.0f" % x for x in off), ", ".join("%.0f" % x for x in on),
                                         pct(ratio_of_medians(on, off))))
    w("")
    w("The log's reads against `/health`, on the same server before the issuance runs, in rounds that reverse the order "
      "each time (`/health`, checkpoint, full tile; then full tile, checkpoint, `/health`; …). The targets compare the medians.")
    w("")
    w("| Backend | `/health`: req/s, by round | `/tlog/checkpoint` | `/tlog/tile/0/000` (full) | checkpoint / `/health` | tile / `/health` |")
    w("|---|---|---|---|---:|---:|")
    for b in backends:
        health, checkpoint, tile = (log_reads(b, p) for p in ("/health", "/tlog/checkpoint", "/tlog/tile/0/000"))
        if health and checkpoint and tile:
            w("| %s | %s | %s | %s | %s | %s |" % (names[b], ", ".join("%.0f" % x for x in health), ", ".join("%.0f" % x for x in checkpoint),
                                                   ", ".join("%.0f" % x for x in tile), pct(ratio_of_medians(checkpoint, health)),
                                                   pct(ratio_of_medians(tile, health))))
    w("")

w("## Trust snapshot")
w("")
w("A fresh database seeded with `insignia dev seed --badges 0 --revoked %s` (unexpired revoked badges); \"served\" is the "
  "time from the end of seeding until the server served a snapshot listing them all (it polls the trust-state sequence "
  "every second and rebuilds once). Throughput in the same run as a `/health` measurement on that server." % env["BENCH_SNAPSHOT_REVOKED"])
w("")
w("| Backend | Revoked listed | Snapshot (compact JWS) | gzip | Served after | full: req/s | p99 ms | delta: req/s | `/health` req/s |")
w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for b in backends:
    path = os.path.join(root, "snapshot." + b)
    if not os.path.exists(path):
        continue
    _, revoked, size, gz, seconds = open(path).read().split()
    full = [r for r in rows if r["section"] == "snapshot" and r["backend"] == b and r["endpoint"].startswith("GET /v1/trust/snapshot (")]
    delta = [r for r in rows if r["section"] == "snapshot" and r["backend"] == b and "delta" in r["endpoint"]]
    health = get("snapshot", b, "GET /health")
    w("| %s | %s | %.1f MiB (%s bytes) | %.1f MiB | %s s | %s | %s | %s | %s |" % (
        names[b], revoked, int(size) / 2**20, size, int(gz) / 2**20, seconds,
        "%.0f" % full[0]["rps"] if full else "-", "%.1f" % full[0]["p99"] if full else "-",
        "%.0f" % delta[0]["rps"] if delta else "-", "%.0f" % health["rps"] if health else "-"))
w("")

w("## Issue #7 targets")
w("")
w("| Target | %s |" % " | ".join(names[b] for b in backends))
w("|---|" + "---|" * len(backends))


def verdict(ok, text):
    return ("met: " if ok else "**missed**: ") + text


def ratio_target(endpoint, minimum):
    cells = []
    for b in backends:
        r, h = get("main", b, endpoint), get("main", b, "GET /health")
        x = r["rps"] / h["rps"]
        cells.append(verdict(x >= minimum, pct(x)))
    return cells


targets = [
    ("issuance ≥ 35 % of `/health`", ratio_target("POST /v1/agents/{id}/badge", 0.35)),
    ("validate ≥ 20 % of `/health` (distinct badges)", ratio_target("POST /v1/validate", 0.20)),
    ("status ≥ 70 %", ratio_target("GET /v1/badges/{jti}/status", 0.70)),
    ("JWKS ≥ 70 %", ratio_target("GET /.well-known/jwks.json", 0.70)),
    ("did.json ≥ 70 %", ratio_target("GET /agents/{id}/did.json", 0.70)),
    ("policy bundle ≥ 70 %", ratio_target("GET /v1/bundles/{org_id}", 0.70)),
]
cells = []
for b in backends:
    r = get("main", b, "POST /v1/events (10 per request)")
    cells.append(verdict(r["rps"] * 10 >= 20000, "%.0f events/s" % (r["rps"] * 10)) if r else "-")
targets.append(("ingestion ≥ 20 000 events/s (issue #12)", cells))
cells = []
for b in backends:
    h = get("main", b, "GET /health")
    over = ["%s %.1f×" % (r["endpoint"].split(" ", 1)[1], r["p99"] / h["p99"])
            for r in rows if r["section"] == "main" and r["backend"] == b and r["endpoint"] != "GET /health" and r["p99"] > 2 * h["p99"]]
    cells.append(verdict(not over, "over 2×: " + ", ".join(over) if over else "all within 2× (%.2f ms)" % (2 * h["p99"])))
targets.append(("p99 ≤ 2 × `/health` p99", cells))
cells = []
for b in backends:
    m = rss.get(b)
    if not m:
        cells.append("-")
        continue
    reached = m["issued"] >= int(env["BENCH_RSS_ISSUANCES"])
    text = "%.0f MiB after %d issuances" % (m["hwm"], m["issued"])
    cells.append(verdict(m["hwm"] < 150 and reached, text) if reached or m["hwm"] >= 150 else "not reached: " + text)
targets.append(("RSS < 150 MiB after 100 k issuances", cells))
for kind in ("issuance", "status"):
    targets.append(("%s at %s ≥ 80 %% of %s" % (kind, size_label(large), size_label(small)), [
        median_ratio([r["rps"] for r in scale_rounds(kind, b, large)], [r["rps"] for r in scale_rounds(kind, b, small)], 0.80)
        for b in backends]))
# Admin console (issue #15): list pages (and the search) within 100 ms p99 at 1 M badges / 100 k agents.
cells = []
for b in backends:
    pages = [get("scale-" + large, b, e) for e in console_pages[1:]]
    if not all(pages):
        cells.append("-")
        continue
    worst = max(pages, key=lambda r: r["p99"])
    cells.append(verdict(worst["p99"] <= 100 and all(r["non2xx"] + r["errors"] == 0 for r in pages),
                         "worst %s %.1f ms" % (worst["endpoint"].split(" ", 1)[1], worst["p99"])))
targets.append(("console list pages p99 ≤ 100 ms at %s badges (issue #15)" % size_label(large), cells))
# Transparency log (issue #13): the medians of the alternating runs (one run of each is within noise).
targets.append(("issuance with the log ≥ 90 % of `LOG_ENABLED=false`",
                [median_ratio(log_ab(b, "true"), log_ab(b, "false"), 0.90) for b in backends]))
targets.append(("`/tlog/checkpoint` ≥ 70 % of `/health`",
                [median_ratio(log_reads(b, "/tlog/checkpoint"), log_reads(b, "/health"), 0.70) for b in backends]))
targets.append(("`/v1/trust/snapshot` ≥ 70 % of `/health` (issue #14)", ratio_target("GET /v1/trust/snapshot", 0.70)))
targets.append(("full tile ≥ 70 % of `/health`",
                [median_ratio(log_reads(b, "/tlog/tile/0/000"), log_reads(b, "/health"), 0.70) for b in backends]))
cells = []
for b in backends:
    path = os.path.join(env["BENCH_ROOT"], "lag." + b)
    fields = open(path).read().split() if os.path.exists(path) else []
    cells.append(verdict(float(fields[2]) <= 2.0, "p99 %s s (p50 %s s, %s samples)" % (fields[2], fields[1], fields[0])) if len(fields) == 4 else "-")
targets.append(("log integration lag p99 ≤ 2 s at full issuance load", cells))
for name, cells in targets:
    w("| %s | %s |" % (name, " | ".join(cells)))
w("")

# Hand-written analysis survives reruns: the block between the markers is carried over from the
# previous BENCHMARKS.md.
notes = "<!-- notes:begin -->\n## Notes\n\n(Analysis of the figures above, kept across reruns.)\n<!-- notes:end -->"
previous = env.get("BENCH_OUTPUT_FILE", "")
if previous and os.path.exists(previous):
    text = open(previous).read()
    begin, end = text.find("<!-- notes:begin -->"), text.find("<!-- notes:end -->")
    if begin >= 0 and end > begin:
        notes = text[begin:end + len("<!-- notes:end -->")]
w(notes)
print("\n".join(out))
