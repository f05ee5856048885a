"""bluesky's RunEngine on ophyd.sim, timed the way bench/run-engine.ts times ours.

Prints one JSON object: for each case, wall seconds and process CPU seconds.
"""
import json
import sys
import time

from bluesky import RunEngine
from bluesky.plans import count, scan
from ophyd.sim import det, motor

count_num, scan_num, subscribers = (int(a) for a in sys.argv[1:4])


def timed(RE, plan):
    wall, cpu = time.perf_counter(), time.process_time()
    RE(plan)
    return {'wall_s': time.perf_counter() - wall, 'cpu_s': time.process_time() - cpu}


out = {}
RE = RunEngine({})
out['count'] = timed(RE, count([det], num=count_num))
out['scan'] = timed(RE, scan([det], motor, 0, 10, scan_num))
RE = RunEngine({})
received = [0]
for _ in range(subscribers):
    RE.subscribe(lambda name, doc: received.__setitem__(0, received[0] + 1))
out['subscribed'] = timed(RE, count([det], num=count_num))
out['subscribed']['documents'] = received[0]
print(json.dumps(out))
