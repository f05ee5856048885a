"""Monitors one PV with pyepics or caproto, printing a JSON line per update and connection change."""
import json
import sys
import threading

lib, name = sys.argv[1], sys.argv[2]


def emit(**event):
    print(json.dumps(event), flush=True)


if lib == 'pyepics':
    import epics

    pv = epics.PV(
        name,
        callback=lambda value=None, **kw: emit(event='value', value=float(value)),
        connection_callback=lambda conn=None, **kw: emit(event='conn', up=bool(conn)),
    )
else:
    from caproto.threading.client import Context

    ctx = Context(timeout=5)

    def on_connection(pv, state):
        emit(event='conn', up=state == 'connected')

    def on_update(sub, response):
        emit(event='value', value=float(response.data[0]))

    (pv,) = ctx.get_pvs(name, connection_state_callback=on_connection)
    sub = pv.subscribe()
    sub.add_callback(on_update)

threading.Event().wait()
