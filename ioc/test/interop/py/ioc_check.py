"""Reads the PV list of our simulated IOC with pyepics or caproto, then moves motors as ophyd would."""
import json
import sys
import time

lib = sys.argv[1]
names = json.loads(sys.argv[2])
out = {}


def until(predicate, timeout=120.0):  # a guard against a hang only; the test's timeout is the bound
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError('condition not met')
        time.sleep(0.01)


if lib == 'pyepics':
    import epics

    pvs = {n: epics.PV(n, auto_monitor=False) for n in names}
    for n, pv in pvs.items():
        pv.wait_for_connection(10)
    out['types'] = {n: [epics.ca.field_type(pv.chid), epics.ca.element_count(pv.chid), bool(pv.write_access)] for n, pv in pvs.items()}

    # mini:ph:mtr 0 -> 2 at vel 1 with put-completion.
    epics.caput('mini:ph:vel', 0, wait=True)
    epics.caput('mini:ph:mtr', 0, wait=True)
    epics.caput('mini:ph:vel', 1, wait=True)
    # Positions as they arrive: the monitor updates travel on the circuit before the put's reply, so
    # what has arrived when the put returns shows whether it waited for the whole move.
    positions = []
    mover = epics.PV('mini:ph:mtr', callback=lambda value=None, **kw: positions.append(float(value)))
    until(lambda: len(positions) >= 1)
    epics.caput('mini:ph:mtr', 2, wait=True, timeout=120)
    out['ph_positions_at_completion'] = list(positions)
    until(lambda: positions.count(2.0) >= 2)  # the last step's and the target's updates
    out['ph_positions'] = list(positions)
    mover.clear_callbacks()
    out['ph_final'] = epics.caget('mini:ph:mtr', use_monitor=False)

    # sim:mtr1 as EpicsMotor drives it: write VAL, watch DMOV 0 -> 1, then STOP mid-move.
    dmov = []
    watcher = epics.PV('sim:mtr1.DMOV', callback=lambda value=None, **kw: dmov.append(int(value)))
    until(lambda: len(dmov) >= 1)
    epics.caput('sim:mtr1', 1.0, wait=False)
    until(lambda: 0 in dmov)
    until(lambda: dmov[-1] == 1)
    out['dmov_sequence_ok'] = dmov[0] == 1 and 0 in dmov and dmov[-1] == 1
    out['rbv_after_move'] = epics.caget('sim:mtr1.RBV', use_monitor=False)
    dmov.clear()
    rbv = []
    readback = epics.PV('sim:mtr1.RBV', callback=lambda value=None, **kw: rbv.append(float(value)))
    epics.caput('sim:mtr1', 9.0, wait=False)
    until(lambda: 0 in dmov)
    until(lambda: rbv and rbv[-1] >= 2)  # let it travel a way before stopping it, as an operator would
    epics.caput('sim:mtr1.STOP', 1, wait=True)
    until(lambda: dmov[-1] == 1)
    out['rbv_after_stop'] = epics.caget('sim:mtr1.RBV', use_monitor=False)
    out['val_after_stop'] = epics.caget('sim:mtr1', use_monitor=False)
else:
    from caproto.threading.client import Context

    ctx = Context(timeout=10)
    pvs = ctx.get_pvs(*names, timeout=10)
    for pv in pvs:
        pv.wait_for_connection(timeout=10)
    out['types'] = {
        pv.name: [int(pv.channel.native_data_type), int(pv.channel.native_data_count), 'WRITE' in str(pv.channel.access_rights) or int(pv.channel.access_rights) & 2 == 2]
        for pv in pvs
    }
    ctx.disconnect()
print(json.dumps(out))
