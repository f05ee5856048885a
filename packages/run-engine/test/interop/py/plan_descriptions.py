"""Prints bluesky-queueserver's descriptions (the plans_existing format) of the named plans, without
their prose, as one JSON line: bluesky's plans by name, and the simulated profile's own plans as
`profile:<name>` (the profile loaded as the queue server loads it, described with no devices)."""
import json
import os
import runpy
import sys
import warnings

warnings.filterwarnings("ignore")

import bluesky.plan_stubs as bps  # noqa: E402
import bluesky.plans as bp  # noqa: E402
from bluesky_queueserver.manager.profile_ops import _process_plan, get_default_startup_dir  # noqa: E402

ns = None


def profile_plan(name):
    global ns
    if ns is None:
        ns = {}
        for file in ("00-ophyd.py", "15-plans.py", "99-custom.py"):
            ns = runpy.run_path(os.path.join(get_default_startup_dir(), file), init_globals=ns, run_name="__main__")
    return ns[name]


out = {}
for name in sys.argv[1:]:
    if name.startswith("profile:"):
        plan = profile_plan(name[len("profile:"):])
    else:
        plan = getattr(bp, name, None) or getattr(bps, name)
    d = _process_plan(plan, existing_devices={}, existing_plans={})
    d.pop("description", None)
    for p in d["parameters"]:
        p.pop("description", None)
    out[name] = d
print(json.dumps(out))
