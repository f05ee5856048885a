"""Times running queue servers with bluesky-queueserver-api (the same client for ours and the
reference), over 0MQ and over HTTP, taking turns so that both see the same load on a shared machine.

Argv: one JSON object: {"servers": {name: {"control", "info", "url", "groups"}}, "api_key",
"status_n", "items_n", "queue_n", "opens"}. Each phase runs on every server before the next phase:
- idle CPU over 3 s (the servers' background loops, part of every CPU figure below);
- `status` round trips: `status_n` requests over each transport, in ten blocks taking turns;
- `queue_item_add` of `items_n` items one request at a time, then 50 `queue_get` with them queued
  (in blocks taking turns), over each transport (the queue is cleared in between);
- `environment_open`: `opens` times each, taking turns, from the request until the status says
  the worker is ready;
- a queue of `queue_n` `count([det1], num=10)` items: from `queue_start` until all are in the
  history and the manager is idle.
The servers' CPU (user + system, summed over the live processes of their process groups, read from
/proc) is reported beside each wall-clock figure: CPU time suffers less from other load than latency.
Requests go through the API's `send_request` (one real round trip each: the API's `status()` would
answer from its cache). Progress goes to stderr; the last stdout line is one JSON object per server.
"""
import json
import os
import sys
import time

from bluesky_queueserver_api import BPlan
from bluesky_queueserver_api.http import REManagerAPI as HttpAPI
from bluesky_queueserver_api.zmq import REManagerAPI as ZmqAPI

CONFIG = json.loads(sys.argv[1])
POLL_S = 0.005  # status polling period while waiting for a state
BLOCKS = 10  # latency samples are taken in this many blocks, the servers taking turns
TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def log(message):
    print(f"[queueserver-bench.py] {message}", file=sys.stderr, flush=True)


def ms(seconds):
    return round(seconds * 1000, 3)


class Server:
    """One server under test: its two clients and its processes."""

    def __init__(self, name, control, info, url, groups):
        self.name = name
        self.groups = set(groups)
        self.zmq = ZmqAPI(zmq_control_addr=control, zmq_info_addr=info, timeout_recv=10)
        self.http = HttpAPI(http_server_uri=url)
        self.http.set_authorization_key(api_key=CONFIG["api_key"])

    def client(self, transport):
        return self.zmq if transport == "zmq" else self.http

    def cpu_s(self):
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
            if int(fields[2]) in self.groups:  # pgrp; utime and stime are fields 11 and 12
                total += int(fields[11]) + int(fields[12])
        return total * TICK_S

    def wait_answering(self, timeout_s=120):
        deadline = time.monotonic() + timeout_s
        for rm in (self.zmq, self.http):
            while True:  # the server may still be starting
                try:
                    status(rm)
                    break
                except Exception as error:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{self.name} is not answering: {error}")
                    time.sleep(0.1)

    def close(self):
        self.zmq.close()
        self.http.close()


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


