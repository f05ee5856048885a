"""Runs named plans with bluesky's RunEngine on ophyd.sim and prints, per case, the message
sequence (formatted as the TypeScript side formats it), the descriptors' data keys and object keys,
and the stop documents' event counts, as one JSON line."""
import contextlib
import io
import json
import sys
import warnings

warnings.filterwarnings("ignore")

import bluesky.plan_stubs as bps  # noqa: E402
import bluesky.plans as bp  # noqa: E402
import bluesky.preprocessors as bpp  # noqa: E402
import numpy as np  # noqa: E402
from bluesky import RunEngine  # noqa: E402
from ophyd.sim import hw  # noqa: E402

h = hw()


def profile():
    """The reference queue server's simulated profile (its devices and test plans), without its RunEngine file."""
    import os
    import runpy

    from bluesky_queueserver.manager.profile_ops import get_default_startup_dir

    ns = {}
    for name in ("00-ophyd.py", "15-plans.py", "99-custom.py"):
        ns = runpy.run_path(os.path.join(get_default_startup_dir(), name), init_globals=ns)
    return ns


def with_profile(make):
    def plan():
        ns = profile()
        for m in (ns["motor"], ns["motor1"], ns["motor2"]):
            m.set(0)
        return make(ns)

    return plan


class PolledStatus:
    """A status that reports done only on its `polls`+1-th look: a ramp of a known number of points."""

    def __init__(self, polls):
        self.polls = polls

    @property
    def done(self):
        self.polls -= 1
        return self.polls < 0


def ramp_go():
    yield from bps.null()
    return PolledStatus(2)



class Prepared:
    """A Preparable device (ophyd.sim has none): prepare(value) keeps the value, done at once."""

    name = "prep"
    parent = None

    def prepare(self, value):
        from ophyd.sim import NullStatus

        self.value = value
        return NullStatus()


def prepare_then_count():
    prep = Prepared()
    yield from bps.prepare(prep, 2.5, wait=True)
    yield from bps.prepare(prep, 1, group="setup")
    yield from bps.wait(group="setup")
    yield from bp.count([h.det])

