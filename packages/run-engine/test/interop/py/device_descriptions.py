"""Prints bluesky-queueserver's descriptions (devices_existing format) of ophyd.sim.hw() devices."""
import json
import sys
import warnings

warnings.filterwarnings("ignore")

from bluesky_queueserver.manager.profile_ops import _prepare_devices  # noqa: E402
from ophyd.sim import hw  # noqa: E402

h = hw()
print(json.dumps(_prepare_devices({name: getattr(h, name) for name in sys.argv[1:]}, max_depth=0)))
