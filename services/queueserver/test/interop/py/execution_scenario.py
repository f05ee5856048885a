"""Running things through the real client (spec §16.23, 16.28, 16.32, 16.35, 16.39, 16.37): a
failing plan uploaded as a script, the console monitor's live table, functions run as background
tasks, immediate execution, re_runs during a plan, and locks.
"""
import time

from bluesky_queueserver_api import BFunc, BPlan
from scenario_client import connect, emit, refusal

RM, mode = connect()
out = {}

FAILING_PLAN_MODULE = """
import { definePlan, sleep, type SyncPlan } from '@ophyd-service/run-engine';

export const failing_plan = definePlan('failing_plan(delay: float = 0.1)', function* (delay = 0.1): SyncPlan<unknown> {
  yield* sleep(delay);
  throw new Error('The failing plan failed on purpose');
});
"""


def wait_until(condition, what, attempts=300):
    """Polls `condition` (every 0.1 s, a bounded number of times); fails naming `what`."""
    for _ in range(attempts):
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


RM.queue_clear()
RM.history_clear()
RM.console_monitor.enable()
RM.environment_open()
RM.wait_for_idle(timeout=60)

# §16.34/16.23: upload a plan that throws, queue it between two good plans.
upload = RM.script_upload(FAILING_PLAN_MODULE)
RM.wait_for_completed_task(upload["task_uid"], timeout=60)
out["upload_result"] = RM.task_result(upload["task_uid"])["result"]["success"]
out["failing_plan_allowed"] = "failing_plan" in RM.plans_allowed()["plans_allowed"]
RM.item_add(BPlan("count", ["det1", "det2"], num=3))
failing_uid = RM.item_add(BPlan("failing_plan"))["item"]["item_uid"]
RM.item_add(BPlan("count", ["det1"], num=1))
RM.queue_start()
RM.wait_for_idle(timeout=120)
queue = RM.queue_get()["items"]
history = RM.history_get()["items"]
out["failure"] = {
    "queue": [q["name"] for q in queue],
    "front_has_new_uid": queue[0]["item_uid"] != failing_uid,
    "front_result_status": queue[0].get("result", {}).get("exit_status"),
    "history": [[h["name"], h["result"]["exit_status"]] for h in history],
    "msg": history[-1]["result"]["msg"],
    "traceback_names_the_error": "failed on purpose" in history[-1]["result"]["traceback"],
}

# The console monitor saw the first plan's live table, then the failure. Over HTTP the client's
# monitor polls, so the text can arrive in pieces: wait for the last thing printed, not the first.
text = wait_until(
    lambda: (t := RM.console_monitor.text()) and "generator count" in t and "failed on purpose" in t and t,
    "console text with the failure",
)
out["console"] = {
    "header": next((line for line in text.split("\n") if "seq_num" in line), None),
    "rows": sum(1 for line in text.split("\n") if line.startswith("|") and line.split("|")[1].strip() in "123"),
    "failure_printed": text.index("generator count") < text.index("failed on purpose"),
}
RM.console_monitor.disable()
RM.queue_clear()

# §16.32: three background functions.
tasks = [RM.function_execute(BFunc("function_sleep", 2.0), run_in_background=True) for _ in range(3)]
task_uids = [t["task_uid"] for t in tasks]
out["tasks"] = {
    "uid_is_item_uid": [t["task_uid"] == t["item"]["item_uid"] for t in tasks],
    "status_of_one": RM.task_status(task_uids[0])["status"],
    "status_of_list": sorted(set(RM.task_status(task_uids)["status"].values())),
    "background_tasks": RM.status()["worker_background_tasks"],
}
for uid in task_uids:
    RM.wait_for_completed_task(uid, timeout=60)
result = RM.task_result(task_uids[0])
out["tasks"]["result"] = [result["status"], result["result"]["success"], result["result"]["return_value"]]
unknown = RM.task_result("no-such-task")
out["tasks"]["unknown"] = [unknown["status"], unknown["result"]]

# §16.28 and §16.39: execute an item now while one waits in the queue; its one run shows in re_runs.
RM.item_add(BPlan("count", ["det1"], num=1))
status = RM.status()
executed = RM.item_execute(BPlan("count", ["det1"], num=8, delay=0.25))
during = RM.status()
wait_until(lambda: RM.re_runs("active")["run_list"], "an active run")
runs = {option: RM.re_runs(option) for option in ("active", "open", "closed")}
out["execute"] = {
    "qsize": executed["qsize"],
    "manager_state": during["manager_state"],
    "queue_uid_changed": during["plan_queue_uid"] != status["plan_queue_uid"],
    "running_uid": during["running_item_uid"] == executed["item"]["item_uid"],
    "runs": [len(runs[o]["run_list"]) for o in ("active", "open", "closed")],
    # reload: over HTTP the client answers status from a cache younger than its expiry, which
    # may predate the run.
    "run_list_uid": runs["active"]["run_list_uid"] == RM.status(reload=True)["run_list_uid"],
}
RM.wait_for_idle(timeout=60)
out["execute"]["after"] = [len(RM.queue_get()["items"]), RM.history_get()["items"][-1]["name"]]
RM.queue_clear()

# §16.28: refused while the queue runs.
RM.item_add(BPlan("count", ["det1"], num=8, delay=0.25))
RM.queue_start()
busy = refusal(RM, RM.item_execute, BPlan("count", ["det1"]))
out["execute"]["busy"] = [busy.get("msg"), busy.get("qsize")]
RM.wait_for_idle(timeout=60)

# §16.35: locks.
locks = {}
locked = RM.lock("key-1", environment=True, note="maintenance")
info = locked["lock_info"]
locks["info"] = {k: info[k] for k in ("environment", "queue", "user", "note", "emergency_lock_key_is_set")}
locks["info_types"] = [type(info["time"]).__name__, type(info["time_str"]).__name__]
locks["close_without_key"] = refusal(RM, RM.environment_close).get("msg")
locks["queue_add_without_key"] = "accepted" in refusal(RM, RM.item_add, BPlan("count", ["det1"]))
locks["lock_info_with_key"] = RM.lock_info("key-1")["lock_info"]["environment"]
locks["lock_info_wrong_key"] = refusal(RM, RM.lock_info, "wrong").get("msg")
locks["unlock_wrong_key"] = refusal(RM, RM.unlock, "wrong").get("msg")
RM.unlock("key-1")
RM.lock("key-2", queue=True)
locks["clear_without_key"] = refusal(RM, RM.queue_clear).get("msg")
locks["clear_with_key"] = "accepted" in refusal(RM, RM.queue_clear, lock_key="key-2")
RM.lock_key = "key-2"
RM.enable_locked_api = True
locks["add_with_default_key"] = "accepted" in refusal(RM, RM.item_add, BPlan("count", ["det1"]))
RM.enable_locked_api = False
RM.unlock("key-2")
locks["after_unlock"] = [RM.lock_info()["lock_info"][k] for k in ("environment", "queue")]
out["locks"] = locks

RM.queue_clear()
RM.environment_close()
RM.wait_for_idle(timeout=60)
RM.close()
emit(out)
