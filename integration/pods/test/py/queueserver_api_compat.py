"""The reference's queueserver_api_compat exerciser: bluesky-queueserver-api, unchanged, against a
pod's queue server over 0MQ and over HTTP.

Usage: queueserver_api_compat.py <zmq_control_addr> <zmq_info_addr> <http_url> <api_key>
Prints one JSON object with what the client saw; the TypeScript test asserts on it.
"""
import json
import sys
import time

from bluesky_queueserver_api import BPlan
from bluesky_queueserver_api.http import REManagerAPI as HttpAPI
from bluesky_queueserver_api.zmq import REManagerAPI as ZmqAPI

control, info, url, api_key = sys.argv[1:5]
out = {}

zmq = ZmqAPI(zmq_control_addr=control, zmq_info_addr=info)
out["zmq_manager_state"] = zmq.status()["manager_state"]
zmq.console_monitor.enable()
zmq.system_info_monitor.enable()
zmq.queue_clear()
zmq.item_add(BPlan("count", ["det1"], num=1))
out["zmq_queue_len"] = len(zmq.queue_get()["items"])
out["zmq_plans_allowed_has_count"] = "count" in zmq.plans_allowed()["plans_allowed"]
# The item just added is printed on the console stream; the status on the system-info stream.
try:
    out["console_msg"] = zmq.console_monitor.next_msg(timeout=30)["msg"]
except zmq.RequestTimeoutError as error:
    out["console_msg"] = f"timeout: {error}"
try:
    out["system_info_keys"] = sorted(zmq.system_info_monitor.next_msg(timeout=30)["msg"].keys())
except zmq.RequestTimeoutError as error:
    out["system_info_keys"] = f"timeout: {error}"
zmq.console_monitor.disable()
zmq.system_info_monitor.disable()

http = HttpAPI(http_server_uri=url)
http.set_authorization_key(api_key=api_key)
out["http_manager_state"] = http.status()["manager_state"]
out["http_queue"] = [item["name"] for item in http.queue_get()["items"]]
out["http_devices_allowed"] = len(http.devices_allowed()["devices_allowed"])
http.queue_clear()
deadline = time.time() + 10
while len(zmq.queue_get()["items"]) and time.time() < deadline:
    time.sleep(0.2)
out["zmq_queue_len_after_http_clear"] = len(zmq.queue_get()["items"])

zmq.close()
http.close()
print(json.dumps(out))
