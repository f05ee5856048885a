"""Both transports against one server (spec §16.40): an item added over 0MQ is seen over HTTP, and
a queue cleared over HTTP is seen over 0MQ.

Usage: crosscheck_scenario.py <control_addr> <info_addr> <url> <api_key>
"""
import sys
import time

from bluesky_queueserver_api import BPlan
from scenario_client import connect, emit

ZMQ, _ = connect(["", "zmq", sys.argv[1], sys.argv[2]])
HTTP, _ = connect(["", "http", sys.argv[3], sys.argv[4]])
out = {}
ZMQ.queue_clear()
# Both clients cache the queue; a read now makes the 0MQ one hold the empty queue.
ZMQ.queue_get()
added = ZMQ.item_add(BPlan("count", ["det1"], num=1))["item"]
seen = HTTP.queue_get()["items"]
out["http_sees_zmq_item"] = [[i["item_uid"] == added["item_uid"], i["user"]] for i in seen]
HTTP.item_add(BPlan("count", ["det2"], num=1))
out["zmq_sees_http_item"] = [i["user"] for i in ZMQ.queue_get()["items"]]
HTTP.queue_clear()
for _ in range(100):
    if not ZMQ.queue_get()["items"]:
        break
    time.sleep(0.1)
out["zmq_after_http_clear"] = len(ZMQ.queue_get()["items"])
out["same_queue_uid"] = ZMQ.status()["plan_queue_uid"] == HTTP.status()["plan_queue_uid"]
ZMQ.close()
HTTP.close()
emit(out)