def latencies(servers, transport, method, n, warmup):
    """`n` requests per server in blocks taking turns: p50, p99 and server CPU per request."""
    samples = {s.name: [] for s in servers}
    cpu = {s.name: 0.0 for s in servers}
    for s in servers:
        for _ in range(warmup):
            s.client(transport).send_request(method=method)
    for _ in range(BLOCKS):
        for s in servers:
            rm = s.client(transport)
            before = s.cpu_s()
            for _ in range(n // BLOCKS):
                started = time.perf_counter()
                rm.send_request(method=method)
                samples[s.name].append(time.perf_counter() - started)
            cpu[s.name] += s.cpu_s() - before
    out = {}
    for name, taken in samples.items():
        taken.sort()
        pick = lambda q: taken[min(len(taken) - 1, int(q * len(taken)))]  # noqa: E731
        per_request_us = round(cpu[name] / len(taken) * 1e6, 1)
        out[name] = {"p50_ms": ms(pick(0.5)), "p99_ms": ms(pick(0.99)), "n": len(taken),
                     "server_cpu_us_per_request": per_request_us}
    return out


def add_items(s, transport, n):
    """Adds `n` count items one request at a time: items per second, server CPU per item."""
    rm = s.client(transport)
    rm.send_request(method="queue_clear")
    cpu = s.cpu_s()
    started = time.perf_counter()
    for _ in range(n):
        rm.item_add(BPlan("count", ["det1"], num=10))
    elapsed = time.perf_counter() - started
    cpu = s.cpu_s() - cpu
    queued = status(rm)["items_in_queue"]
    if queued != n:
        raise RuntimeError(f"{s.name}: expected {n} items queued, status says {queued}")
    return {"items_per_s": round(n / elapsed, 1), "server_cpu_ms_per_item": round(cpu / n * 1000, 3)}


def environment_open(s):
    rm = s.zmq
    started = time.perf_counter()
    rm.send_request(method="environment_open")
    wait_until(rm, lambda st: st["worker_environment_exists"] and st["manager_state"] == "idle", 120, "open")
    return time.perf_counter() - started


def environment_close(s):
    s.zmq.send_request(method="environment_close")
    wait_until(s.zmq, lambda st: not st["worker_environment_exists"] and st["manager_state"] == "idle", 60, "close")


def run_queue(s, n):
    """Runs `n` count([det1], num=10) items through the queue (the environment is open)."""
    rm = s.zmq
    rm.send_request(method="queue_clear")
    rm.send_request(method="history_clear")
    for _ in range(n):
        rm.item_add(BPlan("count", ["det1"], num=10))
    cpu = s.cpu_s()
    started = time.perf_counter()
    rm.send_request(method="queue_start")
    wait_until(rm, lambda st: st["items_in_history"] == n and st["manager_state"] == "idle", 600, "the queue")
    elapsed = time.perf_counter() - started
    cpu = s.cpu_s() - cpu
    history = rm.send_request(method="history_get")["items"]
    statuses = sorted({h["result"]["exit_status"] for h in history})
    if statuses != ["completed"]:
        raise RuntimeError(f"{s.name}: queue items ended with {statuses}")
    return {"total_s": round(elapsed, 3), "per_item_ms": ms(elapsed / n), "items": n, "server_cpu_s": round(cpu, 3)}


servers = [Server(name, **spec) for name, spec in CONFIG["servers"].items()]
for s in servers:
    s.wait_answering()
out = {s.name: {} for s in servers}
names = ", ".join(s.name for s in servers)
STATUS_N, ITEMS_N, QUEUE_N, OPENS = (CONFIG[k] for k in ("status_n", "items_n", "queue_n", "opens"))

log(f"idle CPU over 3 s ({names})")
idle_before = {s.name: s.cpu_s() for s in servers}
time.sleep(3)  # not a synchronisation: the measured interval itself
for s in servers:
    out[s.name]["idle_server_cpu_percent"] = round((s.cpu_s() - idle_before[s.name]) / 3 * 100, 1)

for transport in ("zmq", "http"):
    log(f"status round trips, {STATUS_N} over {transport} each ({names})")
    for name, figures in latencies(servers, transport, "status", STATUS_N, 50).items():
        out[name][f"status_{transport}"] = figures

for transport in ("zmq", "http"):
    for s in servers:
        log(f"{s.name}: queue_item_add x{ITEMS_N} over {transport}")
        out[s.name][f"queue_item_add_{transport}"] = add_items(s, transport, ITEMS_N)
    log(f"queue_get with {ITEMS_N} queued over {transport} ({names})")
    for name, figures in latencies(servers, transport, "queue_get", 50, 5).items():
        out[name][f"queue_get_{transport}"] = figures
    for s in servers:
        s.client(transport).send_request(method="queue_clear")

opens = {s.name: [] for s in servers}
for i in range(OPENS):
    for s in servers:
        opens[s.name].append(environment_open(s))
        log(f"{s.name}: environment_open {i + 1}/{OPENS}: {opens[s.name][-1]:.3f} s")
        if i < OPENS - 1:
            environment_close(s)
for s in servers:
    ordered = sorted(opens[s.name])
    out[s.name]["environment_open"] = {"median_s": round(ordered[len(ordered) // 2], 3),
                                       "each_s": [round(t, 3) for t in opens[s.name]]}

for s in servers:
    log(f"{s.name}: a queue of {QUEUE_N} count([det1], num=10)")
    out[s.name]["queue_run"] = run_queue(s, QUEUE_N)
    environment_close(s)
    s.close()
print(json.dumps(out))
