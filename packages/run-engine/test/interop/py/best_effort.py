"""Feeds a JSON Lines document stream to bluesky's BestEffortCallback (plots on, drawn off screen
by matplotlib's Agg backend, so its PeakStats run) and prints one JSON line: what it printed, and
its `peaks` after each run (numpy values as plain numbers, tuples as lists)."""
import contextlib
import io
import json
import sys

import matplotlib

matplotlib.use("Agg")

from bluesky.callbacks.best_effort import BestEffortCallback  # noqa: E402


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


bec = BestEffortCallback()
peaks = []
printed = io.StringIO()
with contextlib.redirect_stdout(printed), open(sys.argv[1]) as lines:
    for line in lines:
        entry = json.loads(line)
        bec(entry["name"], entry["doc"])
        if entry["name"] == "stop":
            peaks.append({attr: plain(bec.peaks[attr]) for attr in bec.peaks.ATTRS})
print(json.dumps({"text": printed.getvalue(), "peaks": peaks}))
