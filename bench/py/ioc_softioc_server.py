"""pythonSoftIOC (EPICS base RSRV) as the IOC of bench/ioc.ts: N aIn records `ioc:<i>`, all set at
100 Hz from one coroutine on the asyncio dispatcher; each set processes the record, which stamps it.

Argv: <count>; the port comes from EPICS_CA_SERVER_PORT / EPICS_CAS_SERVER_PORT. Prints
`{"ready": true}` when the update loop starts; stdin protocol in ioc_common.py.
"""
import asyncio
import sys

from ioc_common import Window, ready
from softioc import asyncio_dispatcher, builder, softioc

count = int(sys.argv[1])
window = Window(count)
builder.SetDeviceName('ioc')
records = [builder.aIn(str(i), initial_value=0.0) for i in range(count)]
builder.LoadDatabase()
dispatcher = asyncio_dispatcher.AsyncioDispatcher()
softioc.iocInit(dispatcher, enable_pva=False)


async def updater():
    loop = asyncio.get_running_loop()
    period, value = 0.01, 0.0
    next_tick = loop.time()
    ready()
    while True:
        value += 1
        for record in records:
            record.set(value)
        window.ticks += 1
        next_tick += period
        delay = next_tick - loop.time()
        if delay < 0:
            next_tick -= delay
            delay = 0
        await asyncio.sleep(delay)


dispatcher(updater)
window.serve_stdin()
softioc.non_interactive_ioc()
