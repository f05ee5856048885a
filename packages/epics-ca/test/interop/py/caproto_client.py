"""Drives our CA server with caproto's threading client: prints one JSON object of what it saw."""
import json
import time

from caproto import ChannelType
from caproto.threading.client import Context

ctx = Context(timeout=5)
names = ['i:double', 'i:float', 'i:long', 'i:short', 'i:char', 'i:string', 'i:enum', 'i:wave1000', 'i:ro', 'i:counter', 'i:slow', 'i:slow_done']
pvs = dict(zip(names, ctx.get_pvs(*names, timeout=5)))


def scalar(resp):
    v = resp.data[0]
    return v.decode() if isinstance(v, bytes) else (v.item() if hasattr(v, 'item') else v)


out = {'values': {n: scalar(pvs[n].read()) for n in names[:7]}}
out['native_types'] = {n: int(pvs[n].channel.native_data_type) for n in names[:7]}
out['enum_strings'] = list(pvs['i:enum'].read(data_type=ChannelType.CTRL_ENUM).metadata.enum_strings)
out['enum_strings'] = [s.decode() if isinstance(s, bytes) else s for s in out['enum_strings']]
pvs['i:double'].write([4.25], wait=True)
pvs['i:string'].write([b'from caproto'], wait=True)
out['after_put'] = {n: scalar(pvs[n].read()) for n in ['i:double', 'i:string']}
pvs['i:slow'].write([2.0], wait=True, timeout=60)
out['slow_done_after_put'] = scalar(pvs['i:slow_done'].read())
wave = pvs['i:wave1000'].read().data
out['wave1000'] = [len(wave), float(wave[0]), float(wave[-1])]
out['ro_access'] = int(pvs['i:ro'].channel.access_rights)
try:
    response = pvs['i:ro'].write([5.0], wait=True, timeout=3)
    out['ro_status'] = response.status.code_with_severity
except Exception as err:  # a client that checks access rights refuses before sending
    out['ro_status'] = type(err).__name__
seen = []
sub = pvs['i:counter'].subscribe()


def on_update(sub, response):  # caproto holds callbacks weakly: keep a named reference
    seen.append(scalar(response))


sub.add_callback(on_update)
end = time.monotonic() + 60  # a guard only: updates come every 20 ms
while len(seen) < 5 and time.monotonic() < end:
    time.sleep(0.01)
out['monitor_count'] = len(seen)
out['monitor_increasing'] = all(b > a for a, b in zip(seen, seen[1:]))
print(json.dumps(out))
ctx.disconnect()
