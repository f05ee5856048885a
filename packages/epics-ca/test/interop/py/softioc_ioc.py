"""An EPICS-base IOC (pythonSoftIOC, RSRV) for our client to talk to."""
import numpy
from softioc import asyncio_dispatcher, builder, softioc

builder.SetDeviceName('sio')
builder.aOut('AO', initial_value=1.25, PREC=2, EGU='V')
builder.longOut('LO', initial_value=5)
builder.stringOut('SO', initial_value='epics-base')
builder.mbbOut('MB', 'Zero', 'One', 'Two', initial_value=1)
builder.WaveformOut('WF', initial_value=numpy.arange(1000, dtype=numpy.float64))
# NELM for a 2.4 MB image, NORD 10 for now (serving it needs EPICS_CA_MAX_ARRAY_BYTES raised).
builder.WaveformOut('IMAGE', initial_value=numpy.zeros(10, dtype=numpy.float64), length=300_000)
builder.LoadDatabase()
softioc.iocInit(asyncio_dispatcher.AsyncioDispatcher(), enable_pva=False)  # no cothread here
print('IOC READY', flush=True)
softioc.non_interactive_ioc()
