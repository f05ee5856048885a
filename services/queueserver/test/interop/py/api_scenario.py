"""Drives the queue server with bluesky-queueserver-api, unchanged, over 0MQ or HTTP.

Usage: api_scenario.py zmq <control_addr> <info_addr> | http <url> <api_key>
Prints one JSON object with what the client saw; the TypeScript test asserts on it.
"""
import json
import sys
import time

mode = sys.argv[1]
if mode == "zmq":
    from bluesky_queueserver_api.zmq import REManagerAPI
    RM = REManagerAPI(zmq_control_addr=sys.argv[2], zmq_info_addr=sys.argv[3])
else:
    from bluesky_queueserver_api.http import REManagerAPI
    RM = REManagerAPI(http_server_uri=sys.argv[2])
    RM.set_authorization_key(api_key=sys.argv[3])

from bluesky_queueserver_api import BPlan

out = {}
status = RM.status()
out["boot_state"] = status["manager_state"]
out["boot_msg"] = status["msg"]
RM.environment_open()
RM.wait_for_idle(timeout=60)
status = RM.status()
out["env_exists"] = status["worker_environment_exists"]
out["re_state"] = status["re_state"]
out["plans_allowed_has_count"] = "count" in RM.plans_allowed()["plans_allowed"]
out["devices_allowed_has_det1"] = "det1" in RM.devices_allowed()["devices_allowed"]

RM.item_add(BPlan("count", ["det1", "det2"], num=3))
RM.item_add(BPlan("scan", ["det1", "det2"], "motor", -1, 1, 10))
try:
    RM.item_add(BPlan("count", ["det1"], abc=10))
    out["bad_kwarg_msg"] = "accepted"
except RM.RequestFailedError as error:
    out["bad_kwarg_msg"] = str(error)
out["queue_len_before"] = len(RM.queue_get()["items"])
RM.queue_start()
RM.wait_for_idle(timeout=120)
history = RM.history_get()["items"]
out["history"] = [
    {
        "name": h["name"],
        "exit_status": h["result"]["exit_status"],
        "n_runs": len(h["result"]["run_uids"]),
        "time_start_is_float": isinstance(h["result"]["time_start"], float),
        "user": h["user"],
    }
    for h in history
]
out["queue_len_after"] = len(RM.queue_get()["items"])

# Pause a longer plan, then stop it.
RM.item_add(BPlan("count", ["det1"], num=5, delay=1))
RM.queue_start()
deadline = time.time() + 30
while RM.status()["re_state"] != "running" and time.time() < deadline:
    time.sleep(0.1)
RM.re_pause(option="immediate")
RM.wait_for_idle_or_paused(timeout=30)
out["paused_state"] = RM.status()["manager_state"]
RM.re_stop()
RM.wait_for_idle(timeout=30)
out["after_stop"] = RM.history_get()["items"][-1]["result"]["exit_status"]

RM.environment_close()
RM.wait_for_idle(timeout=60)
out["env_after_close"] = RM.status()["worker_environment_exists"]
RM.close()
print(json.dumps(out))
