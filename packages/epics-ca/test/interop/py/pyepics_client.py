"""Drives our CA server with pyepics (libca): prints one JSON object of what it saw."""
import json
import time

import epics

NAMES = ['i:double', 'i:float', 'i:long', 'i:short', 'i:char', 'i:string', 'i:enum']


def until(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError('condition not met')
        time.sleep(0.01)


out = {'values': {n: epics.caget(n, timeout=5) for n in NAMES}}
out['native_types'] = {n: epics.ca.field_type(epics.PV(n, connection_timeout=5).chid) for n in NAMES}
out['enum_as_string'] = epics.caget('i:enum', as_string=True)
ctrl = epics.PV('i:double')
ctrl.wait_for_connection(5)
cv = ctrl.get_ctrlvars()
out['ctrl'] = {'units': cv['units'], 'precision': cv['precision'], 'upper_ctrl_limit': cv['upper_ctrl_limit']}

for name, value in [('i:double', 7.5), ('i:long', -3), ('i:string', 'from libca'), ('i:enum', 2)]:
    epics.caput(name, value, wait=True, timeout=5)
out['after_put'] = {n: epics.caget(n, use_monitor=False) for n in ['i:double', 'i:long', 'i:string', 'i:enum']}
epics.caput('i:enum', 'Out', wait=True, timeout=5)
out['enum_by_name'] = epics.caget('i:enum', use_monitor=False)

epics.caput('i:slow', 1, wait=True, timeout=60)
out['slow_done_after_put'] = epics.caget('i:slow_done', use_monitor=False, timeout=60)

for n in (1, 1000, 1000000):
    a = epics.caget(f'i:wave{n}', timeout=10)
    out[f'wave{n}'] = [len(a) if hasattr(a, '__len__') else 1, float(a[0] if hasattr(a, '__len__') else a), float(a[-1] if hasattr(a, '__len__') else a)]

ro = epics.PV('i:ro')
ro.wait_for_connection(5)
out['ro_write_access'] = ro.write_access
try:
    epics.ca.put(ro.chid, 99.0, wait=True, timeout=3)
except Exception as err:  # libca refuses locally or the server does
    out['ro_error'] = type(err).__name__
out['ro_value'] = epics.caget('i:ro', use_monitor=False)

seen = []
counter = epics.PV('i:counter', callback=lambda value=None, **kw: seen.append(value))
until(lambda: len(seen) >= 5)
out['monitor_increasing'] = all(b > a for a, b in zip(seen, seen[1:]))
print(json.dumps(out))
