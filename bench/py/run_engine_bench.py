"""bluesky's RunEngine, timed the way bench/run-engine.ts times ours.

Argv: <count> <scan points> <subscribers>: ophyd.sim's det and motor, the count, scan and
subscribed cases; or `epics <points> <velocity>`: scan([ring current], sim:mtr2, 0, 10, points)
with ophyd's EpicsMotor and EpicsSignalRO (pyepics) on the IOCs the TypeScript side serves (its
EPICS_CA_* settings come in the environment), every move timed from set() to its status finishing.
Prints one JSON object: for each case, wall seconds and process CPU seconds (and for `epics` the
seconds spent moving and the number of moves).
"""
import json
import sys
import time

from bluesky import RunEngine
from bluesky.plans import count, scan


def timed(RE, plan):
    wall, cpu = time.perf_counter(), time.process_time()
    RE(plan)
    return {'wall_s': time.perf_counter() - wall, 'cpu_s': time.process_time() - cpu}


def simulated(count_num, scan_num, subscribers):
    from ophyd.sim import det, motor

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
    return out


def epics(points, velocity):
    import bluesky.plan_stubs as bps
    from ophyd import EpicsMotor, EpicsSignalRO

    motor = EpicsMotor('sim:mtr2', name='m1')
    det = EpicsSignalRO('mini:current', name='ring_current')
    motor.wait_for_connection(timeout=30)
    det.wait_for_connection(timeout=30)
    motor.velocity.put(velocity, wait=True)
    RE = RunEngine({})
    RE(bps.mv(motor, 0))  # the scan starts where it begins
    RE(count([det, motor]))
    moves = []
    set_ = motor.set

    def timed_set(*args, **kwargs):
        started = time.perf_counter()
        status = set_(*args, **kwargs)
        status.add_callback(lambda st: moves.append(time.perf_counter() - started))
        return status

    motor.set = timed_set
    out = timed(RE, scan([det], motor, 0, 10, points))
    out['move_s'] = sum(moves)
    out['moves'] = len(moves)
    return {'epics': out}


if sys.argv[1] == 'epics':
    print(json.dumps(epics(int(sys.argv[2]), float(sys.argv[3]))))
else:
    print(json.dumps(simulated(*(int(a) for a in sys.argv[1:4]))))
