"""One short session through the real client, to prove a transport variant end to end (msgpack
frames, CurveZMQ): status, open, run a plan, history, the console monitor over INFO, close.
"""
import time

from bluesky_queueserver_api import BPlan
from scenario_client import connect, emit

RM, mode = connect()
out = {}
RM.console_monitor.enable()
status = RM.status()
out["boot"] = [status["manager_state"], status["msg"].startswith("RE Manager")]
RM.environment_open()
RM.wait_for_idle(timeout=60)
RM.item_add(BPlan("count", ["det1"], num=2))
RM.queue_start()
RM.wait_for_idle(timeout=60)
history = RM.history_get()["items"]
out["history"] = [[h["name"], h["result"]["exit_status"], type(h["result"]["time_start"]).__name__] for h in history]
text = ""
for _ in range(100):
    text = RM.console_monitor.text()
    if "generator count" in text:
        break
    time.sleep(0.1)
out["console_has_table"] = "|   seq_num |       time |       det1 |" in text
RM.environment_close()
RM.wait_for_idle(timeout=60)
out["closed"] = RM.status()["worker_environment_exists"]
RM.console_monitor.disable()
RM.close()
emit(out)
