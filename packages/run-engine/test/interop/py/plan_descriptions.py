"""Prints bluesky-queueserver's descriptions (the plans_existing format) of the named bluesky plans,
without their prose, as one JSON line."""
import json
import sys
import warnings

warnings.filterwarnings("ignore")

import bluesky.plan_stubs as bps  # noqa: E402
import bluesky.plans as bp  # noqa: E402
from bluesky_queueserver.manager.profile_ops import _process_plan  # noqa: E402

out = {}
for name in sys.argv[1:]:
    plan = getattr(bp, name, None) or getattr(bps, name)
    d = _process_plan(plan, existing_devices={}, existing_plans={})
    d.pop("description", None)
    for p in d["parameters"]:
        p.pop("description", None)
    out[name] = d
print(json.dumps(out))
