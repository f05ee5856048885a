"""Prints bluesky-queueserver's descriptions (devices_existing format) of the named devices of its
simulated profile (ophyd.sim.hw() plus the profile's own, loaded as the queue server loads them),
and the device names of the profile's shipped existing_plans_and_devices.yaml."""
import json
import os
import runpy
import sys
import warnings

warnings.filterwarnings("ignore")

from bluesky_queueserver.manager.profile_ops import _prepare_devices, get_default_startup_dir  # noqa: E402

ns = {}
for name in ("00-ophyd.py", "15-plans.py", "99-custom.py"):
    ns = runpy.run_path(os.path.join(get_default_startup_dir(), name), init_globals=ns, run_name="__main__")
import yaml  # noqa: E402

with open(os.path.join(get_default_startup_dir(), "existing_plans_and_devices.yaml")) as f:
    shipped = sorted(yaml.safe_load(f)["existing_devices"])
descriptions = _prepare_devices({name: ns[name] for name in sys.argv[1:] if name in ns}, max_depth=0)
print(json.dumps({"descriptions": descriptions, "shipped": shipped}))
