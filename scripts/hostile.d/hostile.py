"""Slow and hostile clients against a running Insignia (issue #17), loopback only, bounded.

While a probe asks GET /health every 50 ms (each answer must come within 100 ms), this opens
SLOW slowloris connections (headers dribbled a byte at a time, never finished), sends early-413
bodies with `Connection: close` (the server must answer 413 and close), and sends NUL strings in a
path, a query and a JSON body (400 invalid_input). Then it closes its sockets and waits for the
server's open descriptors and RSS to return to their baseline. Prints one line per check and
"N passed, M failed"; exits 1 on any failure.

Usage: python hostile.py PORT PID API_KEY READ_TIMEOUT_SECONDS
"""
import json
import os
import socket
import sys
import threading
import time

port, pid, api_key, read_timeout = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
SLOW = 200
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"hostile: {'ok  ' if ok else 'FAIL'} {name}{'' if ok else ' — ' + str(detail)}", flush=True)


def open_fds():
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(raw, read_limit=65536, timeout=5.0):
    """Sends raw bytes on a fresh connection; returns (status code or None, body, closed by server)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        data = b""
        closed = False
        try:
            while len(data) < read_limit:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                data += chunk
                if b"\r\n\r\n" in data:
                    head, _, body = data.partition(b"\r\n\r\n")
                    length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")), None)
                    if length is not None and len(body) >= length:
                        # Answer complete: does the server close now?
                        s.settimeout(3.0)
                        try:
                            closed = s.recv(1) == b""
                        except socket.timeout:
                            closed = False
                        break
        except (socket.timeout, ConnectionResetError):
            closed = True
        status = None
        if data.startswith(b"HTTP/1.1 "):
            status = int(data[9:12])
        return status, data.partition(b"\r\n\r\n")[2], closed


# /health probe, all along.
probe_latencies = []
probe_failures = []
stop_probe = threading.Event()


def probe():
    while not stop_probe.is_set():
        started = time.monotonic()
        try:
            status, _, _ = request(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=2.0)
            if status != 200:
                probe_failures.append(status)
        except OSError as error:
            probe_failures.append(str(error))
        probe_latencies.append(time.monotonic() - started)
        stop_probe.wait(0.05)


baseline_fds, baseline_rss = open_fds(), rss_kib()
prober = threading.Thread(target=probe, daemon=True)
prober.start()

# 1. Slowloris: SLOW connections that send a partial request line and then a byte now and then.
slow = []
for _ in range(SLOW):
    s = socket.create_connection(("127.0.0.1", port), timeout=5.0)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    slow.append(s)
deadline = time.monotonic() + min(read_timeout + 5, 20)
closed_by_server = 0
while time.monotonic() < deadline and closed_by_server < SLOW:
    closed_by_server = 0
    for s in slow:
        try:
            s.sendall(b"a")
            s.settimeout(0.001)
            if s.recv(1) == b"":
                closed_by_server += 1
        except (socket.timeout, BlockingIOError):
            pass
        except OSError:
            closed_by_server += 1
    time.sleep(0.5)
check(f"the server drops all {SLOW} slowloris connections within the read timeout", closed_by_server == SLOW, f"{closed_by_server} dropped")
for s in slow:
    s.close()

# 2. Early 413 with Connection: close: the body goes past the 1 MiB limit; the server must answer
#    413 and close the connection (it used to keep it, and its descriptor, for ever).
def early_413():
    big = 2 * 1024 * 1024
    head = (f"POST /v1/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {big}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=5.0) as s:
        s.sendall(head)
        sent = 0
        try:
            while sent < big:
                s.sendall(b" " * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: fine, its answer is what counts
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return data.startswith(b"HTTP/1.1 413"), True
                data += chunk
        except socket.timeout:
            return data.startswith(b"HTTP/1.1 413"), False
        except ConnectionResetError:
            return data.startswith(b"HTTP/1.1 413"), True


answered_and_closed = 0
outcomes = []
for _ in range(20):
    try:
        answered, closed = early_413()
    except OSError as error:
        answered, closed = False, str(error)
    outcomes.append((answered, closed))
    answered_and_closed += answered and closed is True
check("20 early-413 bodies with Connection: close are answered 413 and closed", answered_and_closed == 20, outcomes[:3])

# 3. NUL strings: refused with 400 invalid_input wherever they appear.
nul_cases = [
    b"GET /v1/badges/a%00b/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /v1/revocations?cursor=a%00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
]
body = json.dumps({"name": "n", "description": "a\u0000b"}).encode()
nul_cases.append(
    b"POST /v1/agents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Capiscio-Registry-Key: " + api_key.encode()
    + b"\r\nConnection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
)
refused = 0
for raw in nul_cases:
    status, answer, _ = request(raw)
    try:
        code = json.loads(answer).get("error")
    except ValueError:
        code = None
    refused += status == 400 and code == "invalid_input"
check("NUL in a path, a query and a JSON body is 400 invalid_input", refused == len(nul_cases), refused)

stop_probe.set()
prober.join(timeout=5)
slowest = max(probe_latencies) if probe_latencies else None
check(f"/health answered {len(probe_latencies)} probes throughout, each within 100 ms", bool(probe_latencies)
      and not probe_failures and slowest < 0.1, f"slowest {slowest}, failures {probe_failures[:3]}")

# 4. Back to baseline.
deadline = time.monotonic() + 15
while time.monotonic() < deadline and open_fds() > baseline_fds + 2:
    time.sleep(0.5)
check(f"open descriptors return to their baseline ({baseline_fds})", open_fds() <= baseline_fds + 2, open_fds())
rss = rss_kib()
check(f"RSS returns near its baseline ({baseline_rss // 1024} MiB)", rss <= baseline_rss + 32 * 1024, f"{rss // 1024} MiB")

passed = sum(results)
print(f"hostile: {passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
