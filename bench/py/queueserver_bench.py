"""Times one running queue server with bluesky-queueserver-api (the same client for ours and the
reference), over 0MQ and over HTTP.

Argv: <zmq_control_addr> <zmq_info_addr> <http_url> <api_key> <status_n> <items_n> <queue_n> <opens>
      <process groups>
- status round trips: `status_n` requests over each transport (after 50 of warm-up);
- `queue_item_add` of `items_n` items one request at a time, then 50 `queue_get` with them queued,
  over each transport (the queue is cleared in between);
- `environment_open`: `opens` times, from the request until the status says the worker is ready;
- a queue of `queue_n` `count([det1], num=10)` items: from `queue_start` until all are in the history
  and the manager is idle.
The server's CPU (user + system, summed over the processes of the comma-separated process groups,
read from /proc) is reported beside each wall-clock figure: the machine is shared, and CPU time
suffers less from other load than latency does.
Requests go through the API's `send_request` (one real round trip each: the API's `status()` would
answer from its cache). Progress goes to stderr; the last stdout line is one JSON object, all
times in milliseconds or seconds as the keys say.
"""
import json
import os
import sys
import time

from bluesky_queueserver_api import BPlan
from bluesky_queueserver_api.http import REManagerAPI as HttpAPI
from bluesky_queueserver_api.zmq import REManagerAPI as ZmqAPI

control, info, url, api_key = sys.argv[1:5]
STATUS_N, ITEMS_N, QUEUE_N, OPENS = (int(a) for a in sys.argv[5:9])
GROUPS = {int(g) for g in sys.argv[9].split(",")}
TICK_S = 1 / os.sysconf("SC_CLK_TCK")
POLL_S = 0.005  # status polling period while waiting for a state


def log(message):
    print(f"[queueserver-bench.py] {message}", file=sys.stderr, flush=True)


def ms(seconds):
    return round(seconds * 1000, 3)


def percentiles(samples):
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50_ms": ms(pick(0.5)), "p99_ms": ms(pick(0.99)), "n": len(ordered)}


def server_cpu_s():
    """CPU seconds used so far by the live processes of the server's process groups."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) in GROUPS:  # pgrp; then utime and stime are fields 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total * TICK_S


def timed_requests(rm, method, n, warmup=50):
    for _ in range(warmup):
        rm.send_request(method=method)
    samples = []
    cpu = server_cpu_s()
    for _ in range(n):
        started = time.perf_counter()
        rm.send_request(method=method)
        samples.append(time.perf_counter() - started)
    return {**percentiles(samples), "server_cpu_us_per_request": round((server_cpu_s() - cpu) / n * 1e6, 1)}


def status(rm):
    return rm.send_request(method="status")


def wait_until(rm, condition, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while True:
        s = status(rm)
        if condition(s):
            return s
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}; last status: {s}")
        time.sleep(POLL_S)


def connect():
    zmq = ZmqAPI(zmq_control_addr=control, zmq_info_addr=info, timeout_recv=10)
    http = HttpAPI(http_server_uri=url)
    http.set_authorization_key(api_key=api_key)
    deadline = time.monotonic() + 120
    for rm in (zmq, http):
        while True:  # the servers may still be starting
            try:
                status(rm)
                break
            except Exception as error:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server not answering: {error}")
                time.sleep(0.1)
    return zmq, http


def add_items(rm, n):
    """Adds `n` count items one request at a time: items per second, server CPU per item."""
    rm.send_request(method="queue_clear")
    cpu = server_cpu_s()
    started = time.perf_counter()
    for _ in range(n):
        rm.item_add(BPlan("count", ["det1"], num=10))
    elapsed = time.perf_counter() - started
    cpu = server_cpu_s() - cpu
    queued = status(rm)["items_in_queue"]
    if queued != n:
        raise RuntimeError(f"expected {n} items queued, status says {queued}")
    return {"items_per_s": round(n / elapsed, 1), "server_cpu_ms_per_item": round(cpu / n * 1000, 3)}


def environment_opens(rm, times):
    samples = []
    for i in range(times):
        started = time.perf_counter()
        rm.send_request(method="environment_open")
        wait_until(rm, lambda s: s["worker_environment_exists"] and s["manager_state"] == "idle", 120, "open")
        samples.append(time.perf_counter() - started)
        log(f"environment_open {i + 1}/{times}: {samples[-1]:.3f} s")
        if i < times - 1:
            rm.send_request(method="environment_close")
            wait_until(rm, lambda s: not s["worker_environment_exists"] and s["manager_state"] == "idle", 60, "close")
    ordered = sorted(samples)
    return {"median_s": round(ordered[len(ordered) // 2], 3), "each_s": [round(s, 3) for s in samples]}


def run_queue(rm, n):
    """Runs `n` count([det1], num=10) items through the queue (the environment is open)."""
    rm.send_request(method="queue_clear")
    rm.send_request(method="history_clear")
    for _ in range(n):
        rm.item_add(BPlan("count", ["det1"], num=10))
    cpu = server_cpu_s()
    started = time.perf_counter()
    rm.send_request(method="queue_start")
    wait_until(rm, lambda s: s["items_in_history"] == n and s["manager_state"] == "idle", 600, "the queue")
    elapsed = time.perf_counter() - started
    cpu = server_cpu_s() - cpu
    history = rm.send_request(method="history_get")["items"]
    statuses = sorted({h["result"]["exit_status"] for h in history})
    if statuses != ["completed"]:
        raise RuntimeError(f"queue items ended with {statuses}")
    return {"total_s": round(elapsed, 3), "per_item_ms": ms(elapsed / n), "items": n, "server_cpu_s": round(cpu, 3)}


zmq, http = connect()
out = {}
log("idle CPU over 3 s (background loops, charged to every CPU figure below)")
cpu = server_cpu_s()
time.sleep(3)  # not a synchronisation: the measured interval itself
out["idle_server_cpu_percent"] = round((server_cpu_s() - cpu) / 3 * 100, 1)
log(f"status round trips ({STATUS_N} each over 0MQ and HTTP)")
out["status_zmq"] = timed_requests(zmq, "status", STATUS_N)
out["status_http"] = timed_requests(http, "status", STATUS_N)
for name, rm in (("zmq", zmq), ("http", http)):
    log(f"queue_item_add x{ITEMS_N} over {name}, then queue_get with them queued")
    out[f"queue_item_add_{name}"] = add_items(rm, ITEMS_N)
    out[f"queue_get_{name}"] = timed_requests(rm, "queue_get", 50, warmup=5)
    rm.send_request(method="queue_clear")
log(f"environment_open x{OPENS}")
out["environment_open"] = environment_opens(zmq, OPENS)
log(f"a queue of {QUEUE_N} count([det1], num=10)")
out["queue_run"] = run_queue(zmq, QUEUE_N)
zmq.send_request(method="environment_close")
wait_until(zmq, lambda s: not s["worker_environment_exists"], 60, "close")
zmq.close()
http.close()
print(json.dumps(out))
