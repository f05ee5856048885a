"""Spreadsheet upload against the reference's own fixtures (spec §10.3): bluesky-queueserver's
`create_excel_file_from_plan_list` writes its sample plan list (and the conversion test's mixed-type
extras) as .xlsx and .csv with pandas/openpyxl; each file is converted by the reference's built-in
`spreadsheet_to_plan_list` and uploaded to our server as bluesky-httpserver's tests post it (a
multipart `spreadsheet` file). The published bluesky-queueserver-api (0.0.13) has no spreadsheet
method, so the upload is an httpx request with the client's API key; the queue is read back with
the client.

Usage: spreadsheet_scenario.py http <url> <api_key>
"""
import copy
import os
import sys
import tempfile

import httpx
from bluesky_queueserver.manager.conversions import spreadsheet_to_plan_list
from bluesky_queueserver.manager.tests.plan_lists import create_excel_file_from_plan_list, plan_list_sample
from scenario_client import connect, emit

RM, mode = connect()
url, api_key = sys.argv[2], sys.argv[3]
out = {}

# The extras of bluesky-queueserver's test_spreadsheet_to_plan_list_1: one column of mixed types.
EXTRAS = [
    {"name": "count", "args": [["det2"]], "kwargs": {"num": 2, "extra_param": 50}, "item_type": "plan"},
    {"name": "count", "args": [["det2"]], "kwargs": {"num": 2, "extra_param": "some_str"}, "item_type": "plan"},
    {"name": "count", "args": [["det2"]], "kwargs": {"num": 2, "extra_param": 50.256}, "item_type": "plan"},
    {"name": "count", "args": [["det2"]], "kwargs": {"num": 2, "extra_param": None}, "item_type": "plan"},
    {"name": "count", "args": [["det2"]], "kwargs": {"num": 2, "extra_param": ""}, "item_type": "plan"},
    {"name": "count", "args": [["det2"]], "kwargs": {"num": 2, "extra_param": [10, 20, 30]}, "item_type": "plan"},
    {"name": "count", "args": [["det2"]], "kwargs": {"num": 2, "extra_param": {"p1": 10, "p2": "10", "p3": 50}},
     "item_type": "plan"},
]


def plan_fields(items):
    keys = ("name", "item_type", "args", "kwargs")
    return [{k: item[k] for k in keys if k in item} for item in items]


def upload(path):
    with open(path, "rb") as f:
        response = httpx.post(
            f"{url}/api/queue/upload/spreadsheet",
            files={"spreadsheet": (os.path.basename(path), f)},
            headers={"Authorization": f"ApiKey {api_key}"},
            timeout=60,
        )
    return response.status_code, response.json()


def reference(path):
    with open(path, "rb") as f:
        return spreadsheet_to_plan_list(spreadsheet_file=f, file_name=os.path.basename(path))


with tempfile.TemporaryDirectory() as tmp:
    for ext in (".xlsx", ".csv"):
        # Every value type in one column: the manager refuses `extra_param`, so the batch is refused,
        # and its reply still lists the items our converter made.
        mixed = copy.deepcopy(plan_list_sample) + copy.deepcopy(EXTRAS)
        path = create_excel_file_from_plan_list(tmp, plan_list=mixed, ss_filename=f"mixed{ext[1:]}", ss_ext=ext)
        RM.queue_clear()
        status, reply = upload(path)
        out[f"mixed{ext}"] = {
            "status": status,
            "success": reply.get("success"),
            "same_as_reference": plan_fields(reply.get("items", [])) == plan_fields(reference(path)),
            "n_items": len(reply.get("items", [])),
            "queue_after": len(RM.queue_get()["items"]),
        }

        # The sample alone: every plan lands, in row order.
        path = create_excel_file_from_plan_list(
            tmp, plan_list=copy.deepcopy(plan_list_sample), ss_filename=f"sample{ext[1:]}", ss_ext=ext
        )
        RM.queue_clear()
        status, reply = upload(path)
        queue = RM.queue_get()["items"]
        out[f"sample{ext}"] = {
            "status": status,
            "success": reply.get("success"),
            "msg": reply.get("msg"),
            "queue_same_as_reference": plan_fields(queue) == plan_fields(reference(path)),
            "queue_names": [item["name"] for item in queue],
        }

    # A file the reference's converter refuses: the same refusal, as a reply with no items.
    path = create_excel_file_from_plan_list(
        tmp,
        plan_list=copy.deepcopy(plan_list_sample) + [{"name": "co unt", "args": [["det1"]], "kwargs": {"num": 10}}],
        ss_filename="bad",
        ss_ext=".csv",
    )
    try:
        reference(path)
        reference_msg = None
    except Exception as error:
        reference_msg = str(error)
    status, reply = upload(path)
    out["bad"] = {"status": status, "reply": reply, "reference_msg": reference_msg}

RM.queue_clear()
emit(out)
