"""pyepics (libca) as a benchmark client; same modes and JSON output as bench/ca-client.ts.

Argv: <mode> <port> <count> [seconds|gets]; the port reaches libca through EPICS_CA_SERVER_PORT.
CPU is time.process_time(): this whole process, libca's threads included.
"""
import json
import os
import sys
import time

import epics

mode, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
extra = float(sys.argv[4]) if len(sys.argv) > 4 else 0
names = [f'bench:{i}' for i in range(count)]


def all_connected(pvs, timeout=60.0):
    end = time.monotonic() + timeout
    for pv in pvs:
        if not pv.wait_for_connection(timeout=max(0.01, end - time.monotonic())):
            raise TimeoutError(f'{pv.pvname} did not connect')


if mode == 'monitor':
    updates = [0]

    def on_update(**kw):
        updates[0] += 1

    t0 = time.perf_counter()
    pvs = [epics.PV(n, callback=on_update, auto_monitor=True) for n in names]
    all_connected(pvs)
    connect_ms = (time.perf_counter() - t0) * 1000
    time.sleep(1.0)
    start = updates[0]
    c0, w0 = time.process_time(), time.perf_counter()
    time.sleep(extra)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    out = {'updates': updates[0] - start, 'wall_s': wall, 'cpu_s': cpu, 'connect_ms': connect_ms}
elif mode == 'connect':
    t0 = time.perf_counter()
    pvs = [epics.PV(n, auto_monitor=False) for n in names]
    all_connected(pvs)
    out = {'connect_ms': (time.perf_counter() - t0) * 1000}
elif mode == 'get':
    pv = epics.PV(names[0], auto_monitor=False)
    all_connected([pv])
    for _ in range(200):
        pv.get(use_monitor=False)
    ms = []
    for _ in range(int(extra)):
        t = time.perf_counter()
        pv.get(use_monitor=False)
        ms.append((time.perf_counter() - t) * 1000)
    out = {'latencies_ms': ms}
else:
    raise SystemExit(f'unknown mode {mode}')
sys.stdout.write(json.dumps(out) + '\n')
sys.stdout.flush()
os._exit(0)  # skip libca teardown of 1,000 channels: not part of any figure
