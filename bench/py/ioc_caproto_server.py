"""caproto's asyncio server as the IOC of bench/ioc.ts: N double pvproperties `ioc:<i>`, all written
at 100 Hz by one async loop (pvproperty `scan` would start N tasks, one timer each: more scheduling,
less fair to caproto). Each write stamps time.time(), the same as our pv.post.

Argv: <count>; the port comes from EPICS_CA_SERVER_PORT / EPICS_CAS_SERVER_PORT. Prints
`{"ready": true}` when the update loop starts; stdin protocol in ioc_common.py.
"""
import asyncio
import sys

from caproto.server import PVGroup, pvproperty, run
from ioc_common import Window, ready

count = int(sys.argv[1])
window = Window(count)


async def updater(group):
    props = [getattr(group, f'p{i}') for i in range(count)]
    period, value = 0.01, 0.0
    next_tick = asyncio.get_running_loop().time()
    ready()
    while True:
        value += 1
        for prop in props:
            await prop.write(value)
        window.ticks += 1
        next_tick += period
        delay = next_tick - asyncio.get_running_loop().time()
        if delay < 0:  # behind: do not burst to catch up, just carry on at the period
            next_tick -= delay
            delay = 0
        await asyncio.sleep(delay)


async def startup(async_lib):
    asyncio.get_running_loop().create_task(updater(group))


attrs = {f'p{i}': pvproperty(value=0.0, name=str(i)) for i in range(count)}
Group = type('Group', (PVGroup,), attrs)
group = Group(prefix='ioc:')
window.serve_stdin()
run(group.pvdb, interfaces=['127.0.0.1'], startup_hook=startup)
