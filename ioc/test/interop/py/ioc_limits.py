"""Limits, refused puts and null moves of our simulated IOCs, as libca (pyepics), caproto and ophyd see them.

Prints one JSON object. Expects `ophyd-service ioc mini_beamline motors` on the CA port of the environment.
"""
import json
import os
import threading

import epics
from caproto import ChannelType
from caproto.threading.client import Context

out = {}

# pyepics (libca): the control limits EpicsMotor and the direct-control limit gate read.
ctrl = epics.PV('sim:mtr2', auto_monitor=False).get_ctrlvars(timeout=10)
out['mtr2_ctrl'] = [ctrl['lower_ctrl_limit'], ctrl['upper_ctrl_limit']]
ctrl = epics.PV('mini:dot:mtrx', auto_monitor=False).get_ctrlvars(timeout=10)
out['mtrx_ctrl'] = [ctrl['lower_ctrl_limit'], ctrl['upper_ctrl_limit']]

# caproto: put-with-completion of values the IOC cannot hold, sent unchecked in the given type.
ctx = Context(timeout=10)
shutter, mtr, spmg, mtr1 = ctx.get_pvs('mini:dot:shutter_open', 'mini:ph:mtr', 'sim:mtr1.SPMG', 'sim:mtr1')
for pv in (shutter, mtr, spmg, mtr1):
    pv.wait_for_connection(timeout=10)


def attempt(pv, value, data_type):
    before = pv.read().data[0]
    status = pv.write([value], data_type=data_type, wait=True, timeout=10).status.name
    after = pv.read().data[0]
    return [status, bool(before == after)]


out['long_2_40'] = attempt(shutter, float(2 ** 40), ChannelType.DOUBLE)
out['double_text'] = attempt(mtr, b'far', ChannelType.STRING)
out['enum_99'] = attempt(spmg, 99, ChannelType.ENUM)
# Past the soft limits: the motor record completes the put normally and sets LVIO.
out['past_hlm'] = attempt(mtr1, 20.0, ChannelType.DOUBLE)
out['lvio'] = int(epics.caget('sim:mtr1.LVIO', use_monitor=False))
ctx.disconnect()

# ophyd's EpicsMotor: a move to where the motor already is completes (issue 12), and its limits
# come from the IOC.
from ophyd import EpicsMotor  # noqa: E402

motor = EpicsMotor('sim:mtr1', name='motor')
motor.wait_for_connection(timeout=10)
out['ophyd_limits'] = list(motor.limits)
dmov = []
done_moving = threading.Event()


def on_dmov(value=None, **kwargs):
    dmov.append(int(value))
    if len(dmov) >= 3 and dmov[-1] == 1:
        done_moving.set()


dmov_pv = epics.PV('sim:mtr1.DMOV', callback=on_dmov)
for _ in range(1000):  # the subscription's first update (DMOV = 1) before the move
    if dmov:
        break
    epics.poll(0.01)
status = motor.set(motor.position)
status.wait(timeout=10)
done_moving.wait(timeout=10)
out['null_move'] = {'done': status.done, 'success': status.success, 'dmov': dmov[:3]}

# bluesky's RunEngine: a scan whose first point is where the motor already is (the case that hung
# forever before the motor record blinked DMOV on a null move). A watchdog ends a hung scan.
from bluesky import RunEngine  # noqa: E402
from bluesky.plans import scan  # noqa: E402
from ophyd import EpicsSignalRO  # noqa: E402

watchdog = threading.Timer(60, lambda: os._exit(3))
watchdog.start()
detector = EpicsSignalRO('mini:ph:det', name='ph_det')
detector.wait_for_connection(timeout=10)
documents = []
RE = RunEngine({})
RE.subscribe(lambda name, doc: documents.append((name, doc)))
start = motor.position
RE(scan([detector], motor, start, start + 1, 3))
watchdog.cancel()
stops = [doc for name, doc in documents if name == 'stop']
events = [doc for name, doc in documents if name == 'event']
out['scan'] = {
    'exit_status': stops[0]['exit_status'] if stops else None,
    'positions': [round(doc['data']['motor'], 6) for doc in events],
    'start': round(start, 6),
}
print(json.dumps(out))
