"""caproto's threading client as a benchmark client; same modes and JSON output as bench/ca-client.ts.

Argv: <mode> <port> <count> [seconds|gets]; the port reaches caproto through EPICS_CA_SERVER_PORT.
CPU is time.process_time(): this whole process, caproto's threads included.

Under the monitor flood caproto 1.3.0's threading client stalls after a few thousand updates (its
own doing, not the server's bytes): the selector thread reads everything queued on the socket in
one recv (threading/client.py:258-260, FIONREAD-sized, megabytes once it falls behind), and
VirtualCircuit.recv (_circuit.py:205-209) parses that buffer by slicing off one command at a time
(_commands.py:392 copies the rest of the buffer per command) while every parsed command keeps a
memoryview of the buffer it came from (_commands.py:389, 119, 126) until the whole batch is parsed:
time and memory quadratic in the read size (a 3 MB read of 40-byte updates needs ~120 GB).
"""
import json
import os
import sys
import time

from caproto.threading.client import Context

mode, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
extra = float(sys.argv[4]) if len(sys.argv) > 4 else 0
names = [f'bench:{i}' for i in range(count)]
ctx = Context(timeout=30)


def connect_all():
    pvs = ctx.get_pvs(*names, timeout=30)
    for pv in pvs:
        pv.wait_for_connection(timeout=60)
    return pvs


if mode == 'monitor':
    updates = [0]

    def on_update(sub, response):  # caproto holds callbacks weakly: a named, module-level function
        updates[0] += 1

    t0 = time.perf_counter()
    pvs = connect_all()
    connect_ms = (time.perf_counter() - t0) * 1000
    subs = [pv.subscribe(data_type='time') for pv in pvs]
    for sub in subs:
        sub.add_callback(on_update)
    time.sleep(1.0)
    start = updates[0]
    c0, w0 = time.process_time(), time.perf_counter()
    time.sleep(extra)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    out = {'updates': updates[0] - start, 'wall_s': wall, 'cpu_s': cpu, 'connect_ms': connect_ms}
elif mode == 'connect':
    t0 = time.perf_counter()
    connect_all()
    out = {'connect_ms': (time.perf_counter() - t0) * 1000}
elif mode == 'get':
    (pv,) = ctx.get_pvs(names[0], timeout=30)
    pv.wait_for_connection(timeout=30)
    for _ in range(200):
        pv.read(data_type='time')
    ms = []
    for _ in range(int(extra)):
        t = time.perf_counter()
        pv.read(data_type='time')
        ms.append((time.perf_counter() - t) * 1000)
    out = {'latencies_ms': ms}
else:
    raise SystemExit(f'unknown mode {mode}')
sys.stdout.write(json.dumps(out) + '\n')
sys.stdout.flush()
os._exit(0)  # skip tearing down 1,000 channels: not part of any figure
