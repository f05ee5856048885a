"""Queue editing through the real client (spec §16.9-16.11, 16.14, 16.15, 16.30): batch add (all or
nothing, placement), move, move batch, update and history clear. Items are told apart by a tag in
their metadata, so the queue's order prints as a string such as "1234567".
"""
from bluesky_queueserver_api import BInst, BPlan
from scenario_client import connect, emit, refusal

RM, mode = connect()
out = {}


def plan(tag):
    return BPlan("count", ["det1"], num=1, md={"tag": tag})


def order():
    return "".join(item["kwargs"]["md"]["tag"] for item in RM.queue_get()["items"])


def uid_of(tag):
    return next(i["item_uid"] for i in RM.queue_get()["items"] if i["kwargs"]["md"]["tag"] == tag)


def fresh_queue(tags):
    RM.queue_clear()
    RM.item_add_batch([plan(t) for t in tags])


RM.queue_clear()
RM.history_clear()

# §16.9: all or nothing.
submitted = [plan("1"), BPlan("count_test", ["det1"]), BInst("queue_stop"), {}, plan("2")]
reply = refusal(RM, RM.item_add_batch, submitted)
out["bad_batch"] = {
    "msg": reply.get("msg"),
    "qsize": reply.get("qsize"),
    "items_are_the_submitted_ones": reply.get("items") == [i if isinstance(i, dict) else i.to_dict() for i in submitted],
    "results": [[r["success"], r["msg"]] for r in reply.get("results", [])],
    "queue_after": order(),
}
empty = RM.item_add_batch([])
out["empty_batch"] = [empty["success"], empty["qsize"], empty["items"]]

# §16.10: where a batch lands.
placements = {}
for name, where in [
    ("front", {"pos": "front"}),
    ("pos_0", {"pos": 0}),
    ("pos_-100", {"pos": -100}),
    ("pos_1", {"pos": 1}),
    ("before_3", {"before_uid": "3"}),
    ("after_4", {"after_uid": "4"}),
    ("pos_-1", {"pos": -1}),
    ("pos_100", {"pos": 100}),
    ("unknown_uid", {"before_uid": "no-such-uid"}),
    ("ambiguous", {"pos": 1, "before_uid": "3"}),
]:
    fresh_queue("1234")
    params = {k: (uid_of(v) if k.endswith("_uid") and v in "1234" else v) for k, v in where.items()}
    reply = refusal(RM, RM.item_add_batch, [plan(t) for t in "567"], **params)
    placements[name] = {
        "order": order(),
        "success": "accepted" in reply,
        "item_msgs": [r["msg"] for r in reply.get("results", [])],
    }
out["placements"] = placements

# §16.14: move one item.
fresh_queue("012")
moves = {}
RM.item_move(uid=uid_of("0"), after_uid=uid_of("2"))
moves["0_after_2"] = order()
RM.item_move(uid=uid_of("2"), before_uid=uid_of("1"))
moves["2_before_1"] = order()
queue_uid = RM.status()["plan_queue_uid"]
RM.item_move(uid=uid_of("0"), before_uid=uid_of("0"))
moves["onto_itself_keeps_queue_uid"] = RM.status()["plan_queue_uid"] == queue_uid
far = refusal(RM, RM.item_move, pos=50, pos_dest="front")
moves["pos_50"] = [far.get("msg"), far.get("item"), far.get("qsize")]
nowhere = refusal(RM, RM.item_move, uid=uid_of("1"))
moves["no_destination"] = nowhere.get("msg")
moves["after_failures"] = order()
out["moves"] = moves

# §16.15: move a batch.
batch_moves = {}
for name, params in [
    ("after_5", {"after_uid": "5", "reorder": False}),
    ("after_5_reordered", {"after_uid": "5", "reorder": True}),
]:
    fresh_queue("0123456")
    RM.item_move_batch(uids=[uid_of(t) for t in "302"], **{k: uid_of(v) if k == "after_uid" else v for k, v in params.items()})
    batch_moves[name] = order()
fresh_queue("0123456")
RM.item_move_batch(uids=[uid_of("1"), uid_of("0")], pos_dest="front")
batch_moves["front_10"] = order()
inside = refusal(RM, RM.item_move_batch, uids=[uid_of("3"), uid_of("0")], before_uid=uid_of("3"))
two = refusal(RM, RM.item_move_batch, uids=[uid_of("3")], pos_dest="front", after_uid=uid_of("5"))
none = refusal(RM, RM.item_move_batch, uids=[uid_of("3")])
batch_moves["refusals"] = [inside.get("msg"), two.get("msg"), none.get("msg")]
batch_moves["after_refusals"] = order()
out["batch_moves"] = batch_moves

# §16.11: update in place, or replace with a new uid.
fresh_queue("123")
item = RM.item_get(uid=uid_of("2"))["item"]
changed = dict(item, kwargs=dict(item["kwargs"], num=4), user="someone else")
kept = RM.item_update(changed)["item"]
replaced = RM.item_update(dict(kept, kwargs=dict(kept["kwargs"], num=5)), replace=True)["item"]
unknown = refusal(RM, RM.item_update, dict(item, item_uid="incorrect_uid"))
queue = RM.queue_get()["items"]
out["update"] = {
    "kept_uid": kept["item_uid"] == item["item_uid"],
    "kept_num": kept["kwargs"]["num"],
    "user": kept["user"],
    "replaced_has_new_uid": replaced["item_uid"] not in (item["item_uid"], ""),
    "replaced_at_same_position": queue[1]["item_uid"] == replaced["item_uid"],
    "replaced_num": queue[1]["kwargs"]["num"],
    "unknown_uid": [unknown.get("msg"), unknown.get("qsize")],
    "order": order(),
}

# §16.30: history clear, after four plans have run.
RM.queue_clear()
RM.environment_open()
RM.wait_for_idle(timeout=60)
history = {}


def run_four():
    RM.history_clear()
    RM.item_add_batch([plan(t) for t in "abcd"])
    RM.queue_start()
    RM.wait_for_idle(timeout=120)


run_four()
history_uid = RM.status()["plan_history_uid"]
RM.history_clear(size=5)
history["size_5"] = [len(RM.history_get()["items"]), RM.status()["plan_history_uid"] == history_uid]
RM.history_clear(size=1)
history["size_1"] = [h["kwargs"]["md"]["tag"] for h in RM.history_get()["items"]]
run_four()
RM.history_clear(item_uid=RM.history_get()["items"][1]["item_uid"])
history["item_uid_of_index_1"] = [h["kwargs"]["md"]["tag"] for h in RM.history_get()["items"]]
history["size_ab"] = refusal(RM, RM.history_clear, size="ab").get("msg")
history["both"] = refusal(RM, RM.history_clear, size=1, item_uid="x").get("msg")
RM.history_clear()
history["cleared"] = len(RM.history_get()["items"])
out["history"] = history

RM.environment_close()
RM.wait_for_idle(timeout=60)
RM.close()
emit(out)