CASES = {
    "count": lambda: bp.count([h.det1, h.det2], num=3),
    "count_delay": lambda: bp.count([h.det], num=2, delay=0.5),
    "scan": lambda: bp.scan([h.det], h.motor, -1, 1, 5),
    "scan_two_motors": lambda: bp.scan([h.det1, h.det2], h.motor1, 0, 2, h.motor2, 2, 0, 4),
    "rel_scan": lambda: bp.rel_scan([h.det], h.motor, -1, 1, 3),
    "list_scan": lambda: bp.list_scan([h.det], h.motor, [1, 2, 5]),
    "rel_list_scan": lambda: bp.rel_list_scan([h.det], h.motor, [1, 2]),
    "grid_scan": lambda: bp.grid_scan([h.det4], h.motor1, 0, 1, 2, h.motor2, 0, 1, 3, snake_axes=True),
    "rel_grid_scan": lambda: bp.rel_grid_scan([h.det], h.motor1, 0, 1, 2, h.motor2, 0, 1, 2),
    "log_scan": lambda: bp.log_scan([h.det], h.motor, 0, 2, 4),
    "rel_log_scan": lambda: bp.rel_log_scan([h.det], h.motor, 0, 2, 3),
    "list_grid_scan": lambda: bp.list_grid_scan([h.det], h.motor1, [1, 2], h.motor2, [3, 4, 5], snake_axes=True),
    "rel_list_grid_scan": lambda: bp.rel_list_grid_scan([h.det], h.motor1, [1, 2], h.motor2, [3, 4]),
    "spiral": lambda: bp.spiral([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 0.5, 2),
    "spiral_fermat": lambda: bp.spiral_fermat([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 0.5, 1.1),
    "spiral_square": lambda: bp.spiral_square([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 3, 3),
    "rel_spiral": lambda: bp.rel_spiral([h.det], h.motor1, h.motor2, 2, 1, 0.4, 3, tilt=0.2),
    "rel_spiral_fermat": lambda: bp.rel_spiral_fermat([h.det], h.motor1, h.motor2, 1, 2, 0.3, 1.5, dr_y=0.2),
    "rel_spiral_square": lambda: bp.rel_spiral_square([h.det], h.motor1, h.motor2, 1, 1, 4, 5),
    "count_supplemental": lambda: bpp.SupplementalData(baseline=[h.motor1, h.det2], monitors=[h.sig])(
        bp.count([h.det1], num=2)
    ),
    "scan_baseline": lambda: bpp.baseline_wrapper(bp.scan([h.det], h.motor, 0, 1, 2), [h.motor1]),
    "inner_product_scan": lambda: bp.inner_product_scan([h.det], 3, h.motor1, 0, 1, h.motor2, 1, 2),
    "relative_inner_product_scan": lambda: bp.relative_inner_product_scan([h.det], 3, h.motor1, -1, 1),
    "x2x_scan": lambda: bp.x2x_scan([h.det], h.motor1, h.motor2, -1, 1, 3),
    "adaptive_scan": lambda: bp.adaptive_scan([h.det], "det", h.motor, -2, 2, 0.1, 1.0, 0.1, True),
    "rel_adaptive_scan": lambda: bp.rel_adaptive_scan([h.det], "det", h.motor, -1, 1, 0.2, 0.8, 0.2, False),
    "tune_centroid": lambda: bp.tune_centroid([h.det], "det", h.motor, -1.5, 2, 0.1, num=5),
    "sim_multirun_plan_nested": with_profile(lambda ns: ns["sim_multirun_plan_nested"](3, delay=0.01)),
    "move_then_count": with_profile(lambda ns: ns["move_then_count"]([ns["motor1"], ns["motor2"]], [ns["det1"]], [1, 2])),
    "fly": lambda: bp.fly([h.trivial_flyer]),
    "mv": lambda: bps.mv(h.motor1, 1, h.motor2, 2),
    "mvr": lambda: bps.mvr(h.motor1, 1),
    "count_ab_det": lambda: bp.count([h.ab_det], num=2),
    "count_det_with_conf": lambda: bp.count([h.det_with_conf]),
    "count_det_with_count_time": lambda: bp.count([h.det_with_count_time]),
    "count_direct_img": lambda: bp.count([h.direct_img]),
    "count_direct_img_list": lambda: bp.count([h.direct_img_list]),
    "count_img": lambda: bp.count([h.img], num=2),
    "count_signals": lambda: bp.count([h.invariant1, h.invariant2, h.bool_sig, h.signal, h.rand]),
    "count_pseudo": lambda: bp.count([h.pseudo3x3, h.pseudo1x3]),
    "scan_pseudo_single": lambda: bp.scan([h.det], h.pseudo3x3.pseudo2, -1, 1, 3),
    "mv_pseudo1x3": lambda: bps.mv(h.pseudo1x3, 2),
    "scan_empty_hints": lambda: bp.scan([h.det], h.motor_empty_hints1, 0, 1, 2),
    "scan_no_hints": lambda: bp.scan([h.det], h.motor_no_hints1, 0, 1, 2),
    "rel_scan_no_pos": lambda: bp.rel_scan([h.det], h.motor_no_pos, -1, 1, 3),
    "fly_flyer1": lambda: bp.fly([h.flyer1]),
    "fly_new_trivial_flyer": lambda: bp.fly([h.new_trivial_flyer]),
    "fly_during_flyer1": lambda: bpp.fly_during_wrapper(bp.count([h.det], num=2), [h.flyer1]),
    "supplemental_flyers": lambda: bpp.SupplementalData(baseline=[h.motor1], monitors=[h.sig], flyers=[h.trivial_flyer])(
        bp.scan([h.det], h.motor, 0, 1, 2)
    ),
    "count_sim_bundle": with_profile(lambda ns: bp.count([ns["sim_bundle_A"]])),
    "count_bundle_test": with_profile(
        lambda ns: ns["count_bundle_test"]([ns["sim_bundle_A"].dets.det_A, ns["det1"]], num=2)
    ),
    "plan_test_progress_bars": with_profile(lambda ns: ns["plan_test_progress_bars"](2)),
    "ramp_plan": lambda: bp.ramp_plan(ramp_go(), h.sig, lambda: bps.trigger_and_read([h.det, h.motor])),
    "tweak": lambda: bp.tweak(h.det, "det", h.motor, 0.25),
    "prepare_then_count": prepare_then_count,
}

# What the `input` messages of a case read (bluesky's RunEngine reads stdin).
INPUTS = {"tweak": "\n0.5\nq\n"}


def norm(v):
    if isinstance(v, (np.floating, float)):
        f = round(float(v), 9)
        return int(f) if f.is_integer() else f
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v


def fmt(m):
    obj = "None" if m.obj is None else m.obj.name
    if m.command == "sleep":  # bluesky subtracts wall time already spent; compare only that it sleeps
        return "sleep None"
    args = [x.name if hasattr(x, "name") else json.dumps(norm(x)) for x in m.args]
    kw = []
    for k in sorted(m.kwargs):
        if k in ("plan_args", "plan_pattern_args"):
            continue
        v = m.kwargs[k]
        kw.append(f"{k}=" + ("G" if k == "group" and isinstance(v, str) else json.dumps(norm(v), separators=(",", ":"))))
    run = [f"run={m.run}"] if m.run is not None else []
    return " ".join([m.command, obj, "[" + ", ".join(args) + "]", *kw, *run])


out = {}
for name in sys.argv[1:]:
    for m in (h.motor, h.motor1, h.motor2):
        m.set(0)
    for m in (h.pseudo3x3, h.pseudo1x3):
        m.set(*([0] * len(m.pseudo_positioners)))
    RE = RunEngine({})
    msgs, descriptors, stops, documents = [], [], [], []
    RE.msg_hook = lambda m: msgs.append(fmt(m))
    RE.subscribe(lambda n, d: descriptors.append(d) if n == "descriptor" else stops.append(d) if n == "stop" else None)
    RE.subscribe(lambda n, d: documents.append(n))
    sys.stdin = io.StringIO(INPUTS.get(name, ""))
    with contextlib.redirect_stdout(io.StringIO()):  # plans that print must not spoil the JSON line
        RE(CASES[name]())
    out[name] = {
        "messages": msgs,
        "descriptors": [
            {"name": d["name"], "object_keys": d["object_keys"],
             "data_keys": {k: {"shape": v["shape"], "source": v["source"]} for k, v in d["data_keys"].items()}}
            for d in descriptors
        ],
        "num_events": [s["num_events"] for s in stops],
        "exit_status": [s["exit_status"] for s in stops],
        "documents": documents,
    }
print(json.dumps(out))
