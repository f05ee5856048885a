"""EPICS base's RSRV (pythonSoftIOC) with records its own scan threads process, for bench/ca-fanout.ts:
N calc records `ioc:<i>` (CALC "RNDM", a new value every time) scanned at ".1 second", so every
update is made and posted in C and the process's CPU is RSRV's and the scan's, not Python's.

Argv: <count>; the port comes from EPICS_CA_SERVER_PORT / EPICS_CAS_SERVER_PORT. Prints
`{"ready": true}` once serving; stdin protocol in ioc_common.py (ticks counted as 10 per second).
"""
import os
import sys
import tempfile
import threading
import time

from ioc_common import Window, ready
from softioc import asyncio_dispatcher, softioc
from softioc.imports import dbLoadDatabase

count = int(sys.argv[1])
window = Window(count)
fd, database = tempfile.mkstemp('.db')
with os.fdopen(fd, 'w') as out:
    for i in range(count):
        out.write(f'record(calc, "ioc:{i}") {{\n  field(SCAN, ".1 second")\n  field(CALC, "RNDM")\n}}\n')
dbLoadDatabase(database, None, None)
os.unlink(database)
# No record here calls back into Python; the dispatcher is only what iocInit requires.
softioc.iocInit(asyncio_dispatcher.AsyncioDispatcher(), enable_pva=False)


def ticker():
    """The scan runs in C at 10 Hz; the window's tick count follows the clock."""
    while True:
        time.sleep(0.1)
        window.ticks += 1


threading.Thread(target=ticker, daemon=True).start()
window.serve_stdin()
ready()
threading.Event().wait()
